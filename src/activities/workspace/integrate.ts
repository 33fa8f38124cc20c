// Landing a change: leave the branch for review, or fast-forward the target branch under
// the repo's merge lock. A checkout with uncommitted changes is never written to.
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GitFailedError, TargetBranchMissingError } from '../../core/errors.js';
import { changedPaths } from '../../core/repository/git-porcelain.js';
import type { Mode, Workspace } from '../../core/types.js';
import type { IntegrateResult, RebaseResult } from '../../core/repository/landing.js';
import { git, gitPath, identityOptions, isAncestor, listWorktrees, resolveCommit, runGit, statusEntries, treeOf, type GitContext } from '../../adapters/git.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { activityContext } from '../context.js';
import { withFileLock } from './file-lock.js';
import { withCommitConfig } from './apply.js';
import { gitContext, kaizenIdentity, shortSha, STATE_DIR_NAME, withHeartbeat } from './common.js';
import { ensureStateDir } from '../state-dir.js';
import { fetchBranch } from './mirror.js';
import { fastForwardRemote, remoteOf } from './remote-merge.js';

export const MERGE_LOCK_FILE = 'merge.lock';
const MERGE_LOCK_STALE_MS = 5 * 60_000;
const MERGE_LOCK_WAIT_MS = 2 * 60_000;
const LISTED_DIRTY_FILES = 5;

export function createIntegrateActivities(deps: ActivityDeps) {
  return {
    /**
     * The target branch moved since baseCommit: replay the kaizen branch onto its new tip, or
     * onto `onto` (a commit already fetched, such as a pull request's target on the remote).
     */
    async rebaseWorkspace(input: { workspace: Workspace; onto?: string }): Promise<RebaseResult> {
      const { workspace } = input;
      const repo = gitContext(deps, workspace.repoRoot);
      const wt = gitContext(deps, workspace.worktree);
      // A repository given by URL: the remote's tip is fetched into the mirror first.
      const remote = input.onto ? null : remoteOf(workspace);
      if (remote) await fetchBranch(deps, remote, workspace.repoRoot, workspace.targetBranch);
      const newTip = input.onto ?? (await targetTip(repo, workspace));
      return withHeartbeat(async () => {
        await abortLeftoverRebase(wt);
        const head = await resolveCommit(wt, 'HEAD');
        if (!head) throw new GitFailedError('rev-parse HEAD', `the worktree ${workspace.worktree} has no commit`);
        if (head === newTip) return { ok: false, alreadyOnTarget: true, reason: `${workspace.targetBranch} already contains this change` };
        // Already on top of the new tip: an earlier attempt of this rebase succeeded.
        if (!(await isAncestor(wt, newTip, head))) {
          // Kaizen's own worktree: tracked files a test run touched are not part of the change.
          await git(wt, ['reset', '--hard', '--quiet', 'HEAD']);
          const rebase = await runGit(wt, ['rebase', '--quiet', '--onto', newTip, workspace.baseCommit], withCommitConfig(identityOptions(kaizenIdentity(deps.env))));
          if (rebase.exitCode !== 0) {
            const conflicts = (await git(wt, ['diff', '--name-only', '-z', '--diff-filter=U'])).split('\0').filter(Boolean);
            await runGit(wt, ['rebase', '--abort']);
            const onto = `${workspace.targetBranch} (${shortSha(newTip)})`;
            return {
              ok: false,
              reason: conflicts.length
                ? `rebasing ${workspace.branch} onto ${onto} conflicts in ${conflicts.join(', ')}`
                : `rebasing ${workspace.branch} onto ${onto} failed: ${lastLine(rebase.stderr || rebase.stdout)}`,
            };
          }
        }
        const commit = await resolveCommit(wt, 'HEAD');
        if (!commit || commit === newTip) return { ok: false, alreadyOnTarget: true, reason: `${workspace.targetBranch} already contains this change` };
        if (await resolveCommit(repo, workspace.backupRef)) await git(repo, ['update-ref', workspace.backupRef, newTip]);
        return { ok: true, commit, baseCommit: newTip, baseTree: await treeOf(repo, newTip) };
      });
    },

    async integrate(input: { workspace: Workspace; mode: Mode; commit: string }): Promise<IntegrateResult> {
      const { workspace, commit } = input;
      // Only merge moves the target branch; push and pr deliver through deliver.ts.
      if (input.mode !== 'merge') {
        return { kind: 'proposed', branch: workspace.branch, commit, reason: `branch ${workspace.branch} is ready for review` };
      }
      const ctx = activityContext();
      await ensureStateDir(workspace.stateDir);
      return withFileLock(
        join(workspace.stateDir, MERGE_LOCK_FILE),
        { staleMs: MERGE_LOCK_STALE_MS, waitMs: MERGE_LOCK_WAIT_MS, ...(ctx ? { onWait: () => ctx.heartbeat(), signal: ctx.cancellationSignal } : {}) },
        () => {
          const remote = remoteOf(workspace);
          return remote ? fastForwardRemote(deps, workspace, remote, commit) : fastForward(deps, workspace, commit);
        },
      );
    },
  };
}

