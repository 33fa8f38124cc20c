// Per-step activity options from the config: each step has its own time limit and retry
// policy; bad input (the non-retryable error types) fails at once. Every activity heartbeats
// (activities/heartbeat-interceptor.ts), so every one has a heartbeat timeout: a worker that
// dies in any step is noticed after that, not after the step's time limit. Pure, for workflows.
import { ActivityCancellationType, type ActivityOptions, type RetryPolicy } from '@temporalio/common';
import type { Config, RetryConfig, StepConfigName } from '../../core/config/config.js';
import { DEFAULT_HEARTBEAT_TIMEOUT } from '../../core/config/heartbeat.js';
import { durationMs } from '../../core/duration.js';
import { NON_RETRYABLE_TYPES } from '../../core/errors.js';


export function stepActivityOptions(step: StepConfigName, config: Config, taskQueue: string, summary?: string): ActivityOptions {
  const retry = config.retries[step];
  return {
    taskQueue,
    startToCloseTimeout: durationMs(config.timeouts[step] as string),
    heartbeatTimeout: durationMs(config.heartbeatTimeout),
    // Undo only once the step has stopped: a cancelled run must not remove the worktree while
    // its tests still run in it. (Left unset, the SDK sends TRY_CANCEL, whatever its docs say.)
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: retryPolicy(retry),
    ...(summary ? { summary } : {}),
  };
}

/** A configured retry policy as Temporal's, with Kaizen's non-retryable error types. */
export function retryPolicy(retry: RetryConfig): RetryPolicy {
  return {
    maximumAttempts: retry.maximumAttempts,
    initialInterval: durationMs(retry.initialInterval),
    backoffCoefficient: retry.backoffCoefficient,
    maximumInterval: durationMs(retry.maximumInterval),
    nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
  };
}

/**
 * The time limit of locateRepo. For a repository given by URL it clones the worker's mirror the
 * first time, which takes as long as the repository is big; it heartbeats all along, so a dead
 * worker is still noticed within the heartbeat timeout, not this.
 */
export const LOCATE_TIMEOUT_MS = 30 * 60_000;

/** The heartbeat timeout when no config is known yet: the default, or what locateRepo read. */
export const DEFAULT_HEARTBEAT_MS = durationMs(DEFAULT_HEARTBEAT_TIMEOUT);

/** Options for the steps that run before the repo's config is known (or without it: clean-up). */
export function bootstrapActivityOptions(taskQueue: string, startToCloseMs: number, heartbeatMs = DEFAULT_HEARTBEAT_MS): ActivityOptions {
  return {
    taskQueue,
    startToCloseTimeout: startToCloseMs,
    // Shorter than the limit only: a 10 s call needs no 30 s heartbeat timeout.
    ...(heartbeatMs < startToCloseMs ? { heartbeatTimeout: heartbeatMs } : {}),
    // As for the steps: a cancelled prepare finishes before its worktree is removed.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      maximumAttempts: 3,
      initialInterval: 1000,
      backoffCoefficient: 2,
      maximumInterval: 30_000,
      nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
    },
  };
}
