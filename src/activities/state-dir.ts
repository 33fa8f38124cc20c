// <repo>/.kaizen, Kaizen's private area in a repository: worktrees, logs, caches, proposals, the
// ledger. It ignores itself (`.gitignore` with `*`) before anything else is written into it, so
// a crash half-way never leaves `?? .kaizen/` in the user's `git status`. Every writer goes
// through here. The ledger is written only into a folder Kaizen may own: one with a `.kaizen`
// already, or a git repository with a commit and a valid config — a run that failed on
// anything else writes nothing (its outcome still goes to the log, the channels and the result).
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { locateRepository } from '../adapters/repository.js';
import { loadRepoConfig } from './workspace/repo-config.js';

export const STATE_DIR_NAME = '.kaizen';

export function stateDirOf(repoRoot: string): string {
  return join(repoRoot, STATE_DIR_NAME);
}

/** Creates `stateDir` with its `.gitignore` first, then `stateDir/<parts>`; returns that folder. */
export async function ensureStateDir(stateDir: string, ...parts: string[]): Promise<string> {
  await mkdir(stateDir, { recursive: true });
  // `*` keeps everything of Kaizen's (this file included) out of `git status`.
  await writeFile(join(stateDir, '.gitignore'), '*\n', { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  const dir = join(stateDir, ...parts);
  if (parts.length > 0) await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * The state folder of `repoRoot` ready for a ledger line, or why Kaizen may not write there:
 * not a git repository's top level with a commit, or an invalid `kaizen.config.json`.
 */
export async function ownedStateDir(repoRoot: string, env: NodeJS.ProcessEnv): Promise<{ stateDir: string } | { refused: string }> {
  const stateDir = stateDirOf(repoRoot);
  if (await exists(join(stateDir, '.gitignore'))) return { stateDir };
  try {
    const top = await locateRepository(repoRoot, { env, requireCommit: true });
    if (resolve(top) !== resolve(repoRoot)) return { refused: `${repoRoot} is not the top level of its git repository (${top})` };
    await loadRepoConfig(repoRoot);
  } catch (err) {
    return { refused: err instanceof Error ? err.message : String(err) };
  }
  await ensureStateDir(stateDir);
  return { stateDir };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
