// Where a repository is: the one place that turns a path a user or a workflow names into the
// repository's top level, as git itself prints it (symlinks resolved). The CLI uses it for
// repositories on its own machine, the worker's locateRepo for paths on its host; both then
// agree on the root, and so on the governor, the schedule and the ledger of the repository.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { NotAGitRepoError, RepoNotFoundError } from '../core/errors.js';
import { runGit } from './git.js';

export interface LocateOptions {
  env: NodeJS.ProcessEnv;
  /** Relative paths are resolved against this folder (default: the process's). */
  cwd?: string;
  /** Also require a first commit (a worker cannot branch off an empty repository). */
  requireCommit?: boolean;
  signal?: AbortSignal;
}

/** The top level of the git repository at or above `path`; RepoNotFoundError or NotAGitRepoError otherwise. */
export async function locateRepository(path: string, options: LocateOptions): Promise<string> {
  const absolute = resolve(options.cwd ?? process.cwd(), path);
  const stats = await stat(absolute).catch(() => null);
  if (!stats) throw new RepoNotFoundError(absolute);
  if (!stats.isDirectory()) throw new NotAGitRepoError(absolute);
  const context = { cwd: absolute, env: options.env, ...(options.signal ? { signal: options.signal } : {}) };
  // The top level and, when asked, HEAD's commit in one git call: exit 1 with the top level printed is a repository without a commit.
  const top = await runGit(context, options.requireCommit ? ['rev-parse', '--show-toplevel', '--verify', '--quiet', 'HEAD^{commit}'] : ['rev-parse', '--show-toplevel']);
  const [repoRoot = '', commit = ''] = top.stdout.split('\n').map((line) => line.trim());
  const noCommit = options.requireCommit === true && top.exitCode === 1;
  if ((top.exitCode !== 0 && !noCommit) || repoRoot === '') throw new NotAGitRepoError(absolute);
  if (options.requireCommit && (noCommit || commit === '')) throw new NotAGitRepoError(repoRoot);
  return repoRoot;
}
