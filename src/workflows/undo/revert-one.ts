// One change undone: a saga like the improvement's, with a revert for a proposal.
//
//   step       activities                                   undo when a later step fails
//   prepare    prepareWorkspace (workspace/worktree.ts)     removeWorkspace: worktree, kaizen/<id>, backup ref
//              pr: fetchRemoteTarget, resetWorkspace there
//   apply      revertChange (undo.ts): the revert commit    - (conflict: aborted in the worktree, named)
//   verify     runTests on the revert; red: resetWorkspace  -
//              and runTests on the untouched tree
//   integrate  integrate merge, rebaseWorkspace under the   - (a landed revert keeps its backup ref)
//              governor's merge lock, as an improvement
//              pr: pushBranch, openPullRequest (undo/deliver-revert.ts)
//
// Where the change landed decides where the revert lands: merged on the target branch, the
// revert is fast-forwarded there once its tests pass; a change that came as a pull request is
// reverted on the remote's target branch and the revert opened as a pull request. A change that
// never reached the target branch (a `kaizen/*` branch left for review, an unmerged pull
// request) has nothing to revert.
import { CancellationScope, isCancellation, uuid4 } from '@temporalio/workflow';
import type { Config } from '../../core/config/config.js';
import type { Workspace } from '../../core/types.js';
import type { IntegrateResult } from '../../core/repository/landing.js';
import type { UndoItem, UndoTarget } from '../../core/undo/types.js';
import { describeFailure, oneLine, StepOutcome } from '../shared/failures.js';
import { deliverRevert } from './deliver-revert.js';
import { verifyRevert } from './verify-revert.js';
import { Compensations } from '../improvement/compensations.js';
import { MAX_INTEGRATE_ROUNDS } from '../improvement/integrate.js';
import { plannedWorkspace } from '../improvement/result.js';
import type { RevertContext, RevertLanding } from './context.js';

const REMOVE_WORKSPACE = 'remove worktree and branch';
const short = (commit: string) => commit.slice(0, 8);

/** The change's outcome; a cancellation is handed back after the clean-up, for the caller to end with. */
export async function revertOne(ctx: RevertContext, target: UndoTarget): Promise<{ item: UndoItem; cancellation?: Error }> {
  const { runner, view } = ctx;
  const runId = `undo-${uuid4().replace(/-/g, '').slice(0, 8)}`;
  const base = { undoes: target.workflowId, undoneCommit: target.commit, strategy: target.strategy, family: target.family, file: target.file };
  const undo = new Compensations();
  const host = runner.bootstrap(runner.hostQueue, 30 * 60_000, 'prepare: worktree for the revert');
  let workspace: Workspace | undefined;
  let landing: RevertLanding | undefined;
  let ended: { outcome: UndoItem['outcome']; reason: string } | undefined;
  let cancellation: Error | undefined;
  try {
    view.step('prepare', `undoing ${target.workflowId} (${short(target.commit)}): a worktree at the target branch`);
    undo.register(REMOVE_WORKSPACE, () => host.removeWorkspace({ workspace: workspace ?? plannedWorkspace(ctx.repoRoot, runId), deleteBranch: true, deleteBackupRef: true }));
    const prepared = await runner.timed('prepare', () =>
      host.prepareWorkspace({ repoRoot: ctx.repoRoot, runId, ...(ctx.input.targetBranch ? { targetBranch: ctx.input.targetBranch } : {}) }),
    );
    workspace = prepared.workspace;
    const { config } = prepared;
    runner.config = config;

    // A pull request landed on the remote: the revert is made on the remote's target branch.
    const viaPullRequest = target.pullRequest !== undefined;
    if (viaPullRequest) workspace = await onRemoteTip(ctx, workspace, config);
    view.step('apply', `reverting ${short(target.commit)} on ${workspace.branch}`);
    const ws = workspace;
    const revert = await runner.timed('apply', () =>
      runner.acts('apply', `undo: revert ${short(target.commit)}`).revertChange({ workspace: ws, commit: target.commit, undoes: target.workflowId, undoWorkflowId: ctx.undoWorkflowId, anywhere: viaPullRequest }),
    );
    if (revert.kind === 'not_on_target') throw new StepOutcome('skipped', notLanded(target, revert.reason));
    if (revert.kind === 'already_undone') throw new StepOutcome('skipped', viaPullRequest ? notLanded(target, `${config.remote}/${ws.targetBranch} does not have its change (not merged, or reverted since)`) : revert.reason);
    if (revert.kind === 'conflict') throw new StepOutcome('failed', revert.reason);

    if (viaPullRequest) {
      const testsAfter = await verifyRevert(ctx, ws, config);
      landing = await deliverRevert(ctx, ws, config, { commit: revert.commit, files: revert.filesChanged, testsAfter }, target);
    } else landing = await land(ctx, ws, config, revert.commit);
  } catch (err) {
    if (isCancellation(err)) cancellation = err as Error;
    if (err instanceof StepOutcome) ended = { outcome: err.outcome, reason: err.reason };
    else {
      const failure = describeFailure(err);
      ended = { outcome: 'failed', reason: oneLine(`${failure.activity ? `${failure.activity}: ` : ''}${failure.message}`, 600) };
    }
  }

  const item = await CancellationScope.nonCancellable(async () => {
    if (landing && workspace) {
      undo.forget(REMOVE_WORKSPACE);
      // A revert left for review keeps its branch; a fast-forwarded one is spent. The backup ref stays.
      await host.removeWorkspace({ workspace, deleteBranch: landing.kind === 'applied', deleteBackupRef: false }).catch(() => undefined);
      const where = { ...(landing.branch ? { branch: landing.branch } : {}), ...(landing.pullRequest ? { pullRequest: landing.pullRequest } : {}) };
      return { ...base, outcome: landing.kind, reason: landing.reason, commit: landing.commit, ...where } satisfies UndoItem;
    }
    const { failed } = await undo.runAll();
    const reason = (ended?.reason ?? 'ended without an outcome') + (failed.length ? ` (clean-up failed: ${failed.join(', ')})` : '');
    return { ...base, outcome: ended?.outcome ?? 'failed', reason } satisfies UndoItem;
  });
  return cancellation === undefined ? { item } : { item, cancellation };
}

