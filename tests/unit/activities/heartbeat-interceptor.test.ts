// The heartbeat every activity sends while it runs, and the one kind it must not: a local
// activity has no heartbeat, and every one sent is refused with a warning in the worker's log.
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { HeartbeatInterceptor } from '../../../src/activities/heartbeat-interceptor.js';

function contextOf(isLocal: boolean): { ctx: Context; sent: unknown[] } {
  const sent: unknown[] = [];
  const ctx = { info: { isLocal }, heartbeat: (details?: unknown) => sent.push(details) } as unknown as Context;
  return { ctx, sent };
}

const input = {} as ActivityExecuteInput;

describe('HeartbeatInterceptor', () => {
  it('heartbeats at once for an activity, and passes its own details on', async () => {
    const { ctx, sent } = contextOf(false);
    const answer = await new HeartbeatInterceptor(ctx).execute(input, async () => {
      ctx.heartbeat({ phase: 'verify' });
      return 'done';
    });
    expect(answer).toBe('done');
    expect(sent).toEqual([undefined, { phase: 'verify' }]);
  });

  it('sends nothing for a local activity', async () => {
    const { ctx, sent } = contextOf(true);
    expect(await new HeartbeatInterceptor(ctx).execute(input, () => Promise.resolve('done'))).toBe('done');
    expect(sent).toEqual([]);
  });
});
