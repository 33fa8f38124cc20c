// What the analysers may read in a worktree: tracked regular files, their sizes, and when
// they last changed. Git runs through runProcess (read-only commands, no shell).
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { gitEnv } from '../../adapters/git.js';
import { runProcess } from '../../adapters/process.js';
import { GitFailedError } from '../../core/errors.js';

const GIT_TIMEOUT_MS = 60_000;
const MAX_LS_FILES_BYTES = 64 * 1024 * 1024;

export interface GitReadOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

async function gitRead(args: string[], options: GitReadOptions): Promise<string> {
  const result = await runProcess(['git', ...args], {
    cwd: options.cwd,
    // Paths are file names, never pathspec magic such as ':(glob)'.
    env: gitEnv(options.env, { GIT_LITERAL_PATHSPECS: '1' }),
    timeoutMs: GIT_TIMEOUT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
    captureStdoutBytes: MAX_LS_FILES_BYTES,
    missingBinaryFix: 'Install git (2.25 or newer) and put it on the PATH of the Kaizen worker.',
  });
  if (result.aborted) throw options.signal?.reason ?? new Error(`git ${args[0]} was cancelled`);
  if (result.exitCode !== 0 || result.stdoutTruncated) {
    throw new GitFailedError(args.join(' '), result.outputTail || `exit code ${result.exitCode}`);
  }
  return result.stdout;
}

/** Repo-relative POSIX paths of the files git tracks in the worktree (optionally only these). */
export async function trackedFiles(options: GitReadOptions, only?: string[]): Promise<string[]> {
  const stdout = await gitRead(['ls-files', '-z', '--', ...(only ?? [])], options);
  return stdout.split('\0').filter((path) => path.length > 0);
}

/** Sizes of the regular files among `files` (symlinks, submodules and missing files are left out). */
export async function regularFileSizes(worktree: string, files: readonly string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const CONCURRENCY = 32;
  for (let start = 0; start < files.length; start += CONCURRENCY) {
    const chunk = files.slice(start, start + CONCURRENCY);
    const stats = await Promise.all(chunk.map((file) => lstat(join(worktree, file)).catch(() => null)));
    chunk.forEach((file, i) => {
      const stat = stats[i];
      if (stat?.isFile()) sizes.set(file, stat.size);
    });
  }
  return sizes;
}

/** The tree of the worktree's HEAD commit. */
export async function headTree(options: GitReadOptions): Promise<string> {
  return (await gitRead(['rev-parse', 'HEAD^{tree}'], options)).trim();
}

/** Unix seconds of the last commit that touched `file`, or null when none did. */
export async function lastCommitAt(options: GitReadOptions, file: string): Promise<number | null> {
  const stdout = await gitRead(['log', '-1', '--format=%ct', '--', file], options);
  const seconds = Number.parseInt(stdout.trim(), 10);
  return Number.isFinite(seconds) ? seconds : null;
}

/** Files that differ between two commits (renames as delete + add); null when git cannot tell (an unknown commit). */
export async function changedFilesBetween(options: GitReadOptions, from: string, to: string): Promise<string[] | null> {
  try {
    const stdout = await gitRead(['diff', '--name-only', '--no-renames', '-z', from, to, '--'], options);
    return stdout.split('\0').filter((path) => path.length > 0);
  } catch (err) {
    if (err instanceof GitFailedError) return null;
    throw err;
  }
}

/** The text of `path` at `commit`, or null when it did not exist there. */
export async function fileAt(options: GitReadOptions, commit: string, path: string): Promise<string | null> {
  try {
    return await gitRead(['show', `${commit}:${path}`], options);
  } catch (err) {
    if (err instanceof GitFailedError) return null;
    throw err;
  }
}
