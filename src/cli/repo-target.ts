// A repository as commands name it: the path a worker will find (the git top level, symlinks
// resolved, as `git rev-parse --show-toplevel` gives it), and the governor that belongs to it.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { locateRepository } from '../adapters/repository.js';
import { NotAGitRepoError } from '../core/errors.js';
import type { GovernorTarget } from '../core/governor/protocol.js';
import { governorWorkflowId } from '../core/repository/key.js';
import { normaliseRepoUrl } from '../core/repository/remote-url.js';
import { taskQueue } from './common.js';

export interface RepoRef {
  /** Absolute path of the repository's top level (as the worker will see it). */
  repoRoot: string;
  /** The path exists on this machine (else it is taken as a path on the worker's host). */
  local: boolean;
  /** REPO is a clone URL: `repoRoot` is its normalised URL, and every worker keeps a mirror of it. */
  remote?: boolean;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * REPO as a command names it. On this machine: its git top level as the worker will find it
 * (locateRepository), or the folder itself when it is not a repository yet (a config check).
 * A path that does not exist here is taken as a path on the worker's host.
 */
export async function resolveRepo(arg: string, env: NodeJS.ProcessEnv = process.env): Promise<RepoRef> {
  // A clone URL (`https://`, `ssh://`, `file://`, `git@host:owner/name.git`), unless a folder here has that name.
  const url = normaliseRepoUrl(arg);
  if (url && (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg) || !existsSync(resolve(arg)))) return { repoRoot: url, local: false, remote: true };
  const path = resolve(arg);
  if (!existsSync(path)) return { repoRoot: path, local: false };
  try {
    return { repoRoot: await locateRepository(path, { env }), local: true };
  } catch (err) {
    if (err instanceof NotAGitRepoError) return { repoRoot: realpathSync(path), local: true };
    throw err;
  }
}

export function governorTargetFor(repoRoot: string, env: NodeJS.ProcessEnv = process.env): GovernorTarget {
  return { workflowId: governorWorkflowId(repoRoot), repoRoot, taskQueue: taskQueue(env) };
}