async function fastForward(deps: ActivityDeps, workspace: Workspace, commit: string): Promise<IntegrateResult> {
  const repo = gitContext(deps, workspace.repoRoot);
  const ref = `refs/heads/${workspace.targetBranch}`;
  const applied: IntegrateResult = { kind: 'applied', commit, reason: `fast-forwarded ${workspace.targetBranch} to ${shortSha(commit)}` };
  // Questions that need nothing of each other, asked at once (each git process costs the worker a
  // fork): the target's tip, the ancestry, the checkouts of the target, and the changes of the
  // checkout at repoRoot, which is usually the one that has the target checked out.
  const [tip, descends, worktrees, rootChanges] = await Promise.all([
    targetTip(repo, workspace),
    isAncestor(repo, workspace.baseCommit, commit).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
    listWorktrees(repo),
    statusEntries(repo).catch(() => null),
  ]);
  // A retry after the fast-forward landed.
  if (tip === commit) return applied;
  if (tip !== workspace.baseCommit) return targetMoved(workspace, tip);
  if (descends instanceof Error) throw descends;
  if (!descends) {
    throw new GitFailedError(`merge --ff-only ${commit}`, `${shortSha(commit)} does not descend from ${shortSha(workspace.baseCommit)}, so ${workspace.targetBranch} cannot be fast-forwarded to it`);
  }

  const checkouts = worktrees.filter((w) => w.branch === ref && !w.bare && !w.prunable);
  if (checkouts.length === 0) {
    // Compare-and-swap: only moves the branch if it is still at the base.
    const swap = await runGit(repo, ['update-ref', '-m', `kaizen: fast-forward to ${shortSha(commit)}`, ref, commit, workspace.baseCommit]);
    if (swap.exitCode === 0) return applied;
    const now = await targetTip(repo, workspace);
    if (now === commit) return applied;
    if (now !== workspace.baseCommit) return targetMoved(workspace, now);
    throw new GitFailedError(`update-ref ${ref}`, swap.stderr);
  }

  for (const checkout of checkouts) {
    const atRoot = rootChanges !== null && resolve(checkout.path) === resolve(workspace.repoRoot);
    const dirty = changedPaths(atRoot ? rootChanges : await statusEntries(gitContext(deps, checkout.path)), STATE_DIR_NAME);
    if (dirty.length > 0) {
      const listed = dirty.slice(0, LISTED_DIRTY_FILES).join(', ') + (dirty.length > LISTED_DIRTY_FILES ? `, and ${dirty.length - LISTED_DIRTY_FILES} more` : '');
      return {
        kind: 'proposed',
        branch: workspace.branch,
        commit,
        reason: `the checkout at ${checkout.path} has uncommitted changes (${listed}); left branch ${workspace.branch} for you to merge`,
      };
    }
  }
  const checkout = checkouts[0] as (typeof checkouts)[number];
  // git itself refuses, touching nothing, if a change appeared since the status check.
  const merge = await runGit(gitContext(deps, checkout.path), ['merge', '--ff-only', '--quiet', commit]);
  if (merge.exitCode === 0) return applied;
  const now = await targetTip(repo, workspace);
  if (now === commit) return applied;
  if (now !== workspace.baseCommit) return targetMoved(workspace, now);
  return {
    kind: 'proposed',
    branch: workspace.branch,
    commit,
    reason: `git could not fast-forward the checkout at ${checkout.path} (${lastLine(merge.stderr || merge.stdout)}); left branch ${workspace.branch} for you to merge`,
  };
}

function targetMoved(workspace: Workspace, targetCommit: string): IntegrateResult {
  return {
    kind: 'target_moved',
    targetCommit,
    reason: `${workspace.targetBranch} moved from ${shortSha(workspace.baseCommit)} to ${shortSha(targetCommit)} while the change was prepared`,
  };
}

async function targetTip(repo: GitContext, workspace: Workspace): Promise<string> {
  const tip = await resolveCommit(repo, `refs/heads/${workspace.targetBranch}`);
  if (!tip) throw new TargetBranchMissingError(workspace.repoRoot, workspace.targetBranch);
  return tip;
}

/** A rebase interrupted by a crash would block every later git command in the worktree. */
async function abortLeftoverRebase(wt: GitContext): Promise<void> {
  for (const name of ['rebase-merge', 'rebase-apply']) {
    const path = await gitPath(wt, name);
    const inProgress = await access(path).then(
      () => true,
      () => false,
    );
    if (inProgress) {
      await runGit(wt, ['rebase', '--abort']);
      return;
    }
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return (lines[lines.length - 1] ?? 'no output').slice(0, 300);
}
