// `kaizen improve` against a dev server that `kaizen dev` recorded speaks the server's HTTP API
// (no gRPC client to load), and must behave exactly as over gRPC: the same run, the same
// result, the same warnings; a recorded API that does not answer falls back to gRPC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { devServerRecordsDir, recordDevServer } from '../../src/adapters/temporal/dev-server-records.js';
import type { ImprovementResult } from '../../src/core/types.js';
import type { Progress } from '../../src/core/improvement/progress.js';
import { sampleRepoCopy, startKaizen, type E2eKaizen } from '../helpers/e2e.js';
import type { TempRepo } from '../helpers/git-repo.js';
import { freePort } from '../helpers/ports.js';
import { runKaizen, startKaizenProcess } from '../helpers/kaizen-process.js';

let kaizen: E2eKaizen;
const repos: TempRepo[] = [];
const homes: string[] = [];

/** A Kaizen user home whose record of the e2e dev server names this HTTP API. */
function homeRecording(httpUrl: string): string {
  const home = mkdtempSync(join(tmpdir(), 'kaizen-http-home-'));
  homes.push(home);
  recordDevServer(devServerRecordsDir({ KAIZEN_USER_HOME: home }), { address: inject('temporalAddress'), uiUrl: '', httpUrl, pid: inject('temporalPid') });
  return home;
}

function envFor(home: string, taskQueue = kaizen.taskQueue): NodeJS.ProcessEnv {
  return { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), KAIZEN_TASK_QUEUE: taskQueue, KAIZEN_USER_HOME: home };
}

function sampleRepo(): TempRepo {
  const repo = sampleRepoCopy();
  repos.push(repo);
  return repo;
}

async function startedBy(workflowId: string): Promise<string | undefined> {
  const history = await kaizen.client.workflow.getHandle(workflowId).fetchHistory();
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.identity ?? undefined;
}

beforeAll(async () => {
  kaizen = await startKaizen('http');
});

afterAll(async () => {
  await kaizen?.close();
  for (const repo of repos) repo.cleanup();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

describe('kaizen improve over the recorded dev server\'s HTTP API', () => {
  it('lands the change and prints the same result as over gRPC', async () => {
    const repo = sampleRepo();
    const out = await runKaizen(['improve', repo.path, '--mode', 'merge', '--wait', '--json'], envFor(homeRecording(inject('temporalHttpUrl'))));
    expect(out.code, out.stderr).toBe(0);
    const result = JSON.parse(out.stdout) as ImprovementResult & { link: string };
    expect(result).toMatchObject({ outcome: 'applied', mode: 'merge' });
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(repo.git('rev-parse', 'HEAD')).toBe(result.commit);
    expect(await startedBy(result.workflowId)).toMatch(/\(HTTP API\)$/);
    // What the Web UI shows beside the id, as the gRPC start sets it.
    expect(await kaizen.client.workflow.getHandle(result.workflowId).describe().then((d) => d.staticSummary())).toMatch(/^Improve the best file in /);
  });

  it('a cancelled run prints its rolled-back outcome from the progress query', async () => {
    const repo = sampleRepo();
    repo.write('test/slow.test.js', "import { test } from 'node:test';\ntest('slow', () => new Promise((r) => setTimeout(r, 20000)));\n");
    repo.commitAll('a very slow test');
    const env = envFor(homeRecording(inject('temporalHttpUrl')));
    const waiting = startKaizenProcess(['improve', repo.path, '--wait'], env);
    await waiting.waitFor('waiting…');
    const workflowId = /started (\S+), waiting/.exec(waiting.output())?.[1] ?? '';
    for (let i = 0; i < 60; i++) {
      const p = JSON.parse((await runKaizen(['status', workflowId, '--json'], env)).stdout) as Progress;
      if (p.step === 'verify') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await runKaizen(['cancel', workflowId], env)).code).toBe(0);
    await waiting.exited();
    expect(waiting.output()).toMatch(/rolled.back/i);
    expect(await startedBy(workflowId)).toMatch(/\(HTTP API\)$/);
    expect(repo.git('for-each-ref', 'refs/heads/kaizen')).toBe('');
  });

  it('warns when no worker polls the queue, and names how a run without a result ended', async () => {
    const repo = sampleRepo();
    const queue = `nobody-${Date.now().toString(36)}`;
    const waiting = startKaizenProcess(['improve', repo.path, '--wait'], envFor(homeRecording(inject('temporalHttpUrl')), queue));
    await waiting.waitFor(`no worker polls task queue ${queue}`);
    const workflowId = /started (\S+), waiting/.exec(waiting.output())?.[1] ?? '';
    await kaizen.client.workflow.getHandle(workflowId).terminate('stopped by the test');
    await waiting.exited();
    expect(waiting.output()).toContain(`kaizen: ${workflowId} terminated: stopped by the test`);
  });

  it('starts over gRPC when the recorded HTTP API does not answer', async () => {
    const repo = sampleRepo();
    const closed = `http://127.0.0.1:${await freePort()}`;
    const out = await runKaizen(['improve', repo.path, '--mode', 'merge', '--json'], envFor(homeRecording(closed)));
    expect(out.code, out.stderr).toBe(0);
    const { workflowId } = JSON.parse(out.stdout) as { workflowId: string };
    expect(await startedBy(workflowId)).not.toMatch(/HTTP API/);
    expect(await kaizen.client.workflow.getHandle(workflowId).result()).toMatchObject({ outcome: 'applied' });
  });
});
