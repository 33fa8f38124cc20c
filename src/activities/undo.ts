// `kaizen undo`'s activities: plan from the ledger which changes to revert, make one revert
// commit in Kaizen's own worktree (never the user's checkout; a conflict is aborted and named,
// nothing kept), and write the undo's ledger line. Testing and landing the revert use the
// improvement's activities (runTests, integrate, rebaseWorkspace, pushBranch, openPullRequest).
import { GitFailedError } from '../core/errors.js';
import { formatLedgerLine } from '../core/ledger/ledger.js';
import { conflictReason, planUndo, revertMessage, type UndoPlan } from '../core/undo/plan.js';
import type { UndoEntry } from '../core/undo/types.js';
import type { Workspace } from '../core/types.js';
import { git, identityOptions, isAncestor, resolveCommit, runGit, treeOf, type GitContext } from '../adapters/git.js';
import type { ForgeConfig } from '../core/config/config.js';
import { gitDetail } from '../core/forge/push-failure.js';
import { remoteAccess } from './workspace/deliver.js';
import { localRepoRoot, MIRROR_REMOTE } from './workspace/mirror.js';
import type { ActivityDeps } from '../contracts/ports.js';
import { readLedger, recordInLedger } from './ledger.js';
import { withCommitConfig } from './workspace/apply.js';
import { gitContext, kaizenIdentity, shortSha, withHeartbeat } from './workspace/common.js';

export type RevertResult =
  | { kind: 'reverted'; commit: string; filesChanged: string[] }
  /** The change is not on the workspace's base (never merged, or another branch). */
  | { kind: 'not_on_target'; reason: string }
  /** Reverting it changes nothing: the tree no longer has the change. */
  | { kind: 'already_undone'; reason: string }
  | { kind: 'conflict'; reason: string; files: string[] };

export interface RevertInput {
  workspace: Workspace;
  /** The commit to revert. */
  commit: string;
  /**
   * Revert its change wherever it landed (a pull request merged by squash or rebase has other
   * commits): no check that the commit itself is on the base.
   */
  anywhere?: boolean;
  /** Its improvement's workflow id, and the undo's (both go into the message). */
  undoes: string;
  undoWorkflowId: string;
}

