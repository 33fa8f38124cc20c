// `kaizen status` and `kaizen governor` when no worker polls the run's task queue: an answer
// at once from what the server knows (describe, the stored result, the visibility store) and a
// plain line naming the queue and `kaizen worker`, instead of "Failed to query Workflow" after
// ~30 s. The real dev server; the worker of the first run is stopped before the questions.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startImprovement } from '../../src/cli/improvement-client.js';
import type { ImprovementResult } from '../../src/core/types.js';
import { GIT_ENV, createRepo, type TempRepo } from '../helpers/git-repo.js';
import { FaultKit } from '../helpers/fault-kit.js';
import { runKaizen, startKaizenProcess } from '../helpers/kaizen-process.js';
import { SAMPLE_REPO } from '../helpers/paths.js';

const kit = new FaultKit(inject('temporalAddress'));
afterAll(() => kit.cleanup());

function sampleRepo(): TempRepo {
  const repo = createRepo({}, { from: SAMPLE_REPO });
  repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0 }));
  repo.commitAll('kaizen config');
  kit.later(() => repo.cleanup());
  return repo;
}

const envFor = (taskQueue: string) => ({ ...process.env, ...GIT_ENV, TEMPORAL_ADDRESS: kit.address, KAIZEN_TASK_QUEUE: taskQueue });

async function timed(args: string[], env: NodeJS.ProcessEnv) {
  const started = Date.now();
  const result = await runKaizen(args, env);
  console.log(`kaizen ${args.join(' ')}: ${Date.now() - started} ms`);
  return result;
}

describe('status and governor without a worker', () => {
  it('a finished run: status prints its stored result; governor says what the server knows and what it cannot', async () => {
    const repo = sampleRepo();
    const taskQueue = `no-worker-done-${Date.now().toString(36)}`;
    const worker = await kit.worker(taskQueue);
    const client = await kit.client();
    const handle = await startImprovement(client, { repoPath: repo.path, mode: 'merge', governor: { enforceBudget: false } }, taskQueue);
    const landed = (await handle.result()) as ImprovementResult;
    expect(landed.outcome, landed.reason).toBe('applied');
    await worker.stop();
    const env = envFor(taskQueue);

    const status = await timed(['status', handle.workflowId], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`${handle.workflowId}: completed`);
    expect(status.stdout).toContain(`applied: ${landed.file}`);
    expect(status.stdout).toContain(`commit ${landed.commit?.slice(0, 12)}`);
    expect(status.stdout + status.stderr).not.toContain('Failed to query');

    const json = await timed(['status', handle.workflowId, '--json'], env);
    const parsed = JSON.parse(json.stdout) as { status: string; result: ImprovementResult; file: string; outcome: string };
    expect(parsed).toMatchObject({ status: 'COMPLETED', file: landed.file, outcome: 'applied', result: { commit: landed.commit } });

    const governor = await timed(['governor', repo.path], env);
    expect(governor.code, governor.stderr).toBe(0);
    expect(governor.stdout).toContain(`task queue ${taskQueue}`);
    expect(governor.stdout).toContain('kaizen worker');
    expect(governor.stdout).toContain('1 landed or proposed in the last 24 h');
    // The governor's memo: its last known state, said as such.
    expect(governor.stdout).toContain("last known state (the governor's memo");
    expect(governor.stdout).toMatch(/budget then: 1 landed or proposed in 24 h, 0 running, 4 of 5 left/);
    expect(governor.stdout).toContain('merge lock then: free');
    expect(governor.stdout).toContain('not known without a worker: strategy statistics');
    expect(governor.stdout + governor.stderr).not.toContain('Failed to query');
  });

  it('a running run whose queue no worker polls: status from describe, naming the queue and kaizen worker', async () => {
    const repo = sampleRepo();
    const taskQueue = `no-worker-ever-${Date.now().toString(36)}`;
    const client = await kit.client();
    const handle = await startImprovement(client, { repoPath: repo.path, mode: 'merge' }, taskQueue);
    kit.later(async () => {
      await handle.terminate('test over').catch(() => undefined);
    });

    const status = await timed(['status', handle.workflowId], envFor(taskQueue));
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`${handle.workflowId}: running`);
    expect(status.stdout).toContain(`no worker polls task queue ${taskQueue} — start one with \`kaizen worker\``);

    const json = JSON.parse((await timed(['status', handle.workflowId, '--json'], envFor(taskQueue))).stdout) as { status: string; taskQueue: string; note: string };
    expect(json).toMatchObject({ status: 'RUNNING', taskQueue });
    expect(json.note).toContain(`no worker polls task queue ${taskQueue}`);

    // watch says once which queue needs a worker, and keeps watching.
    const watch = startKaizenProcess(['watch', handle.workflowId], envFor(taskQueue));
    kit.later(() => watch.stop());
    await watch.waitFor(`no worker polls task queue ${taskQueue} — start one with \`kaizen worker\``, 60_000);
    expect(watch.output()).toContain('still watching');
    await watch.stop();
  });

  it('improve --wait and cycle --wait say at once that no worker polls their queue, and keep waiting', async () => {
    const repo = sampleRepo();
    const taskQueue = `no-worker-wait-${Date.now().toString(36)}`;
    const client = await kit.client();
    for (const args of [['improve', repo.path, '--wait'], ['cycle', repo.path, '--wait']]) {
      const waiting = startKaizenProcess(args, envFor(taskQueue));
      kit.later(() => waiting.stop());
      await waiting.waitFor(`no worker polls task queue ${taskQueue} — start one with \`kaizen worker\``, 60_000);
      expect(waiting.output()).toContain('the run waits until one does');
      await waiting.stop();
      const workflowId = /started (\S+), waiting/.exec(waiting.output())?.[1];
      expect(workflowId).toBeDefined();
      // Ctrl-C stopped the waiting, not the run: it is still there for a worker to take.
      const handle = client.workflow.getHandle(workflowId ?? '');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await handle.terminate('test over');
    }
  });
});
