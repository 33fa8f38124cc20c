// One long-lived governor per repository: budgets across cycles and workers, the merge lock,
// the repo-wide pause and the strategy statistics. Every decision is a pure function of its
// state (src/core/governor/state.ts); this workflow holds the state, answers updates and
// signals, passes pauses on to running improvements, and continues as new with its state
// before its history grows large.
import { notifyPaused } from './shared/notify.js';
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type SignalDefinition,
} from '@temporalio/workflow';
import {
  governorView,
  handleLockRelease,
  handleLockRequest,
  handleSlotFinished,
  handleSlotRequest,
  initialState,
  normaliseState,
  pruneState,
  setPaused,
} from '../core/governor/state.js';
import { handleLlmCheck, handleLlmResume, handleLlmUsage } from '../core/governor/llm-caps.js';
import type { GovernorInput, GovernorState, LockRequest, SlotRequest } from '../core/governor/protocol.js';
import type { LlmCheckRequest } from '../core/llm/budget.js';
import { repoName } from '../core/repository/key.js';
import { pauseSignal, resumeSignal } from '../contracts/improvement.js';
import { KaizenRepo } from '../contracts/search-attributes.js';
import {
  checkLlmUpdate,
  governorStateQuery,
  llmUsageSignal,
  mergeLockFreeSignal,
  pauseRepoSignal,
  releaseMergeLockSignal,
  requestMergeLockUpdate,
  requestSlotUpdate,
  resumeLlmSignal,
  resumeRepoSignal,
  slotFinishedSignal,
} from '../contracts/governor.js';

/** History events after which the governor starts a fresh run (the server may suggest sooner). */
export const DEFAULT_CONTINUE_AS_NEW_AFTER = 2000;

export async function governor(input: GovernorInput): Promise<void> {
  let state: GovernorState = input.state ? normaliseState(input.state, input.repoPath) : initialState(input.repoPath);
  const threshold = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
  upsertSearchAttributes([{ key: KaizenRepo, value: repoName(input.repoPath) }]);

  function refreshDetails(): void {
    const view = governorView(state, Date.now());
    const pause = view.paused.paused ? `**paused**${view.paused.by ? ` by ${view.paused.by}` : ''}` : 'running';
    const lock = view.lock ? `merge lock: ${view.lock.holder}` : 'merge lock: free';
    const llm = view.llm?.paused ? `\n\n**LLM strategies paused**: ${view.llm.paused.reason}` : '';
    setCurrentDetails(
      `${pause} · ${view.budget.last24h + view.budget.running}/${view.budget.limits.maxPerDay} changes in 24 h · ${view.active.length} running · ${lock}\n\n` +
        (view.budget.nextSlotReason ?? 'a slot is free') +
        llm,
    );
  }

  /** Passes a signal on to runs; one that has ended (or never started) is skipped. */
  async function tell(workflowIds: string[], signal: SignalDefinition<[]>): Promise<void> {
    await Promise.all(
      workflowIds.map((id) =>
        getExternalWorkflowHandle(id)
          .signal(signal)
          .catch((err: unknown) => log.info('run not signalled', { workflowId: id, signal: signal.name, error: String(err) })),
      ),
    );
  }

  setHandler(
    requestSlotUpdate,
    (request) => {
      const { state: next, answer } = handleSlotRequest(state, request, Date.now(), Math.random);
      state = next;
      refreshDetails();
      return answer;
    },
    { validator: validateSlotRequest },
  );
  setHandler(
    requestMergeLockUpdate,
    (request) => {
      const { state: next, answer } = handleLockRequest(state, request, Date.now());
      state = next;
      refreshDetails();
      return answer;
    },
    { validator: validateLockRequest },
  );
  setHandler(releaseMergeLockSignal, async (release) => {
    const { state: next, notify } = handleLockRelease(state, release, Date.now());
    state = next;
    refreshDetails();
    await tell(notify, mergeLockFreeSignal);
  });
  setHandler(slotFinishedSignal, async (done) => {
    const { state: next, notify } = handleSlotFinished(state, done, Date.now());
    state = next;
    refreshDetails();
    await tell(notify, mergeLockFreeSignal);
  });
  setHandler(pauseRepoSignal, async (request) => {
    const wasPaused = state.pause.paused;
    const { state: next, tell: runs } = setPaused(state, true, request, Date.now());
    state = next;
    refreshDetails();
    await tell(runs, pauseSignal);
    if (!wasPaused && state.notify) {
      await notifyPaused({
        repo: input.repoPath,
        by: request.by,
        reason: request.reason ?? 'paused with kaizen pause',
        config: { notifications: state.notify.notifications },
        taskQueue: state.notify.hostQueue,
      });
    }
  });
  setHandler(resumeRepoSignal, async (request) => {
    const { state: next, tell: runs } = setPaused(state, false, request, Date.now());
    state = next;
    refreshDetails();
    await tell(runs, resumeSignal);
  });
  setHandler(
    checkLlmUpdate,
    (request) => {
      const { state: next, answer } = handleLlmCheck(state, request, Date.now());
      state = next;
      refreshDetails();
      return answer;
    },
    { validator: validateLlmCheck },
  );
  setHandler(llmUsageSignal, (report) => {
    state = handleLlmUsage(state, report, Date.now());
  });
  setHandler(resumeLlmSignal, (request) => {
    state = handleLlmResume(state, Date.now());
    log.info('LLM strategies resumed', { by: request?.by ?? 'unknown' });
    refreshDetails();
  });
  setHandler(governorStateQuery, () => governorView(state, Date.now()));
  refreshDetails();

  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= threshold);
  // Updates and signals being handled finish first; their effects are part of the state handed on.
  await condition(allHandlersFinished);
  await continueAsNew<typeof governor>({
    repoPath: input.repoPath,
    state: pruneState(state, Date.now()),
    ...(input.continueAsNewAfterEvents !== undefined ? { continueAsNewAfterEvents: input.continueAsNewAfterEvents } : {}),
  });
}

function validateSlotRequest(request: SlotRequest): void {
  if (!request || typeof request.workflowId !== 'string' || !request.workflowId) throw new Error('requestSlot needs the workflowId of the improvement');
  if (!request.limits || !Array.isArray(request.strategies)) throw new Error('requestSlot needs limits and strategies');
}

function validateLlmCheck(request: LlmCheckRequest): void {
  if (!request || typeof request.workflowId !== 'string' || !request.workflowId) throw new Error('checkLlm needs the workflowId of the improvement');
  if (!request.estimate || typeof request.estimate.tokens !== 'number' || !request.limits) throw new Error('checkLlm needs an estimate and the limits');
}

function validateLockRequest(request: LockRequest): void {
  if (!request || typeof request.workflowId !== 'string' || !request.workflowId) throw new Error('requestMergeLock needs the workflowId of the improvement');
}
