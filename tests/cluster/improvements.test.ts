// Kaizen on the production-shaped cluster (the real Temporal server on PostgreSQL, set up by
// deploy/'s scripts): the namespace set-up, the README's saved views answered by PostgreSQL
// visibility, and improvements that survive a restart of the server process.
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../scripts/cluster/cluster.js';
import { startImprovement, waitForResult } from '../../src/cli/improvement-client.js';
import { KAIZEN_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes.js';
import type { ImprovementResult } from '../../src/core/types.js';
import type { Progress } from '../../src/core/improvement/progress.js';
import { approveSignal, progressQuery } from '../../src/contracts/improvement.js';
import { expectLandedOnce } from '../helpers/fault-kit.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { eventually, figure, idsOf, startKaizenOn, type ClusterKaizen } from './harness.js';

const SAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'sample-repo');
/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD */
const KEYWORD = 2;

let cluster: Cluster;
let kaizen: ClusterKaizen | undefined;
const repos: TempRepo[] = [];

function sampleRepo(config: Record<string, unknown> = {}): TempRepo {
  const repo = createRepo({}, { from: SAMPLE });
  repos.push(repo);
  repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, ...config }));
  repo.commitAll('config for the test');
  return repo;
}

/** One `no-var` finding that ESLint fixes, and a test that insists on the old text: the fix is rolled back. */
function repoWhoseFixBreaksTheTests(): TempRepo {
  const repo = createRepo({
    'package.json': JSON.stringify({ name: 'pinned', type: 'module', scripts: { test: 'node --test' } }),
    'kaizen.config.json': JSON.stringify({ recentChangeMinutes: 0 }),
    'src/math.js': 'export function add(a, b) {\n  var sum = a + b;\n  return sum;\n}\n',
    'test/source.test.js':
      "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { readFileSync } from 'node:fs';\n\n" +
      "test('keeps var', () => assert.match(readFileSync(new URL('../src/math.js', import.meta.url), 'utf8'), /var sum/));\n",
  });
  repos.push(repo);
  return repo;
}

async function stepOf(workflowId: string): Promise<Progress | undefined> {
  return kaizen!.client.workflow.getHandle(workflowId).query(progressQuery).catch(() => undefined);
}

beforeAll(async () => {
  cluster = await startCluster({ log: (line) => console.log(`cluster: ${line}`) });
  figure('cluster start (PostgreSQL, schema, server, namespace)', cluster.timings.totalMs);
  for (const [name, ms] of Object.entries(cluster.timings)) if (name !== 'totalMs') figure(`  ${name}`, ms);
});

afterAll(async () => {
  await kaizen?.close();
  await cluster?.stop();
  for (const repo of repos) repo.cleanup();
});

describe('the cluster set-up', () => {
  it('has the namespace and Kaizen search attributes as Keyword before any worker registers them', async () => {
    // No Kaizen worker has connected yet: only deploy/temporal-setup.sh can have added them.
    const { Connection } = await import('@temporalio/client');
    const connection = await Connection.connect({ address: cluster.address });
    try {
      const described = await connection.workflowService.describeNamespace({ namespace: cluster.namespace });
      expect(described.namespaceInfo?.name).toBe('default');
      expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(72 * 3600);
      const listed = await connection.operatorService.listSearchAttributes({ namespace: cluster.namespace });
      const custom = Object.fromEntries(Object.entries(listed.customAttributes ?? {}).map(([name, type]) => [name, Number(type)]));
      expect(custom).toEqual(Object.fromEntries(Object.keys(KAIZEN_SEARCH_ATTRIBUTES).map((name) => [name, KEYWORD])));
    } finally {
      await connection.close();
    }
    kaizen = await startKaizenOn(cluster.address, cluster.namespace, 'views');
  });
});

