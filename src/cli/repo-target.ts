// A repository as commands name it: the path a worker will find (the git top level, symlinks
// resolved, as `git rev-parse --show-toplevel` gives it), and the governor that belongs to it.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { GovernorTarget } from '../core/governor/protocol.js';
import { governorWorkflowId } from '../core/repository/key.js';
import { taskQueue } from './common.js';

export interface RepoRef {
  /** Absolute path of the repository's top level (as the worker will see it). */
  repoRoot: string;
  /** The path exists on this machine (else it is taken as a path on the worker's host). */
  local: boolean;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function resolveRepo(arg: string): RepoRef {
  const path = resolve(arg);
  if (!existsSync(path)) return { repoRoot: path, local: false };
  let dir = realpathSync(path);
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) {
      dir = at;
      break;
    }
    if (dirname(at) === at) break;
  }
  return { repoRoot: dir, local: true };
}

export function governorTargetFor(repoRoot: string, env: NodeJS.ProcessEnv = process.env): GovernorTarget {
  return { workflowId: governorWorkflowId(repoRoot), repoRoot, taskQueue: taskQueue(env) };
}
