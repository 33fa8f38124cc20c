// A Kaizen schedule on the real Temporal server: created with the CLI as users do, it fires
// on its own (every minute here), and a cycle still running when the next minute comes makes
// the server skip that start (overlap policy SKIP) instead of running two cycles at once.
import { join } from 'node:path';
import type { ScheduleDescription } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../scripts/cluster/cluster.js';
import { waitForCycle } from '../../src/cli/cycle.js';
import { scheduleIdFor } from '../../src/core/repository/key.js';
import { readLedgerLines } from '../helpers/e2e.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { runKaizen } from '../helpers/kaizen-process.js';
import { eventually, figure, startKaizenOn, type ClusterKaizen } from './harness.js';

const SAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'sample-repo');
/**
 * The cycle's improvement runs the tests once (autofix on a tree never tested: verify only),
 * and that run takes this long, so one cycle outlasts the 1-minute interval.
 */
const SLOW_TEST_MS = 75_000;

let cluster: Cluster;
let kaizen: ClusterKaizen;
let repo: TempRepo | undefined;

function cli(args: string[]) {
  return runKaizen(args, { ...process.env, TEMPORAL_ADDRESS: cluster.address, TEMPORAL_NAMESPACE: cluster.namespace, KAIZEN_TASK_QUEUE: kaizen.taskQueue });
}

beforeAll(async () => {
  cluster = await startCluster();
  figure('cluster start (PostgreSQL, schema, server, namespace)', cluster.timings.totalMs);
  kaizen = await startKaizenOn(cluster.address, cluster.namespace, 'schedule');
});

afterAll(async () => {
  await kaizen?.close();
  await cluster?.stop();
  repo?.cleanup();
});

describe('a 1-minute schedule on the real server', () => {
  it('fires by itself, skips the start that would overlap a running cycle, and lands one change', async () => {
    repo = createRepo({}, { from: SAMPLE });
    repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, mode: 'merge' }));
    repo.write('test/slow.test.js', `import { test } from 'node:test';\ntest('slow', () => new Promise((r) => setTimeout(r, ${SLOW_TEST_MS})));\n`);
    const base = repo.commitAll('config and a slow test');

    const created = await cli(['schedule', 'create', repo.path, '--every', '1m', '--jitter', '0s', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const scheduleId = scheduleIdFor(repo.path);
    const handle = kaizen.client.schedule.getHandle(scheduleId);
    const createdAt = Date.now();
    try {
      let mostRunningAtOnce = 0;
      const watch = async (): Promise<ScheduleDescription> => {
        const described = await handle.describe();
        mostRunningAtOnce = Math.max(mostRunningAtOnce, described.info.runningActions.length);
        return described;
      };
      const fired = await eventually(watch, (d) => d.info.recentActions.length > 0, 90_000);
      expect(fired.info.recentActions.length, 'the schedule fired').toBeGreaterThan(0);
      figure('first scheduled start after schedule create', Date.now() - createdAt);
      const firstCycle = fired.info.recentActions[0]!.action.workflow.workflowId;

      // The next minute comes while the first cycle still runs its slow tests.
      const skipped = await eventually(watch, (d) => d.info.numActionsSkippedOverlap > 0, 150_000);
      expect(skipped.info.numActionsSkippedOverlap, 'a start was skipped for overlapping').toBeGreaterThan(0);
      expect(skipped.info.runningActions.map((r) => r.workflow.workflowId)).toEqual([firstCycle]);

      const summary = await waitForCycle(kaizen.client, firstCycle);
      expect(summary, summary.reason).toMatchObject({ status: 'completed', trigger: 'schedule', counts: { applied: 1, rolled_back: 0, failed: 0 } });
      expect(summary.durationMs).toBeGreaterThan(60_000);
      expect(mostRunningAtOnce).toBe(1);

      // The repository: exactly one verified commit, made by the scheduled cycle's improvement.
      const landed = summary.results[0]!;
      expect(repo.git('rev-parse', 'main~1')).toBe(base);
      expect(repo.head('main')).toBe(landed.commit);
      const ledger = readLedgerLines(repo.path);
      expect(ledger.filter((l) => l.kind === 'cycle' && l.workflowId === firstCycle)).toEqual([expect.objectContaining({ status: 'completed' })]);
      // Later starts find the budget's minimum interval not yet passed: nothing else lands.
      expect(ledger.filter((l) => (l.kind ?? 'improvement') === 'improvement')).toEqual([expect.objectContaining({ outcome: 'applied', commit: landed.commit })]);

      const shown = JSON.parse((await cli(['schedule', 'describe', repo.path, '--json'])).stdout) as { overlap: string; skippedOverlap: number; actionsTaken: number };
      expect(shown.overlap).toBe('SKIP');
      expect(shown.skippedOverlap).toBeGreaterThan(0);
      expect(shown.actionsTaken).toBeGreaterThan(0);
    } finally {
      const deleted = await cli(['schedule', 'delete', repo.path]);
      expect(deleted.code, deleted.stderr).toBe(0);
    }
  });
});
