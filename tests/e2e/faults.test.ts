// Durability: a worker or the Temporal server dies in the middle of a step; the run still
// finishes, exactly once, and the repository is left consistent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/adapters/temporal/dev-server.js';
import { findTemporalCli } from '../../src/adapters/temporal/binaries.js';
import { startImprovement } from '../../src/cli/improvement-client.js';
import { KAIZEN_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes.js';
import type { ImprovementResult } from '../../src/core/types.js';
import type { Progress } from '../../src/core/improvement/progress.js';
import { progressQuery } from '../../src/contracts/improvement.js';
import { GIT_ENV, createRepo, type TempRepo } from '../helpers/git-repo.js';
import { expectLandedOnce } from '../helpers/fault-kit.js';
import { startKaizenProcess, type KaizenProcess } from '../helpers/kaizen-process.js';
import { freePort } from '../helpers/ports.js';
import { SAMPLE_REPO } from '../helpers/paths.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The sample repo with a test run long enough to crash something in the middle. */
function slowRepo(): TempRepo {
  const repo = createRepo({}, { from: SAMPLE_REPO });
  repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, heartbeatTimeout: '5s' }));
  repo.write('test/slow.test.js', "import { test } from 'node:test';\ntest('slow', () => new Promise((r) => setTimeout(r, 6000)));\n");
  repo.commitAll('a slow test');
  cleanups.push(() => repo.cleanup());
  return repo;
}

function worker(address: string, taskQueue: string): KaizenProcess {
  const proc = startKaizenProcess(['worker'], { ...process.env, ...GIT_ENV, TEMPORAL_ADDRESS: address, KAIZEN_TASK_QUEUE: taskQueue });
  cleanups.push(() => proc.stop());
  return proc;
}

async function connect(address: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  cleanups.push(() => connection.close());
  return new Client({ connection });
}

async function waitForStep(client: Client, workflowId: string, step: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const progress: Progress = await client.workflow.getHandle(workflowId).query(progressQuery).catch(() => ({ step: 'prepare' }) as Progress);
    if (progress.step === step) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${workflowId} never reached ${step}`);
}

describe('a crash in the middle of a step loses nothing', () => {
  it('a worker killed during the tests: another worker finishes the run', async () => {
    const address = inject('temporalAddress');
    const taskQueue = `faults-worker-${Date.now().toString(36)}`;
    const client = await connect(address);
    const repo = slowRepo();
    const base = repo.head('main');

    const first = worker(address, taskQueue);
    await first.waitFor('Kaizen worker polling');
    const handle = await startImprovement(client, { repoPath: repo.path, mode: 'merge' }, taskQueue);
    // Autofix on a fresh tree runs its one test run in verify.
    await waitForStep(client, handle.workflowId, 'verify');
    await first.kill();

    const second = worker(address, taskQueue);
    await second.waitFor('Kaizen worker polling');
    const result = (await handle.result()) as ImprovementResult;

    expectLandedOnce(repo, base, result);
    // The tests ran again on the new worker: the history shows a second attempt.
    const history = await handle.fetchHistory();
    const attempts = history.events?.filter((e) => e.activityTaskStartedEventAttributes?.attempt && e.activityTaskStartedEventAttributes.attempt > 1) ?? [];
    expect(attempts.length).toBeGreaterThan(0);
  });

  it('the Temporal server killed mid-run and restarted on its database: the run finishes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kaizen-faults-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const options = {
      cliPath: await findTemporalCli(),
      port,
      uiPort: await freePort(),
      dbFile: join(dataDir, 'temporal.db'),
      headless: true,
      searchAttributes: { ...KAIZEN_SEARCH_ATTRIBUTES },
    };
    let server: DevServer = await startDevServer(options);
    cleanups.push(() => server.stop());
    const address = server.address;
    const taskQueue = `faults-server-${Date.now().toString(36)}`;
    const repo = slowRepo();
    const base = repo.head('main');

    const proc = worker(address, taskQueue);
    await proc.waitFor('Kaizen worker polling');
    const client = await connect(address);
    const handle = await startImprovement(client, { repoPath: repo.path, mode: 'merge' }, taskQueue);
    await waitForStep(client, handle.workflowId, 'verify');

    process.kill(-server.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 2000));
    server = await startDevServer(options);

    const result = (await (await connect(address)).workflow.getHandle(handle.workflowId).result()) as ImprovementResult;
    expectLandedOnce(repo, base, result);
  });
});
