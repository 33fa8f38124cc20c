// The isolated git worktree each improvement works in: locate the repo, prepare the worktree
// on kaizen/<runId>, and remove it again. Apply and integrate live in their own files.
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config, ConfigInput } from '../../core/config/config.js';
import { durationMs } from '../../core/duration.js';
import { GitFailedError, TargetBranchMissingError } from '../../core/errors.js';
import { changedPaths } from '../../core/repository/git-porcelain.js';
import type { Workspace } from '../../core/types.js';
import { branchTip, checkedOutTip, currentBranch, deleteRef, git, isAncestor, listWorktrees, resolveCommit, runGit, statusEntries, type GitContext, type WorktreeEntry } from '../../adapters/git.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { activityContext } from '../context.js';
import { loadRepoConfig } from './repo-config.js';
import { loadMirrorConfig, localRepoRoot, mirrorPathOf, syncMirror } from './mirror.js';
import { parseRepoUrl } from '../../core/repository/remote-url.js';
import { locateRepository } from '../../adapters/repository.js';
import { createApplyActivities } from './apply.js';
import {
  assertSafeRunId,
  BACKUP_REF_PREFIX,
  BRANCH_PREFIX,
  canonicalPath,
  DIRTY_FILES_CAP,
  gitContext,
  isInside,
  isDirectory,
  STATE_DIR_NAME,
  withHeartbeat,
  worktreesDir,
} from './common.js';
import { prepareDependencies } from './dependencies.js';
import { ensureStateDir } from '../state-dir.js';
import { recordPathFor } from '../../core/processes/records.js';
import { endRecordedGroups, forgetRecords } from '../../adapters/process-groups.js';
import { createIntegrateActivities } from './integrate.js';
import { checkInBeside } from '../check-in.js';
import type { CheckInCall, CheckInOutcome } from '../../core/governor/check-in.js';
import { removeProposalFiles } from '../generate/proposal-store.js';

