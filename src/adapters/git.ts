// The one module that talks to git (through runProcess, no shell). Git never prompts and never opens
// an editor or pager; the environment comes from the caller so tests can isolate git config.
import { stat } from 'node:fs/promises';
import { BinaryMissingError, GitFailedError } from '../core/errors.js';
import {
  parseCheckedOutTip,
  parseCommitFiles,
  parseRefTips,
  parseStatusPorcelainV2Z,
  parseStatusPorcelainZ,
  parseWorktreeListPorcelain,
  type CommitFiles,
  type HeadStatus,
  type StatusEntry,
  type WorktreeEntry,
} from '../core/repository/git-porcelain.js';
import { runProcess, type RunResult } from './process.js';

export interface GitContext {
  /** Folder git runs in. */
  cwd: string;
  /** Base environment (ActivityDeps.env); cleaned by `gitEnv`. */
  env: NodeJS.ProcessEnv;
  /** Aborting kills the git process (activity cancellation). */
  signal?: AbortSignal;
}

export interface GitCallOptions {
  /** `-c key=value` settings for this call only. */
  config?: string[];
  /** Extra environment for this call only (e.g. the committer identity). */
  env?: Record<string, string>;
  /** Kill git when it prints nothing for this long (default 10 minutes). */
  silentTimeoutMs?: number;
}

export interface GitOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface GitIdentity {
  name: string;
  email: string;
}

const DEFAULT_SILENT_TIMEOUT_MS = 10 * 60_000;

// Variables that would make git prompt, page, run another program, or look at another
// repository than the one we name (a worker started from inside a git hook inherits GIT_DIR).
const STRIPPED_ENV = [
  'EDITOR',
  'VISUAL',
  'PAGER',
  'GIT_PAGER',
  'GIT_SEQUENCE_EDITOR',
  'GIT_ASKPASS',
  'SSH_ASKPASS',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_PROXY_COMMAND',
  'GIT_EXTERNAL_DIFF',
  'GIT_EXEC_PATH',
  'GIT_TEMPLATE_DIR',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

/** The environment every git call gets: no prompts, no editor, no optional index locks. */
export function gitEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const key of STRIPPED_ENV) delete env[key];
  env.GIT_TERMINAL_PROMPT = '0';
  // A no-op editor: should git ever want one, it keeps the prepared message instead of hanging.
  env.GIT_EDITOR = 'true';
  // Status in the user's checkout must not take index.lock and collide with their own git.
  env.GIT_OPTIONAL_LOCKS = '0';
  return { ...env, ...extra };
}

/**
 * Runs git and resolves with its exit code and output; rejects only when git cannot run, prints
 * nothing for `silentTimeoutMs`, or is aborted (once git and what it started have ended, so its
 * lock files are gone). Through runProcess, in its own process group, unrecorded: no wrapper
 * library (simple-git waited 50 ms after every command that printed nothing) and no file access
 * beside the spawn.
 */
export async function runGit(ctx: GitContext, args: string[], options: GitCallOptions = {}): Promise<GitOutput> {
  if (!(await isDirectory(ctx.cwd))) throw new GitFailedError(args.join(' '), `the folder ${ctx.cwd} does not exist`);
  if (ctx.signal?.aborted) throw abortReason(ctx.signal);
  const argv = [...(options.config ?? []).flatMap((setting) => ['-c', setting]), ...args];
  const silentMs = options.silentTimeoutMs ?? DEFAULT_SILENT_TIMEOUT_MS;
  let run: RunResult;
  try {
    run = await runProcess(['git', ...argv], {
      cwd: ctx.cwd,
      env: gitEnv(ctx.env, options.env),
      timeoutMs: null,
      silenceTimeoutMs: silentMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      tailChars: 0,
      captureStdoutBytes: Number.POSITIVE_INFINITY,
      captureStderrBytes: Number.POSITIVE_INFINITY,
      missingBinaryFix: 'Install git (2.25 or newer) and put it on the PATH of the Kaizen worker.',
      recordFor: null,
    });
  } catch (err) {
    if (err instanceof BinaryMissingError) throw err;
    throw new GitFailedError(args.join(' '), err instanceof Error ? err.message : String(err));
  }
  if (run.aborted && ctx.signal) throw abortReason(ctx.signal);
  if (run.silent) throw new GitFailedError(args.join(' '), `git printed nothing for ${Math.round(silentMs / 1000)} s and was stopped`);
  if (run.exitCode === null) return { exitCode: 128, stdout: run.stdout, stderr: run.stderr || `git was ended by ${run.signal ?? 'a signal'}` };
  return { exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr };
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('git was cancelled');
}

