// `npm run cluster` as a user runs it: in the background (--detach, then --down) and in the
// foreground (Ctrl-C). Either way it prints TEMPORAL_ADDRESS, the namespace answers, and
// afterwards no process of it is left and its folder is gone.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterState } from '../../scripts/cluster/cluster.js';
import { REPO_ROOT } from '../../scripts/cluster/versions.js';

const MAIN = join(REPO_ROOT, 'scripts', 'cluster', 'main.ts');
const stateDir = mkdtempSync(join(tmpdir(), 'kaizen-cluster-state-'));
const stateFile = join(stateDir, 'state.json');
const env = { ...process.env, KAIZEN_CLUSTER_STATE: stateFile };
const run = promisify(execFile);

afterAll(async () => {
  // Whatever a failed assertion left running.
  if (existsSync(stateFile)) await clusterCommand('--down');
  rmSync(stateDir, { recursive: true, force: true });
});

async function clusterCommand(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, env, timeout: 300_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

function recordedState(): ClusterState {
  return JSON.parse(readFileSync(stateFile, 'utf8')) as ClusterState;
}

/** Processes in a group the cluster started (PostgreSQL's backends included) or naming its folder (its watcher), from ps. */
function processesOf(state: ClusterState): string[] {
  const groups = new Set([state.server.pid, state.postgres.pid].map(String));
  return execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => line.trim().split(/\s+/))
    .filter(([, pgid, stat, ...args]) => (groups.has(pgid!) || args.join(' ').includes(state.dir)) && !stat!.startsWith('Z'))
    .map((fields) => fields.join(' '));
}

async function namespaceAnswers(address: string): Promise<string | undefined> {
  const connection = await Connection.connect({ address });
  try {
    return (await connection.workflowService.describeNamespace({ namespace: 'default' })).namespaceInfo?.name ?? undefined;
  } finally {
    await connection.close();
  }
}

describe('npm run cluster', () => {
  it('--detach prints TEMPORAL_ADDRESS and keeps running; --down stops everything', async () => {
    const started = await clusterCommand('--detach');
    expect(started.code, started.stderr).toBe(0);
    const address = started.stdout.match(/^TEMPORAL_ADDRESS=(127\.0\.0\.1:\d+)$/m)?.[1];
    expect(address, started.stdout).toBeDefined();
    const state = recordedState();
    expect(state.address).toBe(address);
    expect(await namespaceAnswers(address!)).toBe('default');
    expect(processesOf(state).length).toBeGreaterThanOrEqual(2);

    const again = await clusterCommand('--detach');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`A cluster is already running at ${address}`);
    const status = await clusterCommand('--status');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`TEMPORAL_ADDRESS=${address}`);

    const stopped = await clusterCommand('--down');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(`Cluster at ${address} is down`);
    expect(processesOf(state)).toEqual([]);
    expect(existsSync(state.dir)).toBe(false);
    expect(existsSync(stateFile)).toBe(false);
    expect((await clusterCommand('--down')).stdout).toMatch(/nothing to stop/);
  });

  it('in the foreground, Ctrl-C stops the server and PostgreSQL', async () => {
    const { child, output, exited } = await startForeground();
    const state = recordedState();
    expect(await namespaceAnswers(state.address)).toBe('default');

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output()).toContain('nothing left running');
    expect(processesOf(state)).toEqual([]);
    expect(existsSync(state.dir)).toBe(false);
    expect(existsSync(stateFile)).toBe(false);
  });

  it('killed outright (SIGKILL), a foreground cluster is still stopped and removed by its watcher', async () => {
    const { child, exited } = await startForeground();
    const state = recordedState();
    child.kill('SIGKILL');
    await exited;

    const deadline = Date.now() + 60_000;
    while ((processesOf(state).length > 0 || existsSync(state.dir)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(processesOf(state)).toEqual([]);
    expect(existsSync(state.dir)).toBe(false);
    // Only the record is left; --down clears it.
    const cleared = await clusterCommand('--down');
    expect(cleared.stdout).toMatch(/temporal-server was not running, postgres was not running/);
    expect(existsSync(stateFile)).toBe(false);
  });
});

/** `npm run cluster` in the foreground, once it says it is up. */
async function startForeground() {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 300_000;
  while (!output.includes('Ctrl-C') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  expect(output).toMatch(/^TEMPORAL_ADDRESS=127\.0\.0\.1:\d+$/m);
  return { child, exited, output: () => output };
}
