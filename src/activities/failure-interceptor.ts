// Turns Kaizen's named errors into ApplicationFailures whose `type` is the error's stable
// type, marked non-retryable when retrying cannot help. Without it the SDK names a thrown
// error after its class (`LlmAnswerRejectedError`) and retries it like any other failure.
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { KaizenError, NON_RETRYABLE_TYPES } from '../core/errors.js';
import { HeartbeatInterceptor } from './heartbeat-interceptor.js';

export class KaizenFailureInterceptor implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      if (!(err instanceof KaizenError)) throw err;
      // A forge that said how long to wait (retry-after, rate-limit reset) is retried then, not sooner.
      const retryAfterMs = (err as { retryAfterMs?: number }).retryAfterMs;
      throw ApplicationFailure.create({
        ...(retryAfterMs !== undefined ? { nextRetryDelay: Math.max(1000, retryAfterMs) } : {}),
        type: err.type,
        message: err.message,
        nonRetryable: NON_RETRYABLE_TYPES.includes(err.type),
        details: [err.details()],
        cause: err,
      });
    }
  }
}

/**
 * The worker option: `interceptors: { activity: kaizenActivityInterceptors }`. Failures are
 * translated inside the heartbeat, so a step heartbeats until its error is ready.
 */
export const kaizenActivityInterceptors = [(ctx: Context) => ({ inbound: new HeartbeatInterceptor(ctx) }), () => ({ inbound: new KaizenFailureInterceptor() })];
