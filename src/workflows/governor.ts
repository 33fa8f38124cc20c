// One long-lived governor per repository: budgets across cycles and workers, the merge lock,
// the repo-wide pause and the strategy statistics. Every decision is a pure function of its
// state (src/core/governor/state.ts); this workflow holds the state, answers updates and
// signals, passes pauses on to running improvements, and continues as new with its state
// before its history grows large.
import { notifyPaused } from './shared/notify.js';
import { allHandlersFinished, condition, continueAsNew, log, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { governorView, handleLockRelease, handleLockRequest, handleSlotFinished, handleReserve, handleSlotRequest, setPaused } from '../core/governor/state.js';
import { handleLlmCheck, handleLlmResume, handleLlmUsage } from '../core/governor/llm-caps.js';
import { handlePullRequestEnded, handlePullRequestOpened } from '../core/governor/pull-requests.js';
import type { GovernorInput, LockRequest, ReserveRequest, SlotRequest } from '../core/governor/protocol.js';
import { GovernorHolder } from './governor/holder.js';
import type { LlmCheckRequest } from '../core/llm/budget.js';
import { repoName } from '../core/repository/key.js';
import { pauseSignal, resumeSignal } from '../contracts/improvement.js';
import { KaizenRepo } from '../contracts/search-attributes.js';
import {
  checkLlmUpdate,
  governorStateQuery,
  llmUsageSignal,
  pullRequestEndedSignal,
  pullRequestOpenedSignal,
  mergeLockFreeSignal,
  pauseRepoSignal,
  releaseMergeLockSignal,
  requestMergeLockUpdate,
  requestSlotUpdate,
  reserveFileUpdate,
  resumeLlmSignal,
  resumeRepoSignal,
  slotFinishedSignal,
} from '../contracts/governor.js';

/** History events after which the governor starts a fresh run (the server may suggest sooner). */
export const DEFAULT_CONTINUE_AS_NEW_AFTER = 2000;

export async function governor(input: GovernorInput): Promise<void> {
  const gov = new GovernorHolder(input);
  const threshold = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
  upsertSearchAttributes([{ key: KaizenRepo, value: repoName(input.repoPath) }]);

  // Budgets: a slot per run, the merge lock around integration, a run's end.
  setHandler(requestSlotUpdate, (request) => gov.answer((s, now) => handleSlotRequest(s, request, now, Math.random)), { validator: validateSlotRequest });
  setHandler(reserveFileUpdate, (request) => gov.answer((s, now) => handleReserve(s, request, now)), { validator: validateReserveRequest });
  setHandler(requestMergeLockUpdate, (request) => gov.answer((s, now) => handleLockRequest(s, request, now)), { validator: validateLockRequest });
  setHandler(releaseMergeLockSignal, (release) => gov.tell((s, now) => handleLockRelease(s, release, now), mergeLockFreeSignal));
  setHandler(slotFinishedSignal, (done) => gov.tell((s, now) => handleSlotFinished(s, done, now), mergeLockFreeSignal));

  // The repository-wide pause, passed on to every run the governor knows.
  setHandler(pauseRepoSignal, async (request) => {
    const wasPaused = gov.state.pause.paused;
    await gov.tell((s, now) => setPaused(s, true, request, now), pauseSignal);
    const notify = gov.state.notify;
    if (!wasPaused && notify) {
      await notifyPaused({ repo: input.repoPath, by: request.by, reason: request.reason ?? 'paused with kaizen pause', config: { notifications: notify.notifications }, taskQueue: notify.hostQueue });
    }
  });
  setHandler(resumeRepoSignal, (request) => gov.tell((s, now) => setPaused(s, false, request, now), resumeSignal));

  // The daily LLM caps.
  setHandler(checkLlmUpdate, (request) => gov.answer((s, now) => handleLlmCheck(s, request, now)), { validator: validateLlmCheck });
  setHandler(llmUsageSignal, (report) => gov.change(handleLlmUsage(gov.state, report, Date.now())));
  setHandler(resumeLlmSignal, (request) => {
    gov.change(handleLlmResume(gov.state, Date.now()));
    log.info('LLM strategies resumed', { by: request?.by ?? 'unknown' });
  });

  // Pull requests: open ones count against budget.maxOpenPullRequests; their end teaches the learner.
  setHandler(pullRequestOpenedSignal, (opened) => gov.change(handlePullRequestOpened(gov.state, opened)));
  setHandler(pullRequestEndedSignal, (ended) => gov.change(handlePullRequestEnded(gov.state, ended)));

  setHandler(governorStateQuery, () => governorView(gov.state, Date.now()));

  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= threshold);
  // Updates and signals being handled finish first; their effects are part of the state handed on.
  await condition(allHandlersFinished);
  await continueAsNew<typeof governor>({
    repoPath: input.repoPath,
    state: gov.handedOn(),
    ...(input.continueAsNewAfterEvents !== undefined ? { continueAsNewAfterEvents: input.continueAsNewAfterEvents } : {}),
  });
}

function validateSlotRequest(request: SlotRequest): void {
  if (!request || typeof request.workflowId !== 'string' || !request.workflowId) throw new Error('requestSlot needs the workflowId of the improvement');
  if (!request.limits || !Array.isArray(request.strategies)) throw new Error('requestSlot needs limits and strategies');
}

function validateReserveRequest(request: ReserveRequest): void {
  if (!request || typeof request.workflowId !== 'string' || !request.workflowId) throw new Error('reserveFile needs the workflowId of the improvement');
  if (!Array.isArray(request.candidates) || request.candidates.some((c) => typeof c !== 'string')) throw new Error('reserveFile needs the candidate files, best first');
}

function validateLlmCheck(request: LlmCheckRequest): void {
  if (!request || typeof request.workflowId !== 'string' || !request.workflowId) throw new Error('checkLlm needs the workflowId of the improvement');
  if (!request.estimate || typeof request.estimate.tokens !== 'number' || !request.limits) throw new Error('checkLlm needs an estimate and the limits');
}

function validateLockRequest(request: LockRequest): void {
  if (!request || typeof request.workflowId !== 'string' || !request.workflowId) throw new Error('requestMergeLock needs the workflowId of the improvement');
}
