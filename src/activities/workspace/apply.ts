// applyProposal: writes a proposal into Kaizen's worktree (never the user's checkout),
// commits exactly the files it names, and keeps a backup ref at the pre-change commit.
import { lstat, mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { GitFailedError, NothingToProposeError } from '../../core/errors.js';
import { LlmAnswerRejectedError } from '../../core/llm/errors.js';
import { hasStagedChange } from '../../core/repository/git-porcelain.js';
import { normaliseRepoPath } from '../../core/repository/path.js';
import type { Proposal, Workspace } from '../../core/types.js';
import type { ApplyResult } from '../../core/repository/landing.js';
import { commitFiles, currentBranch, git, headStatus, identityOptions, resolveCommit, runGit, treeOf, type GitCallOptions, type GitContext } from '../../adapters/git.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { readProposalBody } from '../generate/proposal-store.js';
import { BRANCH_PREFIX, gitContext, isInside, kaizenIdentity, STATE_DIR_NAME, withHeartbeat, worktreesDir } from './common.js';

interface TargetFile {
  /** Normalised repo-relative path. */
  path: string;
  content: string;
}

export function createApplyActivities(deps: ActivityDeps) {
  return {
    /** Undoes an applied try inside Kaizen's worktree, before the model repairs it. */
    async resetWorkspace(input: { workspace: Workspace }): Promise<{ head: string }> {
      return withHeartbeat(() => resetOwnWorktree(deps, input.workspace));
    },

    /**
     * Gives the verified commit the message of what verify saw (fixed and remaining findings):
     * a commit with the same tree and parent, made without running hooks again (they ran on
     * apply), and the run's branch moved to it only if it still points at the old one.
     */
    async rewordCommit(input: { workspace: Workspace; commit: string; message: string }): Promise<{ commit: string }> {
      const { workspace, commit } = input;
      const wt = gitContext(deps, workspace.worktree);
      const ref = `refs/heads/${workspace.branch}`;
      return withHeartbeat(async () => {
        const tip = await resolveCommit(wt, ref);
        if (tip !== commit) {
          // A retry after the new commit landed: same tree, same parent, this message.
          if (tip && (await git(wt, ['log', '-1', '--format=%B', tip])).trim() === input.message.trim() && (await treeOf(wt, tip)) === (await treeOf(wt, commit))) return { commit: tip };
          throw new Error(`rewordCommit: ${workspace.branch} is at ${tip ?? 'nothing'}, not the verified ${commit}; refusing to move it`);
        }
        const parents = (await git(wt, ['rev-list', '--parents', '-n', '1', commit])).trim().split(' ').slice(1);
        const tree = await treeOf(wt, commit);
        const reworded = (await git(wt, ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', input.message], identityOptions(kaizenIdentity(deps.env)))).trim();
        await git(wt, ['update-ref', '-m', 'kaizen: message of the verified change', ref, reworded, commit]);
        return { commit: reworded };
      });
    },

    async applyProposal(input: { workspace: Workspace; proposal: Proposal; message: string }): Promise<ApplyResult> {
      const { workspace } = input;
      const body = await readProposalBody(input.proposal.proposalPath);
      const files = await confineFiles(workspace.worktree, body.files);
      if (files.length === 0) throw new NothingToProposeError(`The proposal at ${input.proposal.proposalPath} names no files, so there is nothing to commit.`);
      const wt = gitContext(deps, workspace.worktree);
      const paths = files.map((f) => f.path);
      const commitOptions: GitCallOptions = withCommitConfig(identityOptions(kaizenIdentity(deps.env)));

      return withHeartbeat(async () => {
        // HEAD and what is staged, in one git call.
        const { head, entries } = await headStatus(wt);
        if (head && head !== workspace.baseCommit) {
          // A retry: an earlier attempt may already have made exactly this commit.
          if ((await resolveCommit(wt, 'HEAD^')) === workspace.baseCommit) {
            await stage(wt, files, paths);
            if ((await writeTree(wt)) === (await treeOf(wt, head))) return finish(wt, workspace, head);
          }
          // Anything else on Kaizen's own branch is left-over from a failed attempt.
          await git(wt, ['reset', '--hard', '--quiet', workspace.baseCommit]);
        } else if (hasStagedChange(entries)) {
          // Staged by an attempt that died before its commit: only the named files go in.
          await git(wt, ['reset', '--quiet']);
        }
        await stage(wt, files, paths);
        // No --no-verify: the repository's own hooks guard Kaizen's commits too.
        const committed = await runGit(wt, ['commit', '--quiet', '-m', input.message], commitOptions);
        if (committed.exitCode !== 0) {
          // git refuses an empty commit; asked only now, so a proposal that changes something costs no extra call.
          if ((await runGit(wt, ['diff', '--cached', '--quiet', workspace.baseCommit, '--'])).exitCode === 0) {
            throw new NothingToProposeError(`The proposal leaves ${paths.join(', ')} exactly as they are on ${workspace.targetBranch}; there is nothing to commit.`);
          }
          throw new GitFailedError('commit --quiet -m <message>', committed.stderr || committed.stdout || `exit code ${committed.exitCode}`);
        }
        return finish(wt, workspace, 'HEAD');
      });
    },
  };
}

/**
 * Puts Kaizen's own worktree back on the run's base commit (a repair attempt starts from the
 * original file). Refuses anything but <repo>/.kaizen/worktrees/<runId> on kaizen/<runId>: the
 * user's checkout is never reset.
 */
async function resetOwnWorktree(deps: ActivityDeps, workspace: Workspace): Promise<{ head: string }> {
  const stateDir = resolve(workspace.stateDir);
  const worktree = resolve(workspace.worktree);
  const own =
    stateDir === resolve(workspace.repoRoot, STATE_DIR_NAME) &&
    worktree === join(worktreesDir(stateDir), workspace.runId) &&
    isInside(worktreesDir(stateDir), worktree) &&
    workspace.branch === `${BRANCH_PREFIX}${workspace.runId}`;
  if (!own) throw new Error(`resetWorkspace: ${workspace.worktree} is not a worktree Kaizen made for run ${workspace.runId}; refusing to reset it`);
  const wt = gitContext(deps, worktree);
  const branch = await currentBranch(wt);
  if (branch !== workspace.branch) throw new Error(`resetWorkspace: ${worktree} has ${branch ?? 'a detached HEAD'} checked out, not ${workspace.branch}; refusing to reset it`);
  await git(wt, ['reset', '--hard', '--quiet', workspace.baseCommit]);
  return { head: workspace.baseCommit };
}

/** Commit settings every Kaizen commit needs, whatever the user's git config says. */
export function withCommitConfig(options: GitCallOptions): GitCallOptions {
  // Signing would ask for a passphrase nobody is there to type.
  return { ...options, config: [...(options.config ?? []), 'commit.gpgSign=false'] };
}

async function finish(wt: GitContext, workspace: Workspace, commit: string): Promise<ApplyResult> {
  // Neither reads what the other writes; the commit, its parent and its files come in one call.
  const [, made] = await Promise.all([git(wt, ['update-ref', workspace.backupRef, workspace.baseCommit]), commitFiles(wt, commit)]);
  if (made.parents.length === 1 && made.parents[0] === workspace.baseCommit) return { commit: made.commit, backupRef: workspace.backupRef, filesChanged: made.files };
  // Not straight on the base (a hook made commits of its own): the files against the base itself.
  const changed = await git(wt, ['diff', '--name-only', '-z', '--no-renames', workspace.baseCommit, made.commit]);
  return { commit: made.commit, backupRef: workspace.backupRef, filesChanged: changed.split('\0').filter(Boolean) };
}

async function stage(wt: GitContext, files: TargetFile[], paths: string[]): Promise<void> {
  for (const file of files) {
    const full = join(wt.cwd, file.path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, file.content);
  }
  // Named files only: nothing an install or a test run left behind is ever committed.
  await git(wt, ['add', '--', ...paths]);
}

async function writeTree(wt: GitContext): Promise<string> {
  return (await git(wt, ['write-tree'])).trim();
}

/** Normalises every path and refuses any that could leave the worktree, following symlinks. */
export async function confineFiles(worktree: string, files: { path: string; content: string }[]): Promise<TargetFile[]> {
  const root = await realpath(worktree);
  const byPath = new Map<string, TargetFile>();
  for (const file of files) {
    if (typeof file.path !== 'string' || typeof file.content !== 'string') {
      throw new LlmAnswerRejectedError('schema', 'every proposed file needs a string path and string content');
    }
    const check = normaliseRepoPath(file.path);
    if (!check.ok) throw new LlmAnswerRejectedError('path_outside_repo', `${check.problem}; a proposal may only change files inside the repository`);
    const full = join(root, check.path);
    let existing = dirname(full);
    while (!(await present(existing))) existing = dirname(existing);
    const resolved = await realpath(existing).catch(() => null);
    if (resolved === null) throw new LlmAnswerRejectedError('path_outside_repo', `'${check.path}' leads through a broken symbolic link`);
    if (resolved !== root && !isInside(root, resolved)) {
      throw new LlmAnswerRejectedError('path_outside_repo', `'${check.path}' leads outside the repository through a symbolic link (to ${resolved})`);
    }
    const stats = await lstat(full).catch(() => null);
    if (stats?.isSymbolicLink()) {
      throw new LlmAnswerRejectedError('path_outside_repo', `'${check.path}' is a symbolic link; Kaizen only writes regular files`);
    }
    byPath.set(check.path, { path: check.path, content: file.content });
  }
  return [...byPath.values()];
}

async function present(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
