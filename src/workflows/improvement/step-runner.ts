// How the improvement calls a step's activities: with that step's options from the config,
// on the host queue that holds the worktree, timing every call for the result and the ledger.
// While the run may move to another host (./failover.ts), a step on the host queue that nobody
// takes within the heartbeat timeout is checked: a busy host gets it again, a lost one moves the run.
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { KaizenActivities } from '../../activities/index.js';
import type { Config, StepConfigName } from '../../core/config/config.js';
import { durationMs } from '../../core/duration.js';
import type { StepName, StepTiming } from '../../core/types.js';
import { bootstrapActivityOptions, DEFAULT_HEARTBEAT_MS, stepActivityOptions } from '../shared/activity-options.js';
import { watchHost, type HostWatch } from './host-watch.js';

export class StepRunner {
  readonly steps: StepTiming[] = [];
  config: Config | undefined;
  /** The heartbeat timeout of the bootstrap steps: the default until locateRepo read the config's. */
  heartbeatMs: number | undefined;
  /** Set while the run may move off a lost host (withFailover). */
  watch: HostWatch | undefined;

  /** The queue every worker polls: the host queue until locateRepo names the host. */
  readonly sharedQueue: string;

  constructor(public hostQueue: string) {
    this.sharedQueue = hostQueue;
  }

  /** Runs one step's activity call and records how long it took. */
  async timed<T>(step: StepName, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await run();
    } finally {
      this.steps.push({ step, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started });
    }
  }

  /** The activities of one step (config known: prepare has run). */
  acts(step: StepConfigName, summary: string, extra: Partial<ActivityOptions> = {}): KaizenActivities {
    if (!this.config) throw new Error(`the ${step} step runs before the repository's config is known`);
    return this.watched(this.hostQueue, { ...stepActivityOptions(step, this.config, this.hostQueue, summary), ...extra });
  }

  /** Activities that run before the config is known (prepare) or without it (clean-up). */
  bootstrap(taskQueue: string, startToCloseMs: number, summary: string): KaizenActivities {
    const heartbeatMs = this.config ? durationMs(this.config.heartbeatTimeout) : this.heartbeatMs;
    return this.watched(taskQueue, { ...bootstrapActivityOptions(taskQueue, startToCloseMs, heartbeatMs), summary });
  }

  /**
   * The activities on `taskQueue`; on the watched host queue with a schedule-to-start limit of
   * one heartbeat timeout. Never the shared queue: a run with no worker at all waits for one.
   */
  private watched(taskQueue: string, options: ActivityOptions): KaizenActivities {
    if (!this.watch || taskQueue !== this.hostQueue || taskQueue === this.sharedQueue) return proxyActivities<KaizenActivities>(options);
    const lostAfterMs = this.config ? durationMs(this.config.heartbeatTimeout) : (this.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    return watchHost(proxyActivities<KaizenActivities>({ ...options, scheduleToStartTimeout: lostAfterMs }), taskQueue, lostAfterMs, this.watch);
  }
}