describe('the README saved views on PostgreSQL visibility', () => {
  it('find one repository, its rollbacks, and what is running now', async () => {
    const applied = sampleRepo({ mode: 'merge' });
    const rolledBack = repoWhoseFixBreaksTheTests();
    const waiting = sampleRepo({ mode: 'merge', approval: { required: true } });
    const { client, taskQueue } = kaizen!;

    const a = await startImprovement(client, { repoPath: applied.path, strategy: 'autofix', mode: 'merge' }, taskQueue);
    const b = await startImprovement(client, { repoPath: rolledBack.path, strategy: 'autofix', mode: 'merge' }, taskQueue);
    const c = await startImprovement(client, { repoPath: waiting.path, strategy: 'autofix', mode: 'merge' }, taskQueue);
    expect((await waitForResult(client, a.workflowId)).outcome).toBe('applied');
    const bResult = await waitForResult(client, b.workflowId);
    expect(bResult.outcome, bResult.reason).toBe('rolled_back');
    expect(bResult.reason).toMatch(/tests failed after the change/);
    await eventually(() => stepOf(c.workflowId), (p) => p?.waitingFor?.startsWith('approval') === true, 120_000);

    const repo = (r: TempRepo) => basename(r.path);
    const running = 'WorkflowType = "improvement" AND ExecutionStatus = "Running"';
    const views: [string, string[]][] = [
      [`KaizenRepo = "${repo(applied)}"`, [a.workflowId]],
      [`KaizenRepo = "${repo(rolledBack)}" AND KaizenOutcome = "rolled_back"`, [b.workflowId]],
      ['KaizenOutcome = "rolled_back"', [b.workflowId]],
      [`KaizenOutcome = "applied" AND KaizenRepo = "${repo(applied)}"`, [a.workflowId]],
      [running, [c.workflowId]],
    ];
    for (const [query, expected] of views) {
      const found = await eventually(() => idsOf(client, query), (ids) => ids.join() === expected.join());
      expect(found, query).toEqual(expected);
    }

    await client.workflow.getHandle(c.workflowId).signal(approveSignal, { by: 'cluster test' });
    expect((await waitForResult(client, c.workflowId)).outcome).toBe('applied');
    expect(await eventually(() => idsOf(client, running), (ids) => ids.length === 0), running).toEqual([]);
    const landed = await eventually(() => idsOf(client, 'KaizenOutcome = "applied"'), (ids) => ids.length === 2);
    expect(landed).toEqual([a.workflowId, c.workflowId].sort());
  });
});

describe('a restart of the Temporal server process (PostgreSQL stays)', () => {
  it.each(['SIGTERM', 'SIGKILL'] as const)('after %s, every running improvement resumes and lands exactly once', async (signal) => {
    const slowRepos = [0, 1].map(() => {
      const repo = sampleRepo({ heartbeatTimeout: '5s' });
      repo.write('test/slow.test.js', "import { test } from 'node:test';\ntest('slow', () => new Promise((r) => setTimeout(r, 8000)));\n");
      repo.commitAll('a slow test');
      return { repo, base: repo.head('main') };
    });
    const { client, taskQueue } = kaizen!;
    const handles = await Promise.all(slowRepos.map(({ repo }) => startImprovement(client, { repoPath: repo.path, strategy: 'autofix', mode: 'merge' }, taskQueue)));
    // Autofix on a tree never tested runs its one test run in verify: restart while it runs.
    for (const handle of handles) await eventually(() => stepOf(handle.workflowId), (p) => p?.step === 'verify', 120_000);

    const restarted = Date.now();
    const timings = await cluster.restartServer(signal);
    figure(`server restart after ${signal}: old process gone`, timings.stopMs);
    figure(`server restart after ${signal}: namespace answers again`, timings.startMs);
    // A query travels server → matching → worker and back: the whole path serves again.
    for (const handle of handles) expect(await eventually(() => stepOf(handle.workflowId), (p) => p !== undefined, 60_000)).toBeDefined();
    figure(`server restart after ${signal}: workflows answer queries again`, Date.now() - restarted);
    const results: ImprovementResult[] = await Promise.all(handles.map((h) => waitForResult(client, h.workflowId)));
    figure(`server restart after ${signal}: both improvements finished`, Date.now() - restarted);

    results.forEach((result, i) => {
      const { repo, base } = slowRepos[i]!;
      expectLandedOnce(repo, base, result);
    });
  });
});
