// Every activity (but a local one) heartbeats, every second, for as long as it runs: a worker that dies in any
// step (a git hook, a slow install, a webhook) stops heartbeating, and the server retries the
// step after its heartbeat timeout instead of its whole time limit. The SDK throttles what it
// sends to 80% of the heartbeat timeout, so the second is a local cost only. An activity's own
// heartbeat details (tests: phase and elapsed time) are kept: the timer repeats the last ones.
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';

export const HEARTBEAT_EVERY_MS = 1000;

export class HeartbeatInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const ctx = this.ctx;
    // A local activity (the governor's calls) runs inside the workflow's task: it has no
    // heartbeat, and every one sent would be refused with a warning in the worker's log.
    if (ctx.info.isLocal) return next(input);
    const send = ctx.heartbeat;
    let last: unknown;
    // The activity's own calls go through, and are remembered for the timer.
    (ctx as { heartbeat: (details?: unknown) => void }).heartbeat = (details?: unknown) => {
      last = details;
      send(details);
    };
    send(undefined);
    const timer = setInterval(() => send(last), HEARTBEAT_EVERY_MS);
    try {
      return await next(input);
    } finally {
      clearInterval(timer);
    }
  }
}