export function createWorkspaceActivities(deps: ActivityDeps) {
  return {
    /** Also the config's heartbeat timeout, so prepare (on the host queue) already has it; reads, never writes. */
    async locateRepo(input: { repoPath: string }): Promise<{ repoRoot: string; hostQueue: string; heartbeatTimeoutMs?: number }> {
      const signal = activityContext()?.cancellationSignal;
      const url = parseRepoUrl(input.repoPath);
      if (url) {
        // A repository given by URL: this host's mirror, fetched now; the run stays on this host.
        const mirror = await withHeartbeat(() => syncMirror(deps, url));
        const heartbeatTimeout = await loadMirrorConfig(deps, mirror).then((c) => c.heartbeatTimeout, () => undefined);
        return { repoRoot: url.url, hostQueue: deps.hostQueue, ...(heartbeatTimeout ? { heartbeatTimeoutMs: durationMs(heartbeatTimeout) } : {}) };
      }
      const repoRoot = await locateRepository(input.repoPath, { env: deps.env, requireCommit: true, ...(signal ? { signal } : {}) });
      // An invalid config is prepare's to report, with every problem: here it only means "the default".
      const heartbeatTimeout = await loadRepoConfig(repoRoot).then((c) => c.heartbeatTimeout, () => undefined);
      return { repoRoot, hostQueue: deps.hostQueue, ...(heartbeatTimeout ? { heartbeatTimeoutMs: durationMs(heartbeatTimeout) } : {}) };
    },

    /** `repoRoot` as locateRepo found it on this host: the top level of a git repository with a commit. */
    /** `checkIn`: the run's check-in with its governor, sent while the worktree is made (its answer comes back). */
    async prepareWorkspace(input: { repoRoot: string; runId: string; targetBranch?: string; overrides?: ConfigInput; checkIn?: CheckInCall }): Promise<{ workspace: Workspace; config: Config; checkIn?: CheckInOutcome }> {
      assertSafeRunId(input.runId);
      // A repository given by URL is worked on in this host's mirror (fetched by locateRepo).
      const url = parseRepoUrl(input.repoRoot);
      const repoRoot = url ? mirrorPathOf(url, deps.env) : input.repoRoot;
      const loaded = url ? await loadMirrorConfig(deps, repoRoot, input.targetBranch, input.overrides) : await loadRepoConfig(repoRoot, input.overrides);
      // The model is fixed here, on the worker that reads KAIZEN_MODEL: the cost estimate, the
      // prices and the answer cache of every later step (on any worker) use the same one.
      const config: Config = loaded.llm.model ? loaded : { ...loaded, llm: { ...loaded.llm, model: deps.llm.defaultModel() } };
      const checkingIn = input.checkIn ? checkInBeside(deps, input.checkIn, config) : undefined;
      const repo = gitContext(deps, repoRoot);
      const stateDir = join(repoRoot, STATE_DIR_NAME);
      await ensureStateDir(stateDir, 'worktrees');

      const { branch: targetBranch, commit: baseCommit, tree: baseTree } = await targetTip(repo, input.targetBranch ?? config.targetBranch);

      const branch = `${BRANCH_PREFIX}${input.runId}`;
      const worktree = join(worktreesDir(stateDir), input.runId);
      // A retried prepare first ends what a dead worker's attempt left running in the worktree.
      await endRecordedGroups(recordPathFor(worktree));
      await withHeartbeat(() => ensureWorktree(deps, repo, worktree, branch, baseCommit));

      // A mirror has no working tree, so nobody's uncommitted changes. Neither needs the other.
      const [userDirtyFiles, dependencies] = await Promise.all([
        url ? [] : statusEntries(repo).then((entries) => changedPaths(entries, STATE_DIR_NAME).slice(0, DIRTY_FILES_CAP)),
        prepareDependencies({ repoRoot, worktree, stateDir, config, env: deps.env }),
      ]);
      if (dependencies.missing.length > 0) {
        activityContext()?.log.warn('worktree dependencies not prepared: lockfiles differ from the main checkout and no setup.command is set', {
          folders: dependencies.missing,
        });
      }

      const workspace: Workspace = {
        runId: input.runId,
        repoRoot,
        worktree,
        branch,
        backupRef: `${BACKUP_REF_PREFIX}${input.runId}`,
        targetBranch,
        baseCommit,
        baseTree,
        stateDir,
        userDirtyFiles,
        ...(url ? { remoteUrl: url.url } : {}),
      };
      return { workspace, config, ...(checkingIn ? { checkIn: await checkingIn } : {}) };
    },

    ...createApplyActivities(deps),
    ...createIntegrateActivities(deps),

    async removeWorkspace(input: { workspace: Workspace; deleteBranch: boolean; deleteBackupRef: boolean }): Promise<void> {
      // A prepare that failed half-way names the repository as the workflow knows it (a URL: the mirror here).
      const workspace = parseRepoUrl(input.workspace.repoRoot) ? plannedMirrorWorkspace(deps, input.workspace) : input.workspace;
      if (!(await isDirectory(workspace.repoRoot))) return;
      const repo = gitContext(deps, workspace.repoRoot);
      const worktree = resolve(workspace.worktree);
      // Only ever a folder Kaizen made itself: <stateDir>/worktrees/<runId>, never the user's checkout.
      const ownWorktree =
        resolve(workspace.stateDir) === resolve(workspace.repoRoot, STATE_DIR_NAME) &&
        worktree === join(worktreesDir(resolve(workspace.stateDir)), workspace.runId) &&
        isInside(worktreesDir(resolve(workspace.stateDir)), worktree);
      // Nothing a dead worker started may keep running in (or recreate files in) a removed worktree.
      const [worktrees] = await Promise.all([listWorktrees(repo), ownWorktree ? endRecordedGroups(recordPathFor(worktree)) : undefined]);
      const registered = ownWorktree ? await findWorktreeIn(worktrees, worktree) : undefined;
      const removeFolder = async () => {
        if (!ownWorktree) return;
        forgetRecords(recordPathFor(worktree));
        await removeProposalFiles(workspace);
        // git refuses some removals (a worktree with submodules); the folder is ours either way,
        // and prune then forgets the registration of the folder removed by hand.
        const gitRemoved = registered ? (await runGit(repo, ['worktree', 'remove', '--force', '--force', worktree])).exitCode === 0 : false;
        await rm(worktree, { recursive: true, force: true });
        if (registered && !gitRemoved) await git(repo, ['worktree', 'prune']);
      };
      // One transaction each, one after the other (a deletion locks packed-refs); a ref already gone is fine (a retried removal).
      const deleteRefs = async () => {
        const branch = workspace.branch;
        if (input.deleteBranch && branch === `${BRANCH_PREFIX}${workspace.runId}` && branch.startsWith(BRANCH_PREFIX)) {
          const ref = `refs/heads/${branch}`;
          const stillCheckedOut = worktrees.some((w) => w !== registered && w.branch === ref && !w.prunable);
          if (!stillCheckedOut) await deleteRef(repo, ref);
        }
        if (input.deleteBackupRef && workspace.backupRef === `${BACKUP_REF_PREFIX}${workspace.runId}`) {
          await deleteRef(repo, workspace.backupRef);
        }
      };
      // The folder and the refs need nothing of each other: removed side by side.
      await Promise.all([removeFolder(), deleteRefs()]);
    },
  };
}

