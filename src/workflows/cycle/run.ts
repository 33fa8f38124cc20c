// The state of one cycle: its summary (the `summary` query and the result), the queues it
// works on, and the one line the Web UI shows.
import { proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { CycleActivities, KaizenActivities } from '../../activities/index.js';
import { cycleSummaryQuery } from '../../contracts/governor.js';
import { KaizenRepo } from '../../contracts/search-attributes.js';
import type { Config } from '../../core/config/config.js';
import { newCycleSummary, type CycleInput, type CycleSummary } from '../../core/governor/cycle.js';
import { durationMs } from '../../core/duration.js';
import { repoName } from '../../core/repository/key.js';
import { bootstrapActivityOptions } from '../shared/activity-options.js';

export type HostActivities = KaizenActivities & CycleActivities;

export class CycleRun {
  readonly workflowId: string;
  /** The run id of this cycle execution: child improvement ids are derived from it. */
  readonly executionId: string;
  readonly sharedQueue: string;
  readonly summary: CycleSummary;
  hostQueue: string | undefined;
  config: Config | undefined;
  cancellation: Error | undefined;
  /** The config's heartbeat timeout as locateRepo read it (the default until then). */
  heartbeatMs: number | undefined;

  constructor(input: CycleInput) {
    const info = workflowInfo();
    this.workflowId = info.workflowId;
    this.executionId = info.runId;
    this.sharedQueue = info.taskQueue;
    this.summary = newCycleSummary(info.workflowId, input.repoPath, input.trigger ?? 'manual', new Date().toISOString());
    setHandler(cycleSummaryQuery, () => this.summary);
  }

  /** The reason line of the summary, and the Web UI's current details. */
  show(line: string): void {
    this.summary.reason = line;
    setCurrentDetails(`**${this.summary.status}** · ${repoName(this.summary.repo)}\n\n${line}`);
  }

  /** The worker found the repository; the cycle's disk work runs on that host's queue (returned). */
  located(where: { repoRoot: string; hostQueue: string; heartbeatTimeoutMs?: number }): string {
    this.summary.repo = where.repoRoot;
    this.hostQueue = where.hostQueue;
    this.heartbeatMs = where.heartbeatTimeoutMs;
    upsertSearchAttributes([{ key: KaizenRepo, value: repoName(where.repoRoot) }]);
    return where.hostQueue;
  }

  /** Activities on a queue before the config is known, with a summary for the UI. */
  activities(queue: string, startToCloseMs: number, summary?: string): HostActivities {
    const heartbeatMs = this.config ? durationMs(this.config.heartbeatTimeout) : this.heartbeatMs;
    return proxyActivities<HostActivities>({ ...bootstrapActivityOptions(queue, startToCloseMs, heartbeatMs), ...(summary ? { summary } : {}) });
  }
}
