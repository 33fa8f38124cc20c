import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestActivities } from '../../src/activities/tests.js';
import { Config, type ConfigInput } from '../../src/core/config/config.js';
import { BinaryMissingError, TestCommandMissingError } from '../../src/core/errors.js';
import type { Workspace } from '../../src/core/types.js';
import { activityDeps } from '../helpers/activity-deps.js';
import { createRepo, type TempRepo, workspaceOf as workspaceFor } from '../helpers/git-repo.js';

const deps = activityDeps();
const { runTests } = createTestActivities(deps);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A scratch folder outside the repo, so what tests write there never changes the tree. */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-tests-activity-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function repoWithTest(testBody: string, packageJson: object = { name: 'demo', scripts: { test: 'node --test' } }): TempRepo {
  const repo = createRepo({ 'package.json': JSON.stringify(packageJson), 'demo.test.mjs': testBody });
  cleanups.push(() => repo.cleanup());
  return repo;
}

const workspaceOf = (repo: TempRepo): Workspace => workspaceFor(repo, 'r1');

const config = (input: ConfigInput = {}) => Config.parse(input);

/** A test that records each run in a counter file outside the repo, then passes or fails. */
function countingTest(counterFile: string, passes: boolean): string {
  return `import test from 'node:test';
import assert from 'node:assert';
import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(counterFile)}, 'x');
test('adds numbers', () => { assert.equal(1 + 1, ${passes ? 2 : 3}, 'sum is wrong'); });
`;
}

/** A test that starts a long-running grandchild, writes its pid, and then never finishes. */
function hangingTest(pidFile: string): string {
  return `import test from 'node:test';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
test('hangs', async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
  await new Promise(() => {});
});
`;
}