/** The planned workspace of a run on a repository given by URL, with this host's mirror for its paths. */
function plannedMirrorWorkspace(deps: ActivityDeps, planned: Workspace): Workspace {
  const mirror = localRepoRoot(planned.repoRoot, deps.env);
  const stateDir = join(mirror, STATE_DIR_NAME);
  return { ...planned, repoRoot: mirror, stateDir, worktree: join(worktreesDir(stateDir), planned.runId) };
}

/** The target branch (the named one, else the checked-out one) with its commit and tree. */
async function targetTip(repo: GitContext, named: string | undefined): Promise<{ branch: string; commit: string; tree: string }> {
  // The checked-out branch and its tip in one git call; a detached HEAD or unborn branch is explained below.
  const tip = named === undefined ? await checkedOutTip(repo) : await branchTip(repo, named).then((t) => (t ? { branch: named, ...t } : null));
  if (tip) return tip;
  const branch = named ?? (await checkedOutBranch(repo));
  throw new TargetBranchMissingError(repo.cwd, branch);
}

async function checkedOutBranch(repo: GitContext): Promise<string> {
  const branch = await currentBranch(repo);
  if (branch) return branch;
  throw new TargetBranchMissingError(
    repo.cwd,
    'HEAD',
    `The checkout at ${repo.cwd} has a detached HEAD, so Kaizen cannot tell which branch to improve.`,
  );
}

/** Creates the worktree on kaizen/<runId> at baseCommit, or repairs what an earlier attempt of the same run left. */
async function ensureWorktree(deps: ActivityDeps, repo: GitContext, worktree: string, branch: string, baseCommit: string): Promise<void> {
  const ref = `refs/heads/${branch}`;
  if (!(await isDirectory(worktree))) {
    // The usual case, nothing of this run yet: one git call. git refuses when an earlier attempt
    // left the branch or a registration of the folder (having made the branch, at the base, in
    // the second case); the careful way below then checks the branch holds nothing of its own.
    const fresh = await runGit(repo, ['worktree', 'add', '--quiet', '-b', branch, worktree, baseCommit]);
    if (fresh.exitCode === 0) return;
  }
  const existing = await findWorktree(repo, worktree);
  if (existing && !existing.prunable && existing.branch === ref && (await isDirectory(worktree))) {
    if (existing.head !== baseCommit) {
      await assertNoOwnCommits(repo, branch, existing.head, baseCommit);
      // Only moves a branch that has no commits of its own (the target moved since).
      await git(gitContext(deps, worktree), ['reset', '--hard', '--quiet', baseCommit]);
    }
    return;
  }
  if (existing) await git(repo, ['worktree', 'remove', '--force', '--force', worktree]);
  await rm(worktree, { recursive: true, force: true });
  await git(repo, ['worktree', 'prune']);
  const tip = await resolveCommit(repo, ref);
  if (tip) await assertNoOwnCommits(repo, branch, tip, baseCommit);
  // -B resets a leftover branch of this run (proved above to hold nothing of its own).
  await git(repo, ['worktree', 'add', '--quiet', tip ? '-B' : '-b', branch, worktree, baseCommit]);
}

async function assertNoOwnCommits(repo: GitContext, branch: string, tip: string | null, baseCommit: string): Promise<void> {
  if (tip && (tip === baseCommit || (await isAncestor(repo, tip, baseCommit)))) return;
  throw new GitFailedError(
    `worktree add ${branch}`,
    `branch ${branch} already exists with commits that are not on the target branch; Kaizen will not reuse it. Delete it (git branch -D ${branch}) or start a new run.`,
  );
}

async function findWorktree(repo: GitContext, worktree: string): Promise<WorktreeEntry | undefined> {
  return findWorktreeIn(await listWorktrees(repo), worktree);
}

async function findWorktreeIn(entries: WorktreeEntry[], worktree: string): Promise<WorktreeEntry | undefined> {
  const wanted = await canonicalPath(worktree);
  for (const entry of entries) {
    if (entry.path === worktree || (await canonicalPath(entry.path)) === wanted) return entry;
  }
  return undefined;
}


