// Cycles under the governor on the time-skipping server: days of a 6-hour cadence never break
// the budgets, concurrent improvements never integrate at the same time, and the summary tells
// what happened. (The test server has no Schedules: the test starts a cycle every 6 h of
// skipped time, as the Schedule would.)
import { describe, expect, it } from 'vitest';
import type { BudgetLimits } from '../../src/core/governor/budget.js';
import type { ConfigInput } from '../../src/core/config/config.js';
import type { CycleSummary } from '../../src/core/governor/cycle.js';
import { governorWorkflowId } from '../../src/core/repository/key.js';
import { cycle } from '../../src/workflows/cycle.js';
import { governorStateQuery } from '../../src/contracts/governor.js';
import { continuousFakes, DAY, HOUR, MINUTE, type Integration } from '../helpers/continuous.js';
import { greenRun } from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping();
let seq = 0;

function governorView(repo: string) {
  return ts.plainClient.workflow.getHandle(governorWorkflowId(repo)).query(governorStateQuery);
}

const DEFAULT_LIMITS: BudgetLimits = { maxPerDay: 5, maxPerFilePerDay: 2, minIntervalMinutes: 60, maxConcurrent: 3 };

/** Runs a cycle every 6 hours of (skipped) time for `days` days. */
async function simulate(repo: string, config: ConfigInput, files: string[], days: number) {
  const fakes = continuousFakes(ts.plainClient, { config, files });
  const summaries: CycleSummary[] = [];
  const view = await ts.withWorker(fakes.activities, async (taskQueue) => {
    for (let i = 0; i < days * 4; i++) {
      summaries.push(await ts.plainClient.workflow.execute(cycle, { taskQueue, workflowId: `cycle-${++seq}`, args: [{ repoPath: repo, trigger: 'schedule' }] }));
      await ts.env.sleep(6 * HOUR);
    }
    // Queries need a worker: ask while it still runs.
    return governorView(repo);
  });
  return { summaries, integrations: fakes.integrations, cycles: fakes.cycles, view };
}

/** Every rolling 24 h window, per repo and per file, and every gap between two landings. */
function expectWithinBudget(landings: Integration[], limits: BudgetLimits): { busiestDay: number; busiestFileDay: number } {
  const sorted = [...landings].sort((a, b) => a.at - b.at);
  let busiestDay = 0;
  let busiestFileDay = 0;
  sorted.forEach((l, i) => {
    const window = sorted.filter((o) => o.at >= l.at && o.at < l.at + DAY);
    busiestDay = Math.max(busiestDay, window.length);
    busiestFileDay = Math.max(busiestFileDay, window.filter((o) => o.file === l.file).length);
    const previous = sorted[i - 1];
    if (previous) expect(l.at - previous.at, `landings ${previous.workflowId} and ${l.workflowId}`).toBeGreaterThanOrEqual(limits.minIntervalMinutes * MINUTE);
  });
  expect(busiestDay).toBeLessThanOrEqual(limits.maxPerDay);
  expect(busiestFileDay).toBeLessThanOrEqual(limits.maxPerFilePerDay);
  return { busiestDay, busiestFileDay };
}

describe('a 6-hour cadence over 3 days', () => {
  it('with the default budget: never two changes within an hour, nor more than 2 a day to one file', async () => {
    const repo = '/repos/cadence-defaults';
    const { summaries, integrations, cycles } = await simulate(repo, {}, ['src/a.js', 'src/b.js', 'src/c.js'], 3);

    expect(summaries).toHaveLength(12);
    expect(summaries.every((s) => s.status === 'completed')).toBe(true);
    // One change per cycle: the interval refuses a second one within the hour.
    expect(integrations).toHaveLength(12);
    const { busiestFileDay } = expectWithinBudget(integrations, DEFAULT_LIMITS);
    expect(busiestFileDay).toBe(2);
    expect(summaries.flatMap((s) => s.skipped.map((k) => k.reason)).join('\n')).toMatch(/src\/a\.js already had 2 of 2 changes in the last 24 h/);
    expect(summaries[0]?.skipped.at(-1)?.reason).toMatch(/budget\.minIntervalMinutes is 60; next slot at /);
    // The summary and the ledger line tell the same story.
    expect(summaries[0]).toMatchObject({ counts: { applied: 1, proposed: 0, rolled_back: 0, failed: 0, skipped: 0 }, findingsBefore: 6, findingsAfter: 6, candidates: 3, trigger: 'schedule' });
    expect(cycles).toHaveLength(12);
    expect(cycles[0]).toMatchObject({ kind: 'cycle', status: 'completed', counts: { applied: 1 }, improvements: [{ outcome: 'applied', file: 'src/a.js' }] });
  });

  it('with no minimum interval: 5 a day at most, at most 3 at once, and the day budget refuses later cycles', async () => {
    const repo = '/repos/cadence-busy';
    const files = ['src/a.js', 'src/b.js', 'src/c.js', 'src/d.js', 'src/e.js', 'src/f.js'];
    const { summaries, integrations, view } = await simulate(repo, { budget: { minIntervalMinutes: 0 } }, files, 3);

    const { busiestDay } = expectWithinBudget(integrations, { ...DEFAULT_LIMITS, minIntervalMinutes: 0 });
    expect(busiestDay).toBe(5);
    expect(summaries[0]?.counts.applied).toBe(5);
    expect(summaries[1]).toMatchObject({ status: 'completed', results: [] });
    expect(summaries[1]?.skipped.at(-1)?.reason).toMatch(/daily budget used: 5 of 5 changes in the last 24 h; next slot at /);
    expect(summaries[1]?.nextSlotAt).not.toBeNull();
    // A new day frees the budget again.
    expect(summaries[4]?.counts.applied).toBe(5);
    expect(view.totals.applied).toBe(integrations.length);
    expect(view.active).toEqual([]);
  });
});

