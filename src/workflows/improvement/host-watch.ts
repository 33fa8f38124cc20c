// Telling a lost host from a busy one (the detection half of ./failover.ts). While a run may
// move, every activity on its host queue has a schedule-to-start limit (the heartbeat timeout):
// a host that died in a step is noticed on heartbeat, its retry waits on the host queue and
// nobody takes it. A host whose activity slots are all taken by long steps looks the same, so
// the host's presence queue is asked (`hostAlive`, served by a worker of its own whose slots no
// step fills): answered, the step is scheduled there again; not taken, the host is lost.
import { ActivityFailure, proxyActivities, TimeoutFailure } from '@temporalio/workflow';
import { TimeoutType } from '@temporalio/common';
import type { KaizenActivities } from '../../activities/index.js';
import { presenceQueueFor } from '../../contracts/task-queues.js';

/** The host that held the run's worktree stopped taking its steps and does not answer its presence queue. */
export class HostLost extends Error {
  constructor(
    readonly hostQueue: string,
    readonly activity: string,
  ) {
    super(`${hostQueue} took no step of ${activity} and did not answer its presence queue`);
    this.name = 'HostLost';
  }
}

/** The activity's attempt waited on its queue for the schedule-to-start limit: nobody took it. */
export function isScheduleToStartTimeout(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof TimeoutFailure && err.cause.timeoutType === TimeoutType.SCHEDULE_TO_START;
}

/** How long the probe waits for a presence worker, which takes it within milliseconds when it runs. */
export function presenceWaitMs(lostAfterMs: number): number {
  return Math.min(10_000, Math.max(2_000, lostAfterMs));
}

/**
 * Whether the host answers its presence queue. Only a probe nobody took counts as "no": any
 * other failure (it started, then something went wrong) is not proof of a lost host.
 */
export async function hostAnswers(hostQueue: string, waitMs: number): Promise<boolean> {
  const probe = proxyActivities<Pick<KaizenActivities, 'hostAlive'>>({
    taskQueue: presenceQueueFor(hostQueue),
    scheduleToStartTimeout: waitMs,
    startToCloseTimeout: 10_000,
    retry: { maximumAttempts: 1 },
    summary: `failover: does ${hostQueue} answer?`,
  });
  try {
    await probe.hostAlive();
    return true;
  } catch (err) {
    return !isScheduleToStartTimeout(err);
  }
}

export interface HostWatch {
  /** Told when a step waited for a host that answered (busy, not lost). */
  note(message: string): void;
}

/**
 * The activities of `acts` with a lost host told from a busy one: a step nobody took is
 * scheduled again when the host answers its presence queue, and throws HostLost when not.
 */
export function watchHost<T extends object>(acts: T, hostQueue: string, lostAfterMs: number, watch: HostWatch): T {
  return new Proxy(acts, {
    get(target, name, receiver): unknown {
      const fn: unknown = Reflect.get(target, name, receiver);
      if (typeof fn !== 'function' || typeof name !== 'string') return fn;
      const call = fn as (...args: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]): Promise<unknown> => {
        for (;;) {
          try {
            return await call(...args);
          } catch (err) {
            if (!isScheduleToStartTimeout(err)) throw err;
            if (!(await hostAnswers(hostQueue, presenceWaitMs(lostAfterMs)))) throw new HostLost(hostQueue, name);
            watch.note(`${name} waited ${Math.round(lostAfterMs / 1000)}s on ${hostQueue}, which answers: busy, not lost; scheduled there again`);
          }
        }
      };
    },
  });
}
