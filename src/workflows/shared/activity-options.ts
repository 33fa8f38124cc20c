// Per-step activity options from the config: each step has its own time limit and retry
// policy; bad input (the non-retryable error types) fails at once. Pure, for workflows.
import { ActivityCancellationType, type ActivityOptions, type RetryPolicy } from '@temporalio/common';
import type { Config, RetryConfig, StepConfigName } from '../../core/config/config.js';
import { durationMs } from '../../core/duration.js';
import { NON_RETRYABLE_TYPES } from '../../core/errors.js';


export function stepActivityOptions(step: StepConfigName, config: Config, taskQueue: string, summary?: string): ActivityOptions {
  const retry = config.retries[step];
  const longRunning = step === 'test' || step === 'verify' || step === 'analyse' || step === 'generate';
  return {
    taskQueue,
    startToCloseTimeout: durationMs(config.timeouts[step] as string),
    // Long steps heartbeat, so a dead worker is noticed after this rather than the step's timeout.
    ...(longRunning ? { heartbeatTimeout: durationMs(config.heartbeatTimeout) } : {}),
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

/** Options for the steps that run before the repo's config is known. */
export function bootstrapActivityOptions(taskQueue: string, startToCloseMs: number): ActivityOptions {
  return {
    taskQueue,
    startToCloseTimeout: startToCloseMs,
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