describe('the merge lock', () => {
  it('lets concurrent improvements integrate one at a time', async () => {
    let inVerify = 0;
    let allThere: () => void = () => undefined;
    const three = new Promise<void>((resolve) => (allThere = resolve));
    const fakes = continuousFakes(ts.plainClient, {
      config: { budget: { minIntervalMinutes: 0 } },
      files: ['src/a.js', 'src/b.js', 'src/c.js'],
      integrateMs: 300,
      overrides: {
        // Each first verify waits for the other two: proof that the three runs are in flight together.
        runTests: async (input) => {
          if (input.phase === 'verify' && ++inVerify === 3) allThere();
          if (input.phase === 'verify') await Promise.race([three, new Promise((_, reject) => setTimeout(() => reject(new Error('the runs were not concurrent')), 15_000))]);
          return greenRun(input.phase);
        },
      },
    });
    const repo = '/repos/merge-lock';
    const { summary, view } = await ts.withWorker(fakes.activities, async (taskQueue) => {
      const summary = await ts.plainClient.workflow.execute(cycle, { taskQueue, workflowId: `cycle-${++seq}`, args: [{ repoPath: repo }] });
      return { summary, view: await governorView(repo) };
    });

    expect(summary.counts.applied).toBe(3);
    const spans = [...fakes.integrations].sort((a, b) => a.enteredMs - b.enteredMs);
    expect(spans).toHaveLength(3);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.enteredMs, 'an integration started before the previous one ended').toBeGreaterThanOrEqual(spans[i - 1]!.exitedMs);
    }
    expect(view.lock).toBeNull();
    expect(view.landings.map((l) => l.file).sort()).toEqual(['src/a.js', 'src/b.js', 'src/c.js']);
  });
});

describe('the tidy-up', () => {
  it("prunes backup refs older than backup.keepDays on the repository's host, and a failed tidy-up costs the cycle nothing", async () => {
    const asked: { repoRoot: string; keepDays: number }[] = [];
    let fail = false;
    const fakes = continuousFakes(ts.plainClient, {
      config: { backup: { keepDays: 7 } },
      files: ['src/a.js'],
      cycle: {
        pruneBackupRefs: async (input) => {
          asked.push(input);
          if (fail) throw new Error('git update-ref failed');
          return { pruned: ['refs/kaizen/backup/old-1', 'refs/kaizen/backup/old-2'], kept: 4 };
        },
      },
    });
    const repo = '/repos/tidy';
    const [first, second] = await ts.withWorker(fakes.activities, async (taskQueue) => {
      const first = await ts.plainClient.workflow.execute(cycle, { taskQueue, workflowId: `cycle-${++seq}`, args: [{ repoPath: repo }] });
      fail = true;
      await ts.env.sleep(2 * HOUR);
      const second = await ts.plainClient.workflow.execute(cycle, { taskQueue, workflowId: `cycle-${++seq}`, args: [{ repoPath: repo }] });
      return [first, second];
    });
    expect(asked[0]).toEqual({ repoRoot: repo, keepDays: 7 });
    expect(first.backupRefsPruned).toBe(2);
    expect(second.status).toBe('completed');
    expect(second.backupRefsPruned).toBe(0);
  });
});

describe('how a scheduled change lands', () => {
  it('a scheduled cycle lets risk decide (mode auto) unless the config names a mode; a cycle started by hand leaves the branch', async () => {
    const modes = async (trigger: 'schedule' | 'manual', config: ConfigInput) => {
      const fakes = continuousFakes(ts.plainClient, { config, files: ['src/a.js'] });
      await ts.withWorker(fakes.activities, (taskQueue) => ts.plainClient.workflow.execute(cycle, { taskQueue, workflowId: `cycle-${++seq}`, args: [{ repoPath: `/repos/modes-${seq}`, trigger }] }));
      return fakes.log.inputsOf('integrate').map((input) => (input as { mode: string }).mode);
    };
    // The fake strategy is autofix: low risk, so auto merges it.
    expect(await modes('schedule', {})).toEqual(['merge']);
    expect(await modes('manual', {})).toEqual(['branch']);
    expect(await modes('schedule', { mode: 'branch' })).toEqual(['branch']);
  });
});
