// Small pieces the workspace activities share.
import { lstat, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { GitContext, GitIdentity } from '../../adapters/git.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { activityContext } from '../context.js';
import { gitAuthor } from '../../core/config/environment.js';

export { STATE_DIR_NAME } from '../state-dir.js';
export const BRANCH_PREFIX = 'kaizen/';
export { BACKUP_REF_PREFIX } from '../../core/repository/backup-refs.js';
export const DIRTY_FILES_CAP = 200;

export function gitContext(deps: Pick<ActivityDeps, 'env'>, cwd: string): GitContext {
  const signal = activityContext()?.cancellationSignal;
  return { cwd, env: deps.env, ...(signal ? { signal } : {}) };
}

export function kaizenIdentity(env: NodeJS.ProcessEnv): GitIdentity {
  return gitAuthor(env);
}

export function worktreesDir(stateDir: string): string {
  return join(stateDir, 'worktrees');
}

/** True when `child` is strictly inside `parent` (both absolute). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The path with symlinks resolved, or just resolved when it does not exist. */
export async function canonicalPath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}

/** True when something is at `path`; a symlink counts even when its target is missing. */
export async function entryExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Heartbeats every few seconds while `body` runs, when running as an activity. */
export async function withHeartbeat<T>(body: () => Promise<T>, everyMs = 1000): Promise<T> {
  const ctx = activityContext();
  if (!ctx) return body();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await body();
  } finally {
    clearInterval(timer);
  }
}

export function shortSha(commit: string): string {
  return commit.slice(0, 8);
}

/** Run ids end up in branch names, ref names and folder names. */
export function assertSafeRunId(runId: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(runId)) {
    throw new Error(`run id '${runId}' must be 1-64 letters, digits, '-' or '_' (it names a branch and a folder)`);
  }
}