/** Alive means running: a zombie waiting to be reaped is already dead. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

const runCount = (counterFile: string) => (existsSync(counterFile) ? readFileSync(counterFile, 'utf8').length : 0);

describe('runTests', () => {
  it('runs npm test green, counts tests and keeps the full log on disk', async () => {
    const counter = join(scratch(), 'runs');
    const repo = repoWithTest(countingTest(counter, true));
    const run = await runTests({ workspace: workspaceOf(repo), config: config(), phase: 'baseline' });
    expect(run).toMatchObject({
      phase: 'baseline',
      passed: true,
      skipped: false,
      cached: false,
      timedOut: false,
      exitCode: 0,
      command: ['npm', 'test'],
      passedCount: 1,
      failedCount: 0,
    });
    expect(run.logPath).toBe(join(repo.path, '.kaizen', 'logs', 'r1', 'baseline.log'));
    expect(readFileSync(run.logPath as string, 'utf8')).toContain('adds numbers');
    expect(runCount(counter)).toBe(1);
  });

  it('serves a second green run of the same tree from the cache without running anything', async () => {
    const counter = join(scratch(), 'runs');
    const repo = repoWithTest(countingTest(counter, true));
    const workspace = workspaceOf(repo);
    await runTests({ workspace, config: config(), phase: 'baseline' });
    const again = await runTests({ workspace, config: config(), phase: 'verify' });
    expect(again).toMatchObject({ phase: 'verify', passed: true, cached: true, passedCount: 1 });
    expect(runCount(counter)).toBe(1);

    // A new tree is a new key: the tests run again.
    repo.write('other.txt', 'changed');
    repo.commitAll('change');
    const changed = await runTests({ workspace, config: config(), phase: 'verify' });
    expect(changed.cached).toBe(false);
    expect(runCount(counter)).toBe(2);
  });

  it('does not trust the cache while tracked files have uncommitted changes', async () => {
    const counter = join(scratch(), 'runs');
    const repo = repoWithTest(countingTest(counter, true));
    const workspace = workspaceOf(repo);
    await runTests({ workspace, config: config(), phase: 'baseline' });
    repo.write('package.json', JSON.stringify({ name: 'demo', scripts: { test: 'node --test' }, version: '2.0.0' }));
    const dirty = await runTests({ workspace, config: config(), phase: 'verify' });
    expect(dirty.cached).toBe(false);
    expect(runCount(counter)).toBe(2);
  });

  it('passes a run that fails once and then passes when run again, naming the flaky test', async () => {
    const marker = join(scratch(), 'ran-once');
    const repo = repoWithTest(`import test from 'node:test';
import assert from 'node:assert';
import { existsSync, writeFileSync } from 'node:fs';
test('settles the order', () => {
  const first = !existsSync(${JSON.stringify(marker)});
  writeFileSync(${JSON.stringify(marker)}, 'x');
  assert.equal(first, false, 'timed out under load');
});
`);
    const run = await runTests({ workspace: workspaceOf(repo), config: config(), phase: 'baseline' });
    expect(run).toMatchObject({ passed: true, flaky: ['settles the order'], passedCount: 1, failedCount: 0 });
    expect(run.logPath).toBe(join(repo.path, '.kaizen', 'logs', 'r1', 'baseline.rerun.log'));
    expect(readFileSync(join(repo.path, '.kaizen', 'logs', 'r1', 'baseline.log'), 'utf8')).toContain('timed out under load');
  });

  it('reports a red run (run twice) with the failing tests by name and the failure in the tail, and never serves it from the cache', async () => {
    const counter = join(scratch(), 'runs');
    const repo = repoWithTest(countingTest(counter, false));
    const workspace = workspaceOf(repo);
    const run = await runTests({ workspace, config: config(), phase: 'baseline' });
    expect(run).toMatchObject({ passed: false, cached: false, timedOut: false, passedCount: 0, failedCount: 1, failedTests: ['adds numbers'] });
    expect(run.flaky).toBeUndefined();
    expect(runCount(counter)).toBe(2);
    expect(run.exitCode).not.toBe(0);
    expect(run.outputTail).toContain('sum is wrong');
    expect(run.outputTail.length).toBeLessThanOrEqual(3000);

    const again = await runTests({ workspace, config: config(), phase: 'baseline' });
    expect(again.cached).toBe(false);
    expect(runCount(counter)).toBe(4);
    // Remembered for knownTestRun (known-test-run.test.ts), never reused by runTests.
    expect(readdirSync(join(workspace.stateDir, 'cache', 'tests'))).toHaveLength(1);
  });

  it('uses test.command from the config and the per-run command over it', async () => {
    const counter = join(scratch(), 'runs');
    const repo = repoWithTest(countingTest(counter, true), { name: 'demo' });
    const viaConfig = await runTests({
      workspace: workspaceOf(repo),
      config: config({ test: { command: 'node --test demo.test.mjs' } }),
      phase: 'baseline',
    });
    expect(viaConfig).toMatchObject({ passed: true, command: ['node', '--test', 'demo.test.mjs'] });
    const viaOverride = await runTests({
      workspace: workspaceOf(repo),
      config: config({ test: { command: 'false' } }),
      phase: 'baseline',
      command: [process.execPath, '--test', 'demo.test.mjs'],
    });
    expect(viaOverride).toMatchObject({ passed: true, cached: false, command: [process.execPath, '--test', 'demo.test.mjs'] });
  });

  it('kills the whole process group when the time limit is reached', async () => {
    const pidFile = join(scratch(), 'grandchild.pid');
    const repo = repoWithTest(hangingTest(pidFile));
    const started = Date.now();
    const run = await runTests({ workspace: workspaceOf(repo), config: config({ test: { timeout: '4s' } }), phase: 'verify' });
    // Twice: a run that timed out is run once more before it counts as red.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run).toMatchObject({ passed: false, timedOut: true, cached: false });
    expect(run.outputTail).toContain('test.timeout (4s)');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitFor(() => !isRunning(grandchild), 3000)).toBe(true);
  });

  it('heartbeats while running and stops the process group promptly when the activity is cancelled', async () => {
    const pidFile = join(scratch(), 'grandchild.pid');
    const repo = repoWithTest(hangingTest(pidFile));
    const env = new MockActivityEnvironment();
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => heartbeats.push(details));
    let settledAt = 0;
    const running = env.run(async () => {
      try {
        return await runTests({ workspace: workspaceOf(repo), config: config(), phase: 'baseline' });
      } finally {
        settledAt = Date.now();
      }
    });
    running.catch(() => undefined);

    expect(await waitFor(() => existsSync(pidFile) && heartbeats.length > 0, 20_000)).toBe(true);
    expect(heartbeats[0]).toMatchObject({ phase: 'baseline', elapsedMs: expect.any(Number) });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(isRunning(grandchild)).toBe(true);

    const cancelledAt = Date.now();
    env.cancel();
    await expect(running).rejects.toThrow();
    expect(await waitFor(() => settledAt > 0, 5000)).toBe(true);
    expect(settledAt - cancelledAt).toBeLessThan(3000);
    expect(await waitFor(() => !isRunning(grandchild), 3000)).toBe(true);
  });

  it('names the missing binary and the fix', async () => {
    const repo = repoWithTest(countingTest(join(scratch(), 'runs'), true));
    const failure = runTests({
      workspace: workspaceOf(repo),
      config: config(),
      phase: 'baseline',
      command: ['kaizen-no-such-test-runner'],
    });
    await expect(failure).rejects.toBeInstanceOf(BinaryMissingError);
    await expect(failure).rejects.toThrow(/kaizen-no-such-test-runner.*test\.command.*--test-cmd/s);
  });

  it('without a test command: fails when tests are required, skips without running when not', async () => {
    const repo = repoWithTest('', { name: 'demo', scripts: { test: 'echo "Error: no test specified" && exit 1' } });
    const workspace = workspaceOf(repo);
    await expect(runTests({ workspace, config: config(), phase: 'baseline' })).rejects.toBeInstanceOf(
      TestCommandMissingError,
    );
    const skipped = await runTests({ workspace, config: config({ test: { required: false } }), phase: 'baseline' });
    expect(skipped).toMatchObject({ passed: true, skipped: true, cached: false, command: [] });
    expect(existsSync(join(workspace.stateDir, 'logs'))).toBe(false);
  });
});
