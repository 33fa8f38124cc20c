// How the improvement calls a step's activities: with that step's options from the config,
// on the host queue that holds the worktree, timing every call for the result and the ledger.
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { KaizenActivities } from '../../activities/index.js';
import type { Config, StepConfigName } from '../../core/config/config.js';
import { durationMs } from '../../core/duration.js';
import type { StepName, StepTiming } from '../../core/types.js';
import { bootstrapActivityOptions, stepActivityOptions } from '../shared/activity-options.js';

export class StepRunner {
  readonly steps: StepTiming[] = [];
  config: Config | undefined;
  /** The heartbeat timeout of the bootstrap steps: the default until locateRepo read the config's. */
  heartbeatMs: number | undefined;

  constructor(public hostQueue: string) {}

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
    return proxyActivities<KaizenActivities>({ ...stepActivityOptions(step, this.config, this.hostQueue, summary), ...extra });
  }

  /** Activities that run before the config is known (prepare) or without it (clean-up). */
  bootstrap(taskQueue: string, startToCloseMs: number, summary: string): KaizenActivities {
    const heartbeatMs = this.config ? durationMs(this.config.heartbeatTimeout) : this.heartbeatMs;
    return proxyActivities<KaizenActivities>({ ...bootstrapActivityOptions(taskQueue, startToCloseMs, heartbeatMs), summary });
  }
}
