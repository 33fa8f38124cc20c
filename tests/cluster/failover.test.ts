// Failover on the real Temporal server on PostgreSQL: three `kaizen worker` processes, each as
// its own host (own Kaizen home, own host queue), work a repository given by URL. The worker
// whose host queue holds an improvement gets SIGKILL while that improvement's tests run; the
// run moves to another worker (src/workflows/improvement/failover.ts), redoes its worktree
// steps there and lands exactly one commit on the remote, with no kaizen/* branch pushed.
// The figures printed are the ones in docs/operations.md, "Failover to another host".
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../scripts/cluster/cluster.js';
import { startImprovement } from '../../src/cli/improvement-client.js';
import type { ImprovementResult } from '../../src/core/types.js';
import { BareRepos, fileUrl } from '../helpers/bare-repos.js';
import { processRuns, waitUntil } from '../helpers/fault-kit.js';
import { createRepo, GIT_ENV, type TempRepo } from '../helpers/git-repo.js';
import { SAMPLE_REPO, startKaizenProcess, type KaizenProcess } from '../helpers/kaizen-process.js';
import { figure } from './harness.js';

const HOSTS = ['host-a', 'host-b', 'host-c'];
/** Short, to keep the test quick: the step's heartbeat timeout, and the wait for a retry nobody takes. */
const HEARTBEAT_TIMEOUT = '3s';
/** Far below "stalled until the host comes back"; generous for a loaded 2-core machine. */
const RECOVERY_LIMIT_MS = 120_000;

let cluster: Cluster;
let client: Client;
const workers: KaizenProcess[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'kaizen-failover-'));
const homes = HOSTS.map((host) => join(scratch, `home-${host}`));
const remotes = new BareRepos();
let checkout: TempRepo | undefined;
const taskQueue = `cluster-failover-${Date.now().toString(36)}`;
const marks = join(scratch, 'marks.jsonl');

type Mark = { event: 'start' | 'end'; pid: number; at: number; cwd: string };
const readMarks = (): Mark[] => (existsSync(marks) ? readFileSync(marks, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Mark) : []);

beforeAll(async () => {
  cluster = await startCluster();
  const env = { ...process.env, ...GIT_ENV, TEMPORAL_ADDRESS: cluster.address, TEMPORAL_NAMESPACE: cluster.namespace, KAIZEN_TASK_QUEUE: taskQueue };
  const starting = HOSTS.map((host, i) => startKaizenProcess(['worker'], { ...env, KAIZEN_USER_HOME: homes[i], KAIZEN_HOST: host }));
  workers.push(...starting);
  for (const w of starting) await w.waitFor('Kaizen worker polling', 180_000);
  const connection = await Connection.connect({ address: cluster.address });
  client = new Client({ connection, namespace: cluster.namespace });
});

afterAll(async () => {
  for (const w of workers) await w.stop();
  // The killed worker's test process outlives it (nobody was left to end its process group).
  for (const m of readMarks()) if (processRuns(m.pid)) process.kill(m.pid, 'SIGKILL');
  await client?.connection.close();
  await cluster?.stop();
  checkout?.cleanup();
  remotes.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

/** The test command, outside the worktree: marks its start (and folder); the first run waits to be killed in. */
function markedTestScript(): string {
  const script = join(scratch, 'marked-test.mjs');
  writeFileSync(
    script,
    [
      "import { appendFileSync, existsSync } from 'node:fs';",
      "import { spawnSync } from 'node:child_process';",
      'const marks = process.argv[2];',
      'const first = !existsSync(marks);',
      "appendFileSync(marks, JSON.stringify({ event: 'start', pid: process.pid, at: Date.now(), cwd: process.cwd() }) + '\\n');",
      'if (first) await new Promise((r) => setTimeout(r, 600_000));',
      "const result = spawnSync(process.execPath, ['--test'], { stdio: 'inherit' });",
      "appendFileSync(marks, JSON.stringify({ event: 'end', pid: process.pid, at: Date.now(), cwd: process.cwd() }) + '\\n');",
      'process.exit(result.status ?? 1);',
    ].join('\n'),
  );
  return script;
}

describe('a worker killed while its improvement runs the tests, on a repository given by URL', () => {
  it('the improvement moves to another worker and lands once; no kaizen/* branch reaches the remote', async () => {
    remotes.create('acme/shop');
    const url = fileUrl(remotes, 'acme/shop');
    checkout = createRepo({}, { from: SAMPLE_REPO });
    checkout.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, mode: 'merge', heartbeatTimeout: HEARTBEAT_TIMEOUT, test: { command: [process.execPath, markedTestScript(), marks] } }));
    const base = checkout.commitAll('kaizen config: short heartbeat timeout, a marked test command');
    checkout.git('push', '-q', '--force', url, 'main');

    const started = Date.now();
    const handle = await startImprovement(client, { repoPath: url, mode: 'merge' }, taskQueue);
    const inTests = await waitUntil('the improvement to start its tests', () => readMarks().find((m) => m.event === 'start'), 300_000);
    const victim = homes.findIndex((home) => inTests.cwd.startsWith(home));
    expect(victim, `the tests run in ${inTests.cwd}, under no worker's home`).toBeGreaterThanOrEqual(0);
    const killedAt = Date.now();
    await workers[victim]?.kill();

    const result = (await handle.result()) as ImprovementResult;
    const doneAt = Date.now();
    expect(result.outcome, result.reason).toBe('applied');

    // The retried tests ran on another host, in its own mirror's worktree.
    const retry = readMarks().find((m) => m.event === 'start' && m.pid !== inTests.pid);
    const rescuer = homes.findIndex((home) => retry?.cwd.startsWith(home));
    expect(rescuer).toBeGreaterThanOrEqual(0);
    expect(rescuer).not.toBe(victim);

    // Exactly one Kaizen commit on the remote's main, the run's; no other branch was ever pushed.
    const landed = remotes.git('acme/shop', ['rev-list', `${base}..main`]).split('\n').filter(Boolean);
    expect(landed).toEqual([result.commit]);
    expect(Object.keys(remotes.refs('acme/shop'))).toEqual(['refs/heads/main']);
    const pushedRefs = remotes.pushes('acme/shop').flatMap((p) => p.updates.map((u) => u.ref));
    expect(pushedRefs.filter((ref) => ref.startsWith('refs/heads/kaizen/'))).toEqual([]);

    // The history: located twice (the second time by another worker), the lost host probed once.
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
    expect(scheduled.filter((a) => a.activityType?.name === 'locateRepo')).toHaveLength(2);
    expect(scheduled.filter((a) => a.activityType?.name === 'hostAlive').map((a) => a.taskQueue?.name)).toEqual([`${taskQueue}@${HOSTS[victim]}#presence`]);

    const retryMs = (retry?.at ?? Infinity) - killedAt;
    figure(`failover: kill → the tests again on ${HOSTS[rescuer]}`, retryMs);
    figure('failover: kill → improvement applied', doneAt - killedAt);
    figure('failover: improvement start → applied, kill included', doneAt - started);
    expect(retryMs).toBeLessThan(RECOVERY_LIMIT_MS);
    expect(doneAt - killedAt).toBeLessThan(RECOVERY_LIMIT_MS);
  });
});