/** Why a change that never reached the target branch has nothing to revert, and what to do instead. */
export function notLanded(target: UndoTarget, why: string): string {
  const where = target.pullRequest ? `its pull request ${target.pullRequest.url} (branch ${target.branch ?? 'kaizen/…'})` : target.branch ? `branch ${target.branch}` : 'no branch';
  const instead = target.pullRequest ? 'close the pull request instead' : target.branch ? `delete the branch instead (git branch -D ${target.branch})` : 'nothing to do';
  return `nothing landed to undo: ${why}; the change of ${target.workflowId} only sits on ${where}: ${instead}`;
}

/** Tests the revert like any change, then lands it where the change landed; returns the landing. */
async function land(ctx: RevertContext, start: Workspace, config: Config, startCommit: string): Promise<RevertLanding> {
  const { runner, view, governor } = ctx;
  await verifyRevert(ctx, start, config);
  view.step('integrate', `fast-forwarding ${start.targetBranch} to the revert`);
  let workspace = start;
  let commit = startCommit;
  if (governor) {
    await governor.acquireMergeLock(config, MAX_INTEGRATE_ROUNDS, (why) => view.note(`waiting for the merge lock: ${why}`));
  }
  try {
    for (let round = 1; ; round++) {
      const ws = workspace;
      const result: IntegrateResult = await runner.timed('integrate', () => runner.acts('apply', 'undo: fast-forward the target branch').integrate({ workspace: ws, mode: 'merge', commit }));
      if (result.kind === 'applied') return { kind: 'applied' as const, commit: result.commit, reason: revertWords(result.commit, ws) };
      if (result.kind === 'proposed') return { kind: 'proposed' as const, commit: result.commit, branch: result.branch, reason: result.reason };
      if (round >= MAX_INTEGRATE_ROUNDS) throw new StepOutcome('failed', `${ws.targetBranch} kept moving while the revert was landed (${round} rebases); nothing was changed`);
      view.note(`${ws.targetBranch} moved to ${short(result.targetCommit)}: rebasing the revert and testing it again`);
      const rebased = await runner.timed('integrate', () => runner.acts('apply', 'undo: rebase onto the moved target').rebaseWorkspace({ workspace: ws }));
      if (rebased.alreadyOnTarget) throw new StepOutcome('skipped', `${ws.targetBranch} no longer has the change: ${rebased.reason ?? 'it was reverted meanwhile'}`);
      if (!rebased.ok || !rebased.commit || !rebased.baseCommit) throw new StepOutcome('failed', `${ws.targetBranch} moved and the revert no longer applies: ${rebased.reason ?? 'conflict'}; nothing was changed`);
      workspace = { ...ws, baseCommit: rebased.baseCommit, baseTree: rebased.baseTree ?? '' /* no tree: none is trusted for the new base */ };
      commit = rebased.commit;
      await verifyRevert(ctx, workspace, config);
    }
  } finally {
    // An undo is not an improvement: it uses no budget and counts no landing.
    await governor?.releaseMergeLock(null);
  }
}

/** The worktree moved to the remote's tip of the target branch (fetched; the user's checkout is not touched). */
async function onRemoteTip(ctx: RevertContext, ws: Workspace, config: Config): Promise<Workspace> {
  const { runner, view } = ctx;
  view.note(`fetching ${config.remote}/${ws.targetBranch}: the pull request landed there`);
  const tip = await runner.timed('prepare', () => runner.acts('apply', `undo: fetch ${config.remote}/${ws.targetBranch}`).fetchRemoteTarget({ workspace: ws, remote: config.remote, forge: config.forge }));
  const moved = { ...ws, baseCommit: tip.commit, baseTree: tip.tree };
  await runner.timed('prepare', () => runner.acts('apply', `undo: worktree at ${config.remote}/${ws.targetBranch}`).resetWorkspace({ workspace: moved }));
  return moved;
}

function revertWords(commit: string, ws: Workspace): string {
  return `reverted as ${short(commit)}, fast-forwarded ${ws.targetBranch} to it`;
}
