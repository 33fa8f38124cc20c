// Names of the governor's and the cycle's updates, signals and queries, shared by workflows,
// activities and the CLI.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CycleSummary } from '../core/governor/cycle.js';
import type { LlmCheckAnswer, LlmCheckRequest, LlmUsageReport } from '../core/llm/budget.js';
import type { PullRequestEnded, PullRequestOpened } from '../core/governor/pull-requests.js';
import type {
  GovernorView,
  LockAnswer,
  LockRelease,
  LockRequest,
  PauseRequest,
  ReserveAnswer,
  ReserveRequest,
  SlotAnswer,
  SlotFinished,
  SlotRequest,
} from '../core/governor/protocol.js';

/** May an improvement start? Answers a strategy, or a refusal with the next free slot. */
export const requestSlotUpdate = defineUpdate<SlotAnswer, [SlotRequest]>('requestSlot');
/** May this run integrate now? Never blocks: a refusal says when to ask again. */
/** After analysis: reserve the run's target, or the next candidate no other run holds. */
export const reserveFileUpdate = defineUpdate<ReserveAnswer, [ReserveRequest]>('reserveFile');
export const requestMergeLockUpdate = defineUpdate<LockAnswer, [LockRequest]>('requestMergeLock');
export const releaseMergeLockSignal = defineSignal<[LockRelease]>('releaseMergeLock');
export const slotFinishedSignal = defineSignal<[SlotFinished]>('slotFinished');
export const pauseRepoSignal = defineSignal<[PauseRequest]>('pauseRepo');
export const resumeRepoSignal = defineSignal<[PauseRequest]>('resumeRepo');
export const governorStateQuery = defineQuery<GovernorView>('state');

/** May the next LLM call run under llm.maxTokensPerDay / llm.maxCostPerDay? Reserves its estimate. */
export const checkLlmUpdate = defineUpdate<LlmCheckAnswer, [LlmCheckRequest]>('checkLlm');
/** What an LLM call really cost (replaces its reservation). */
export const llmUsageSignal = defineSignal<[LlmUsageReport]>('llmUsage');
/** `kaizen resume REPO --llm`: lift the LLM pause; usage so far no longer counts. */
export const resumeLlmSignal = defineSignal<[PauseRequest]>('resumeLlm');

/** From the workflow that follows a pull request: it is open (counts against budget.maxOpenPullRequests). */
export const pullRequestOpenedSignal = defineSignal<[PullRequestOpened]>('pullRequestOpened');
/** From the same workflow: how the pull request ended (the learner and the cooldowns hear it). */
export const pullRequestEndedSignal = defineSignal<[PullRequestEnded]>('pullRequestEnded');

/** Sent by the governor to runs waiting for the merge lock when it is released. */
export const mergeLockFreeSignal = defineSignal<[]>('mergeLockFree');

/** A cycle's summary so far (the same object is its result). */
export const cycleSummaryQuery = defineQuery<CycleSummary>('summary');