export function createUndoActivities(deps: ActivityDeps) {
  return {
    /** What to revert, newest first, as the repository's ledger says (on the host that holds it). */
    async planUndo(input: { repoRoot: string; workflowId?: string; since?: string }): Promise<UndoPlan> {
      // A repository given by URL keeps its ledger in this host's mirror.
      const ledger = await readLedger(localRepoRoot(input.repoRoot, deps.env));
      const request = input.workflowId ? { workflowId: input.workflowId } : { since: new Date(input.since ?? 0) };
      return planUndo(ledger.entries, ledger.undos, request);
    },

    /** Commits the revert of `commit` on the workspace's branch, on top of its base. */
    async revertChange(input: RevertInput): Promise<RevertResult> {
      const { workspace, commit } = input;
      const wt = gitContext(deps, workspace.worktree);
      return withHeartbeat(async () => {
        if (!(await resolveCommit(wt, commit))) return { kind: 'not_on_target', reason: `commit ${shortSha(commit)} is not in this repository` };
        if (!input.anywhere && !(await isAncestor(wt, commit, workspace.baseCommit))) {
          return { kind: 'not_on_target', reason: `commit ${shortSha(commit)} is not on ${workspace.targetBranch} (${shortSha(workspace.baseCommit)})` };
        }
        const message = revertMessage({ subject: (await git(wt, ['log', '-1', '--format=%s', commit])).trim(), commit, undoes: input.undoes, undoWorkflowId: input.undoWorkflowId });
        const head = await resolveCommit(wt, 'HEAD');
        if (head && head !== workspace.baseCommit) {
          // A retry: an earlier attempt may already have made exactly this revert.
          const made = (await resolveCommit(wt, 'HEAD^')) === workspace.baseCommit && (await git(wt, ['log', '-1', '--format=%B', head])).trim() === message;
          if (made) return reverted(wt, workspace, head);
        }
        // Kaizen's own worktree: anything an interrupted attempt left goes.
        await runGit(wt, ['revert', '--quit']);
        await git(wt, ['reset', '--hard', '--quiet', workspace.baseCommit]);
        const revert = await runGit(wt, ['revert', '--no-commit', commit]);
        if (revert.exitCode !== 0) {
          const files = (await git(wt, ['diff', '--name-only', '-z', '--diff-filter=U'])).split('\0').filter(Boolean);
          await runGit(wt, ['revert', '--abort']);
          await git(wt, ['reset', '--hard', '--quiet', workspace.baseCommit]);
          if (files.length === 0) throw new GitFailedError(`revert ${shortSha(commit)}`, revert.stderr || revert.stdout);
          return { kind: 'conflict', files, reason: conflictReason(commit, files, await laterCommits(wt, commit, workspace.baseCommit, files)) };
        }
        if ((await runGit(wt, ['diff', '--cached', '--quiet'])).exitCode === 0) {
          await runGit(wt, ['revert', '--quit']);
          return { kind: 'already_undone', reason: `${workspace.targetBranch} no longer has the change of ${shortSha(commit)}: reverting it changes nothing` };
        }
        // No --no-verify: the repository's own hooks guard Kaizen's commits too.
        await git(wt, ['commit', '--quiet', '-m', message], withCommitConfig(identityOptions(kaizenIdentity(deps.env))));
        await runGit(wt, ['revert', '--quit']);
        const made = await resolveCommit(wt, 'HEAD');
        if (!made) throw new Error(`git commit in ${workspace.worktree} left no HEAD commit`);
        return reverted(wt, workspace, made);
      });
    },

    /**
     * The remote's tip of the target branch (pr mode: where a merged pull request landed), or of
     * `branch` (a pull request's head), fetched into the worktree's own FETCH_HEAD with the
     * forge's token in git's environment only.
     */
    async fetchRemoteTarget(input: { workspace: Workspace; remote: string; forge: ForgeConfig; branch?: string }): Promise<{ commit: string; tree: string }> {
      const { workspace } = input;
      const branch = input.branch ?? workspace.targetBranch;
      // A repository given by URL: the mirror's own remote is that URL, whatever the config names.
      const remote = workspace.remoteUrl ? MIRROR_REMOTE : input.remote;
      const wt = gitContext(deps, workspace.worktree);
      const access = await remoteAccess(deps, gitContext(deps, workspace.repoRoot), remote, input.forge);
      return withHeartbeat(async () => {
        const fetched = await runGit(wt, ['fetch', '--quiet', '--no-tags', remote, `refs/heads/${branch}`], { env: access.env });
        if (fetched.exitCode !== 0) throw new GitFailedError(`fetch ${remote} ${branch}`, gitDetail(fetched.stderr || fetched.stdout, access.secrets));
        const commit = await resolveCommit(wt, 'FETCH_HEAD');
        if (!commit) throw new GitFailedError(`fetch ${remote} ${branch}`, `${remote} has no branch ${branch}`);
        return { commit, tree: await treeOf(wt, commit) };
      });
    },

    async recordUndo(input: { repoRoot: string; entry: UndoEntry }): Promise<{ ledgerPath: string | null }> {
      return recordInLedger(deps, input.repoRoot, formatLedgerLine(input.entry));
    },
  };
}

async function reverted(wt: GitContext, workspace: Workspace, commit: string): Promise<RevertResult> {
  // As for an improvement: the backup ref marks the commit the revert was made on.
  await git(wt, ['update-ref', workspace.backupRef, workspace.baseCommit]);
  const changed = await git(wt, ['diff', '--name-only', '-z', '--no-renames', workspace.baseCommit, commit]);
  return { kind: 'reverted', commit, filesChanged: changed.split('\0').filter(Boolean) };
}

/** The commits after `commit` up to `tip` that changed these files, newest first. */
async function laterCommits(wt: GitContext, commit: string, tip: string, files: string[]): Promise<{ commit: string; subject: string }[]> {
  const out = await git(wt, ['log', '--format=%H%x09%s', `${commit}..${tip}`, '--', ...files]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha = '', ...subject] = line.split('\t');
      return { commit: sha, subject: subject.join('\t') };
    });
}
