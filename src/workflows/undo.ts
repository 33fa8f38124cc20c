// `kaizen undo`: revert changes Kaizen landed, as new revert commits (never a history rewrite),
// each tested and landed like an improvement (undo/revert-one.ts). One workflow per request
// (`kaizen-undo-<id>`): find the repository, plan from its ledger (one id, or every change since
// an instant, newest first; already undone ones skipped), then revert one change after the
// other. Each outcome gets a ledger line (kind `undo`) and, when a revert landed, the governor's
// learner counts a failure for the undone change's rule family and strategy. The channels that
// list `undo` get one message at the end (core/notifications/undo.ts).
import { CancellationScope, getExternalWorkflowHandle, log, patched, workflowInfo } from '@temporalio/workflow';
import { slotFinishedSignal } from '../contracts/governor.js';
import { DEFAULT_TASK_QUEUE } from '../contracts/task-queues.js';
import { governorWorkflowId } from '../core/repository/key.js';
import { undoEntry } from '../core/undo/plan.js';
import type { UndoInput, UndoItem, UndoResult, UndoTarget } from '../core/undo/types.js';
import { GovernorLink } from './improvement/governor-link.js';
import { StepRunner } from './improvement/step-runner.js';
import { describeFailure } from './shared/failures.js';
import { deliverEvent } from './shared/notify.js';
import { revertOne } from './undo/revert-one.js';
import { UndoView } from './undo/view.js';
import { LOCATE_TIMEOUT_MS } from './shared/activity-options.js';

/** Histories from before undo runs told the channels replay without it. */
const UNDO_NOTIFIES = 'undo-notifies';

export async function undo(input: UndoInput): Promise<UndoResult> {
  const info = workflowInfo();
  const sharedQueue = info.taskQueue || DEFAULT_TASK_QUEUE;
  const startedAt = new Date().toISOString();
  const runner = new StepRunner(sharedQueue);
  const view = new UndoView(input.repoPath);
  let repoRoot = input.repoPath;
  let reason: string | undefined;
  let cancellation: Error | undefined;
  try {
    view.step('prepare', 'finding the repository');
    const located = await runner.timed('prepare', () => runner.bootstrap(sharedQueue, LOCATE_TIMEOUT_MS, 'prepare: find the repository').locateRepo({ repoPath: input.repoPath }));
    repoRoot = located.repoRoot;
    runner.hostQueue = located.hostQueue;
    runner.heartbeatMs = located.heartbeatTimeoutMs;
    view.located(repoRoot);

    view.step('analyse', input.workflowId ? `looking up ${input.workflowId} in the ledger` : `looking up the changes since ${input.since ?? 'the start'}`);
    const request = input.workflowId ? { workflowId: input.workflowId } : { since: input.since ?? new Date(0).toISOString() };
    const plan = await runner.bootstrap(runner.hostQueue, 60_000, 'plan: read the ledger').planUndo({ repoRoot, ...request });
    for (const item of plan.skipped) view.add(item);
    reason = plan.problem;
    if (plan.targets.length) view.note(`${plan.targets.length} change(s) to revert, newest first: ${plan.targets.map((t) => t.workflowId).join(', ')}`);

    const governor = input.governor === false ? undefined : new GovernorLink(info.workflowId, { enforceBudget: false }, sharedQueue, repoRoot);
    for (const target of plan.targets) {
      const { item, cancellation: cancelled } = await revertOne({ input, repoRoot, undoWorkflowId: info.workflowId, runner, governor, view }, target);
      view.add(item);
      await CancellationScope.nonCancellable(() => recordAndLearn(runner, repoRoot, info.workflowId, item, target, input.governor !== false));
      if (cancelled !== undefined) {
        cancellation = cancelled;
        break;
      }
    }
  } catch (err) {
    const failure = describeFailure(err);
    if (failure.cancelled) cancellation = err as Error;
    reason = failure.message;
  }
  view.finish();
  const result: UndoResult = { workflowId: info.workflowId, repo: repoRoot, items: view.items, ...(reason ? { reason } : {}), startedAt, finishedAt: new Date().toISOString() };
  // The channels hear of every undo that reverted or tried to (the config is known once a revert was prepared).
  const { config } = runner;
  if (config && result.items.some((i) => i.outcome !== 'skipped') && patched(UNDO_NOTIFIES)) {
    await CancellationScope.nonCancellable(() =>
      deliverEvent({ event: { kind: 'undo', result }, notifications: config.notifications, repoRoot, taskQueue: runner.hostQueue, note: (m) => view.note(m) }),
    );
  }
  if (cancellation !== undefined) throw cancellation;
  return result;
}

/** The ledger line of one change, and for a landed revert a lesson for the learner. Never throws. */
async function recordAndLearn(runner: StepRunner, repoRoot: string, workflowId: string, item: UndoItem, target: UndoTarget, learn: boolean): Promise<void> {
  const entry = undoEntry(item, workflowId, repoRoot, new Date().toISOString());
  await runner
    .bootstrap(runner.hostQueue, 60_000, 'notify: ledger line of the undo')
    .recordUndo({ repoRoot, entry })
    .catch((err: unknown) => log.warn('undo ledger line not written', { error: String(err) }));
  if (!learn || (item.outcome !== 'applied' && item.outcome !== 'proposed')) return;
  // The undone change turned out wrong: a failure of its rule family and strategy. Reported as
  // a finished run of its own id, so the governor counts it once however often it is retried.
  const lesson = {
    workflowId: `${workflowId}/${target.workflowId}`,
    outcome: 'rolled_back' as const,
    reason: `undone: ${target.workflowId} (${target.commit.slice(0, 8)}) was reverted by ${workflowId}`,
    strategy: target.strategy,
    file: target.file,
    family: target.family,
    gatesFailed: true,
  };
  await getExternalWorkflowHandle(governorWorkflowId(repoRoot))
    .signal(slotFinishedSignal, lesson)
    .catch((err: unknown) => log.warn('governor not told of the undo', { error: String(err) }));
}
