// Continuous improvement end to end: a real Temporal Schedule on the real dev server starts a
// cycle of a real repository; the governor, the budgets and the repo-wide pause through the CLI.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitForCycle } from '../../src/cli/cycle.js';
import type { CycleSummary } from '../../src/core/governor/cycle.js';
import type { GovernorView } from '../../src/core/governor/protocol.js';
import { scheduleIdFor } from '../../src/core/repository/key.js';
import { readLedgerLines, startKaizen, type E2eKaizen } from '../helpers/e2e.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { runKaizen } from '../helpers/kaizen-process.js';
import { SAMPLE_REPO } from '../helpers/paths.js';


let kaizen: E2eKaizen;
const repos: TempRepo[] = [];

function cli(args: string[]) {
  return runKaizen(args, { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), KAIZEN_TASK_QUEUE: kaizen.taskQueue });
}

beforeAll(async () => {
  kaizen = await startKaizen('schedule');
});

afterAll(async () => {
  await kaizen?.close();
  for (const repo of repos) repo.cleanup();
});

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('a scheduled cycle', () => {
  it('runs when its schedule is triggered, lands one change within the budget, and says so', async () => {
    const repo = createRepo({}, { from: SAMPLE_REPO });
    repos.push(repo);
    repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, mode: 'merge' }));
    const base = repo.commitAll('config for the test');

    const created = await cli(['schedule', 'create', repo.path, '--every', '6h', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const scheduleId = scheduleIdFor(repo.path);
    expect(JSON.parse(created.stdout)).toMatchObject({ scheduleId, every: '6h', catchup: '6h', repoPath: repo.path });
    try {
      expect((await cli(['schedule', 'trigger', repo.path])).code).toBe(0);
      const handle = kaizen.client.schedule.getHandle(scheduleId);
      const described = await until(() => handle.describe(), (d) => d.info.recentActions.length > 0, 'the triggered run');
      const cycleId = described.info.recentActions[0]!.action.workflow.workflowId;
      const summary = await waitForCycle(kaizen.client, cycleId);

      expect(summary, summary.reason).toMatchObject({ status: 'completed', trigger: 'schedule', repo: repo.path, counts: { applied: 1, proposed: 0, rolled_back: 0, failed: 0, skipped: 0 } });
      const [landed] = summary.results;
      expect(landed).toMatchObject({ outcome: 'applied', file: 'src/cart.js', strategy: 'autofix' });
      expect(summary.findingsBefore).toBe(17);
      expect(summary.findingsAfter).toBe(17 - landed!.findingsFixed);
      expect(summary.filesReanalysed).toBe(summary.filesAnalysed);
      // The default budget spaces changes by an hour: the next candidate waits for the next cycle.
      expect(summary.skipped.at(-1)?.reason).toMatch(/budget\.minIntervalMinutes is 60; next slot at /);
      expect(summary.nextSlotAt).not.toBeNull();

      // The repository: exactly one verified commit on main, made by that improvement.
      expect(repo.git('rev-parse', 'main~1')).toBe(base);
      expect(repo.head('main')).toBe(landed!.commit);
      expect(repo.git('log', '-1', '--format=%B', 'main')).toContain(`Kaizen-Run: ${landed!.workflowId}`);
      expect(repo.git('status', '--porcelain')).toBe('');
      const ledger = readLedgerLines(repo.path);
      expect(ledger.filter((l) => l.kind === 'cycle')).toEqual([expect.objectContaining({ workflowId: cycleId, status: 'completed', findingsBefore: 17 })]);
      expect(ledger.filter((l) => l.kind !== 'cycle')).toEqual([expect.objectContaining({ outcome: 'applied', workflowId: landed!.workflowId })]);

      const governor = JSON.parse((await cli(['governor', repo.path, '--json'])).stdout) as GovernorView & { exists: boolean };
      expect(governor).toMatchObject({ exists: true, lock: null, active: [], budget: { last24h: 1, left: 4 } });
      expect(governor.strategies).toEqual(expect.arrayContaining([expect.objectContaining({ strategy: 'autofix', successes: 1, failures: 0 })]));

      const shown = JSON.parse((await cli(['schedule', 'describe', repo.path, '--json'])).stdout) as { actionsTaken: number; overlap: string; recentRuns: { workflowId: string }[] };
      expect(shown).toMatchObject({ overlap: 'SKIP', actionsTaken: 1, recentRuns: [{ workflowId: cycleId }] });
    } finally {
      const deleted = await cli(['schedule', 'delete', repo.path]);
      expect(deleted.code, deleted.stderr).toBe(0);
    }
    const gone = await cli(['schedule', 'describe', repo.path]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/No schedule for .*kaizen schedule create/);
  });
});

describe('cycles from the command line', () => {
  it('re-analyses only what changed, respects the interval, and does nothing while the repository is paused', async () => {
    const repo = createRepo({}, { from: SAMPLE_REPO });
    repos.push(repo);
    repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, mode: 'merge' }));
    repo.commitAll('config for the test');

    const first = JSON.parse((await cli(['cycle', repo.path, '--wait', '--json'])).stdout) as CycleSummary;
    expect(first).toMatchObject({ status: 'completed', trigger: 'manual', counts: { applied: 1 } });

    const second = JSON.parse((await cli(['cycle', repo.path, '--wait', '--json'])).stdout) as CycleSummary;
    expect(second).toMatchObject({ status: 'completed', results: [], filesReanalysed: 0, findingsBefore: first.findingsAfter });
    expect(second.reason).toMatch(/no improvement started: .*next slot at/);

    expect((await cli(['pause', repo.path, '--reason', 'release week'])).stdout).toMatch(/paused/);
    const paused = JSON.parse((await cli(['cycle', repo.path, '--wait', '--json'])).stdout) as CycleSummary;
    expect(paused).toMatchObject({ status: 'paused', results: [], findingsBefore: null });
    expect(paused.reason).toMatch(/paused by .*release week/);
    const view = JSON.parse((await cli(['governor', repo.path, '--json'])).stdout) as GovernorView;
    expect(view.paused).toMatchObject({ paused: true, reason: 'release week' });
    expect((await cli(['resume', repo.path])).code).toBe(0);
    const resumed = JSON.parse((await cli(['governor', repo.path, '--json'])).stdout) as GovernorView;
    expect(resumed.paused.paused).toBe(false);
  });
});

describe('the new commands', () => {
  it('all have --help', async () => {
    const commands = [['cycle'], ['governor'], ['config', 'validate'], ['config', 'show'], ['schedule', 'create'], ['schedule', 'list'], ['schedule', 'describe'], ['schedule', 'pause'], ['schedule', 'unpause'], ['schedule', 'trigger'], ['schedule', 'delete']];
    for (const command of commands) {
      const out = await cli([...command, '--help']);
      expect(out.code, command.join(' ')).toBe(0);
      expect(out.stdout, command.join(' ')).toMatch(/Usage: kaizen/);
    }
  });
});
