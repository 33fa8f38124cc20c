// `kaizen worker --metrics-port`: a real worker process serves Temporal's worker metrics and
// Kaizen's own on one Prometheus endpoint, and one improvement shows up in both.
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectClient, resolveTemporalTarget } from '../../src/adapters/temporal/connection.js';
import { startImprovement, waitForResult } from '../../src/cli/improvement-client.js';
import { createRepo, GIT_ENV, type TempRepo } from '../helpers/git-repo.js';
import { KAIZEN_ROOT, startKaizenProcess, type KaizenProcess } from '../helpers/kaizen-process.js';
import { freePort } from '../helpers/ports.js';

let worker: KaizenProcess | undefined;
let repo: TempRepo | undefined;

afterAll(async () => {
  await worker?.stop();
  repo?.cleanup();
});

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The sample lines of one metric (e.g. `kaizen_improvements`) whose labels include every `labels` pair. */
function samples(text: string, metric: string, labels: Record<string, string>): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `))
    .filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
}

describe('kaizen worker --metrics-port', () => {
  it('serves Temporal and Kaizen metrics for a finished improvement', async () => {
    const port = await freePort();
    const taskQueue = `e2e-metrics-${Date.now().toString(36)}`;
    const address = inject('temporalAddress');
    worker = startKaizenProcess(['worker', '--metrics-port', String(port)], { ...GIT_ENV, TEMPORAL_ADDRESS: address, KAIZEN_TASK_QUEUE: taskQueue });
    await worker.waitFor('Kaizen worker polling');
    expect(worker.output()).toContain(`Prometheus metrics: http://127.0.0.1:${port}/metrics`);

    repo = createRepo({}, { from: join(KAIZEN_ROOT, 'examples', 'sample-repo') });
    repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0 }));
    repo.commitAll('config for the test');
    const client = await connectClient(resolveTemporalTarget({}, { address, namespace: 'default' }));
    try {
      const handle = await startImprovement(client, { repoPath: repo.path, strategy: 'autofix' }, taskQueue);
      const result = await waitForResult(client, handle.workflowId);
      expect(result.outcome, result.reason).toBe('proposed');
    } finally {
      await client.connection.close();
    }

    // The workflow's metrics are flushed with its last task: allow a moment.
    let text = '';
    for (let i = 0; i < 20; i++) {
      text = await scrape(port);
      if (samples(text, 'kaizen_improvements', { outcome: 'proposed' }).length > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // Temporal's own worker metrics (snake_case tags; the SDK tags custom metrics in camelCase).
    expect(samples(text, 'temporal_workflow_completed', { task_queue: taskQueue })).not.toEqual([]);
    expect(samples(text, 'temporal_activity_execution_latency_count', { activity_type: 'runTests' })).not.toEqual([]);
    // Kaizen's: one improvement by outcome and strategy, step durations, real test runs.
    expect(samples(text, 'kaizen_improvements', { taskQueue, workflowType: 'improvement', outcome: 'proposed', strategy: 'autofix' })).toEqual([expect.stringMatching(/ 1$/)]);
    for (const step of ['prepare', 'analyse', 'test', 'generate', 'apply', 'verify', 'integrate', 'notify']) {
      expect(samples(text, 'kaizen_step_duration_count', { step }), step).toEqual([expect.stringMatching(/ 1$/)]);
    }
    // Autofix on a tree never tested runs the tests once, on its change.
    expect(samples(text, 'kaizen_test_duration_count', { phase: 'baseline' })).toEqual([]);
    expect(samples(text, 'kaizen_test_duration_count', { phase: 'verify', passed: 'true' })).toEqual([expect.stringMatching(/ 1$/)]);
    expect(samples(text, 'kaizen_test_duration_bucket', { phase: 'verify', le: '600000' })).not.toEqual([]);
  });
});