/** Runs git and returns stdout; a non-zero exit throws GitFailedError. */
export async function git(ctx: GitContext, args: string[], options: GitCallOptions = {}): Promise<string> {
  const out = await runGit(ctx, args, options);
  if (out.exitCode !== 0) throw new GitFailedError(args.join(' '), out.stderr || out.stdout || `exit code ${out.exitCode}`);
  return out.stdout;
}

/** `-c` settings and environment that make a commit (or rebase) carry this identity. */
export function identityOptions(identity: GitIdentity): GitCallOptions {
  return {
    config: [`user.name=${identity.name}`, `user.email=${identity.email}`],
    // Environment identities win over config, so a worker's GIT_AUTHOR_* must not leak in.
    env: {
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
    },
  };
}

/** The commit a revision names, or null when it names none. */
export async function resolveCommit(ctx: GitContext, rev: string): Promise<string | null> {
  const out = await runGit(ctx, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  return out.exitCode === 0 ? out.stdout.trim() : null;
}

/**
 * The commit a branch points at and that commit's tree, read in one git call (a ref read once,
 * so both belong to the same commit); null when the branch does not exist.
 */
export async function branchTip(ctx: GitContext, branch: string): Promise<{ commit: string; tree: string } | null> {
  const ref = `refs/heads/${branch}`;
  return parseRefTips(await git(ctx, ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(tree)', ref])).get(ref) ?? null;
}

/** Deletes a ref; one that is already gone is not an error (git exits 0). */
export async function deleteRef(ctx: GitContext, ref: string): Promise<void> {
  await git(ctx, ['update-ref', '-d', ref]);
}

export async function treeOf(ctx: GitContext, commit: string): Promise<string> {
  return (await git(ctx, ['rev-parse', '--verify', '--end-of-options', `${commit}^{tree}`])).trim();
}

/** The short name of the checked-out branch, or null on a detached HEAD. */
export async function currentBranch(ctx: GitContext): Promise<string | null> {
  const out = await runGit(ctx, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return out.exitCode === 0 ? out.stdout.trim() : null;
}

export async function isAncestor(ctx: GitContext, ancestor: string, descendant: string): Promise<boolean> {
  const out = await runGit(ctx, ['merge-base', '--is-ancestor', ancestor, descendant]);
  if (out.exitCode === 0) return true;
  if (out.exitCode === 1) return false;
  throw new GitFailedError(`merge-base --is-ancestor ${ancestor} ${descendant}`, out.stderr);
}

/** Every uncommitted change (staged, unstaged, untracked) of the checkout at ctx.cwd. */
export async function statusEntries(ctx: GitContext): Promise<StatusEntry[]> {
  return parseStatusPorcelainZ(await git(ctx, ['status', '--porcelain=v1', '-z', '--ignore-submodules=none']));
}

/**
 * HEAD's commit and branch and the uncommitted changes to tracked files, in one git call (one
 * `git status` instead of a rev-parse beside it: every git process a worker starts costs it a fork).
 */
export async function headStatus(ctx: GitContext): Promise<HeadStatus> {
  return parseStatusPorcelainV2Z(await git(ctx, ['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=no']));
}

/** The checked-out branch with its commit and tree, in one git call; null on a detached HEAD or an unborn branch. */
export async function checkedOutTip(ctx: GitContext): Promise<{ branch: string; commit: string; tree: string } | null> {
  return parseCheckedOutTip(await git(ctx, ['for-each-ref', '--format=%(HEAD)%00%(refname)%00%(objectname)%00%(tree)', 'refs/heads/']));
}

/** A commit's hash, tree and parents and the files it changes against its first parent, in one git call. */
export async function commitFiles(ctx: GitContext, rev: string): Promise<CommitFiles> {
  const parsed = parseCommitFiles(await git(ctx, ['log', '-1', '--no-show-signature', '--no-renames', '--format=%H%x00%T%x00%P', '--name-only', '-z', '--end-of-options', rev, '--']));
  if (!parsed) throw new GitFailedError(`log -1 ${rev}`, `git printed no commit for ${rev}`);
  return parsed;
}

export async function listWorktrees(ctx: GitContext): Promise<WorktreeEntry[]> {
  return parseWorktreeListPorcelain(await git(ctx, ['worktree', 'list', '--porcelain']));
}

/** Absolute path of a file in the git directory of the checkout at ctx.cwd (e.g. rebase-merge). */
export async function gitPath(ctx: GitContext, name: string): Promise<string> {
  const out = (await git(ctx, ['rev-parse', '--path-format=absolute', '--git-path', name])).trim();
  return out;
}

export type { CommitFiles, HeadStatus, StatusEntry, WorktreeEntry };

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
