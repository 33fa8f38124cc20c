// The governor on the time-skipping server: it learns which strategy works, keeps its state
// through continue-as-new, pauses and resumes a whole repository, and frees what a rolled-back
// or refused improvement held.
import { describe, expect, it } from 'vitest';
import { createGovernorGateway } from '../../src/adapters/temporal/governor-client.js';
import type { GovernorTarget, SlotRequest } from '../../src/core/governor/protocol.js';
import { governorWorkflowId } from '../../src/core/repository/key.js';
import type { ImprovementInput, ImprovementResult, Strategy } from '../../src/core/types.js';
import { cycle } from '../../src/workflows/cycle.js';
import { progressQuery } from '../../src/contracts/improvement.js';
import { governorStateQuery, pauseRepoSignal, resumeRepoSignal, slotFinishedSignal } from '../../src/contracts/governor.js';
import { governor } from '../../src/workflows/governor.js';
import { readGovernorMemo } from '../../src/core/governor/memo.js';
import { improvement } from '../../src/workflows/improvement.js';
import { continuousFakes, findingsOf, HOUR, until } from '../helpers/continuous.js';
import { fakeAnalysis, fakeWorkspace, gate } from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping();
let seq = 0;

const LIMITS = { maxPerDay: 1000, maxPerFilePerDay: 1000, minIntervalMinutes: 0, maxConcurrent: 1000 };

function slot(workflowId: string, overrides: Partial<SlotRequest> = {}): SlotRequest {
  return { workflowId, requestedBy: 'test', file: 'src/a.js', family: 'no-var', fixable: true, strategies: ['autofix', 'llm'], limits: LIMITS, enforceBudget: true, leaseMs: HOUR, ...overrides };
}

function viewOf(repo: string) {
  return ts.plainClient.workflow.getHandle(governorWorkflowId(repo)).query(governorStateQuery);
}

describe('learning which strategy works', () => {
  it('moves away from a strategy that keeps being rolled back for a rule', async () => {
    const repo = '/repos/learner';
    const gateway = createGovernorGateway(ts.plainClient);
    const { activities } = continuousFakes(ts.plainClient);
    const { chosen, view } = await ts.withWorker(activities, async (taskQueue) => {
      const target: GovernorTarget = { workflowId: governorWorkflowId(repo), repoRoot: repo, taskQueue };
      const chosen: Strategy[] = [];
      for (let i = 0; i < 30; i++) {
        const answer = await gateway.requestSlot(target, slot(`run-${i}`));
        if (!answer.granted) throw new Error(answer.reason);
        chosen.push(answer.strategy);
        // In this repository autofix's fixes of no-var break the tests; the LLM's pass.
        const outcome = answer.strategy === 'autofix' ? 'rolled_back' : 'applied';
        await ts.plainClient.workflow.getHandle(target.workflowId).signal(slotFinishedSignal, { workflowId: `run-${i}`, outcome, reason: outcome, strategy: answer.strategy, file: 'src/a.js', family: 'no-var' });
      }
      return { chosen, view: await until(() => viewOf(repo), (v) => v.recent.length === 20, 'the last report') };
    });

    expect(chosen.slice(0, 3)).toEqual(['autofix', 'autofix', 'autofix']);
    expect(chosen.slice(-10).filter((s) => s === 'autofix').length).toBeLessThanOrEqual(2);
    const autofix = view.strategies.find((s) => s.family === 'no-var' && s.strategy === 'autofix');
    const llm = view.strategies.find((s) => s.family === 'no-var' && s.strategy === 'llm');
    expect(autofix?.successes).toBe(0);
    expect(autofix?.failures).toBe(chosen.filter((s) => s === 'autofix').length);
    expect(llm?.successes).toBe(chosen.filter((s) => s === 'llm').length);
  });
});

describe('continue-as-new', () => {
  it('keeps landings, the lock, the pause and the statistics across new runs', async () => {
    const repo = '/repos/long-lived';
    const gateway = createGovernorGateway(ts.plainClient);
    const { activities } = continuousFakes(ts.plainClient);
    const result = await ts.withWorker(activities, async (taskQueue) => {
      const workflowId = governorWorkflowId(repo);
      const first = await ts.plainClient.workflow.start(governor, { workflowId, taskQueue, args: [{ repoPath: repo, continueAsNewAfterEvents: 40 }] });
      const target: GovernorTarget = { workflowId, repoRoot: repo, taskQueue };
      const handle = ts.plainClient.workflow.getHandle(workflowId);
      await gateway.requestMergeLock(target, { workflowId: 'holder', enforceInterval: false, minIntervalMinutes: 0, leaseMs: 24 * HOUR });
      for (let i = 0; i < 12; i++) {
        const answer = await gateway.requestSlot(target, slot(`run-${i}`, { file: `src/f${i}.js` }));
        expect(answer.granted).toBe(true);
        await handle.signal(slotFinishedSignal, { workflowId: `run-${i}`, outcome: i % 3 ? 'applied' : 'failed', reason: 'x', strategy: 'autofix', file: `src/f${i}.js`, family: 'no-var' });
      }
      await handle.signal(pauseRepoSignal, { by: 'carol', reason: 'release week' });
      const view = await until(() => viewOf(repo), (v) => v.paused.paused, 'the pause');
      const described = await handle.describe();
      return { firstRunId: first.firstExecutionRunId, runId: described.runId, view, stillPaused: await gateway.requestSlot(target, slot('after')) };
    });

    expect(result.runId).not.toBe(result.firstRunId);
    expect(result.view.totals).toMatchObject({ applied: 8, failed: 4 });
    expect(result.view.landings).toHaveLength(8);
    expect(result.view.lock?.holder).toBe('holder');
    expect(result.view.paused).toMatchObject({ paused: true, by: 'carol', reason: 'release week' });
    expect(result.view.strategies).toEqual([{ family: 'no-var', strategy: 'autofix', successes: 8, failures: 4, successRate: 8 / 12 }]);
    expect(result.stillPaused).toMatchObject({ granted: false, kind: 'paused' });
  });
});

describe('a repo-wide pause', () => {
  it('holds running improvements at their next boundary, starts nothing new, and resume lets them finish', async () => {
    const repo = '/repos/paused';
    const analysing = gate();
    const fakes = continuousFakes(ts.plainClient, {
      config: { budget: { minIntervalMinutes: 0 }, notifications: { channels: [{ id: 'team', type: 'slack' }] } },
      files: ['src/a.js', 'src/b.js'],
      overrides: {
        analyse: async (input) => {
          await analysing.promise;
          return { ...fakeAnalysis(), target: input.file ?? null, findings: findingsOf(input.file ?? 'src/a.js') };
        },
      },
    });
    const outcome = await ts.withWorker(fakes.activities, async (taskQueue) => {
      const running = await ts.plainClient.workflow.start(cycle, { taskQueue, workflowId: `cycle-p-${++seq}`, args: [{ repoPath: repo, trigger: 'schedule' }] });
      await fakes.log.waitFor('analyse', 2);
      const governorHandle = ts.plainClient.workflow.getHandle(governorWorkflowId(repo));
      await governorHandle.signal(pauseRepoSignal, { by: 'dave' });
      const children = (await viewOf(repo)).active.map((a) => ts.plainClient.workflow.getHandle(a.workflowId));
      expect(children).toHaveLength(2);
      // The governor passes the pause on to both runs while they are still analysing.
      await Promise.all(children.map((c) => until(() => c.query(progressQuery), (p) => p.updates.some((u) => u.message.includes('pause requested')), 'the pause to arrive')));
      analysing.open();
      const held = await Promise.all(children.map((c) => until(() => c.query(progressQuery), (p) => p.paused, 'a held improvement')));
      await ts.env.sleep(6 * HOUR);
      // Only the test cache is read beside the analysis (knownTestRun); no test runs while paused.
      const testsWhilePaused = fakes.log.count('runTests:baseline') + fakes.log.count('runTests:verify');
      // The schedule fires again while paused: the cycle ends at once and starts nothing.
      const pausedCycle = await ts.plainClient.workflow.execute(cycle, { taskQueue, workflowId: `cycle-p-${++seq}`, args: [{ repoPath: repo, trigger: 'schedule' }] });
      const stillHeld = await Promise.all(children.map((c) => c.query(progressQuery)));

      await governorHandle.signal(resumeRepoSignal, { by: 'dave' });
      return { held, testsWhilePaused, pausedCycle, stillHeld, summary: await running.result() };
    });

    expect(outcome.held.map((p) => p.pausedAt)).toEqual(['test', 'test']);
    expect(outcome.testsWhilePaused).toBe(0);
    expect(outcome.stillHeld.every((p) => p.paused && p.step === 'analyse')).toBe(true);
    expect(outcome.pausedCycle).toMatchObject({ status: 'paused', results: [], findingsBefore: null });
    expect(outcome.pausedCycle.reason).toMatch(/paused by dave/);
    expect(outcome.summary).toMatchObject({ status: 'completed', counts: { applied: 2 } });
    // The channels hear about the pause once, from the governor, on the runs' host queue.
    const pauses = fakes.log.calls.filter((c) => c.name === 'deliverNotification' && (c.input as { event: { kind: string } }).event.kind === 'paused');
    expect(pauses).toHaveLength(1);
    expect(pauses[0]?.input).toMatchObject({ channel: { id: 'team' }, event: { kind: 'paused', by: 'dave', repo } });
    expect(pauses[0]?.taskQueue).toMatch(/-host$/);
  });
});

describe('what an improvement holds is freed however it ends', () => {
  it('an approval timeout rolls back: no landing, slot and lock freed, nothing learned (nobody judged the change)', async () => {
    const repo = '/repos/approval';
    const fakes = continuousFakes(ts.plainClient, { config: { approval: { required: true, timeout: '1h' } }, files: ['src/a.js'] });
    const { summary, view } = await ts.withWorker(fakes.activities, async (taskQueue) => {
      const handle = await ts.plainClient.workflow.start(cycle, { taskQueue, workflowId: `cycle-a-${++seq}`, args: [{ repoPath: repo }] });
      await fakes.log.waitFor('checkFindings');
      await ts.env.sleep(2 * HOUR);
      const summary = await handle.result();
      return { summary, view: await viewOf(repo) };
    });

    expect(summary.results[0]).toMatchObject({ outcome: 'rolled_back', reason: expect.stringMatching(/not approved within 1h/) });
    expect(fakes.log.has('integrate')).toBe(false);
    expect(view).toMatchObject({ lock: null, active: [], landings: [], totals: { rolled_back: 1 } });
    expect(view.strategies).toEqual([]);
  });

  it('a landed run has freed its lock and slot, and been counted and learned from, when its result arrives', async () => {
    const repo = '/repos/landed';
    const fakes = continuousFakes(ts.plainClient);
    const { result, view } = await ts.withWorker(fakes.activities, async (taskQueue) => {
      const result = await ts.plainClient.workflow.execute(improvement, { taskQueue, workflowId: `landed-${++seq}`, args: [{ repoPath: repo, file: 'src/a.js', mode: 'merge', governor: { enforceBudget: false } }] });
      return { result, view: await viewOf(repo) };
    });

    expect(result.outcome).toBe('applied');
    expect(view).toMatchObject({ lock: null, active: [], waiting: [], totals: { applied: 1 }, recent: [expect.objectContaining({ workflowId: result.workflowId, outcome: 'applied' })] });
    expect(view.landings).toEqual([expect.objectContaining({ workflowId: result.workflowId, file: 'src/a.js', outcome: 'applied' })]);
    expect(view.strategies.length).toBeGreaterThan(0);
  });

  it('a manual run over budget ends skipped with the next slot; without --respect-budget it runs and counts', async () => {
    const repo = '/repos/manual';
    const fakes = continuousFakes(ts.plainClient);
    const results = await ts.withWorker(fakes.activities, async (taskQueue) => {
      const run = (enforceBudget: boolean) =>
        ts.plainClient.workflow.execute(improvement, { taskQueue, workflowId: `manual-${++seq}`, args: [{ repoPath: repo, file: 'src/a.js', governor: { enforceBudget } }] });
      const out: ImprovementResult[] = [await run(true), await run(true), await run(false)];
      return { out, view: await viewOf(repo) };
    });

    expect(results.out.map((r) => r.outcome)).toEqual(['applied', 'skipped', 'applied']);
    expect(results.out[1]?.reason).toMatch(/^over budget: .*budget\.minIntervalMinutes is 60; next slot at /);
    expect(results.view.landings).toHaveLength(2);
    expect(results.view.lock).toBeNull();
  });
});

describe('the check-in, sent by prepare while it makes the worktree', () => {
  it('a paused repository: a budgeted run is skipped and a manual one holds before analysing; nothing lands until it is resumed', async () => {
    const repo = '/repos/paused-at-check-in';
    const fakes = continuousFakes(ts.plainClient);
    const out = await ts.withWorker(fakes.activities, async (taskQueue) => {
      const workflowId = governorWorkflowId(repo);
      await ts.plainClient.workflow.start(governor, { workflowId, taskQueue, args: [{ repoPath: repo }] });
      await ts.plainClient.workflow.getHandle(workflowId).signal(pauseRepoSignal, { by: 'erin', reason: 'release day' });
      await until(() => viewOf(repo), (v) => v.paused.paused, 'the pause');
      const args = (enforceBudget: boolean): [ImprovementInput] => [{ repoPath: repo, file: 'src/a.js', mode: 'merge', governor: { enforceBudget } }];
      const budgeted = await ts.plainClient.workflow.execute(improvement, { taskQueue, workflowId: `paused-budgeted-${++seq}`, args: args(true) });
      const manual = await ts.plainClient.workflow.start(improvement, { taskQueue, workflowId: `paused-manual-${++seq}`, args: args(false) });
      const held = await until(() => manual.query(progressQuery), (p) => p.paused, 'the manual run to hold');
      await ts.env.sleep(6 * HOUR);
      const whilePaused = { analysed: fakes.log.count('analyse'), integrated: fakes.log.count('integrate') };
      await ts.plainClient.workflow.getHandle(workflowId).signal(resumeRepoSignal, { by: 'erin' });
      return { budgeted, held, whilePaused, manual: await manual.result() };
    });

    expect(out.budgeted).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/paused by erin/) });
    expect(out.held).toMatchObject({ paused: true, pausedAt: 'analyse' });
    expect(out.whilePaused).toEqual({ analysed: 0, integrated: 0 });
    expect(out.manual.outcome).toBe('applied');
    // The answer came with prepare: no check-in of the workflow's own after it.
    expect(out.held.updates.some((u) => u.message.includes('check-in asked again'))).toBe(false);
  });

  it('a check-in prepare could not send is sent by the run itself before it analyses', async () => {
    const repo = '/repos/check-in-fallback';
    const fakes = continuousFakes(ts.plainClient, {
      overrides: {
        async prepareWorkspace(input) {
          return { workspace: fakeWorkspace(input.runId, input.repoRoot), config: fakes.config, checkIn: { failed: 'this worker has no governor client' } };
        },
      },
    });
    const out = await ts.withWorker(fakes.activities, async (taskQueue) => {
      const workflowId = governorWorkflowId(repo);
      await ts.plainClient.workflow.start(governor, { workflowId, taskQueue, args: [{ repoPath: repo }] });
      await ts.plainClient.workflow.getHandle(workflowId).signal(pauseRepoSignal, { by: 'frank' });
      await until(() => viewOf(repo), (v) => v.paused.paused, 'the pause');
      const run = await ts.plainClient.workflow.start(improvement, { taskQueue, workflowId: `fallback-${++seq}`, args: [{ repoPath: repo, file: 'src/a.js', governor: { enforceBudget: false } }] });
      const held = await until(() => run.query(progressQuery), (p) => p.paused, 'the run to hold');
      const analysed = fakes.log.count('analyse');
      await ts.plainClient.workflow.getHandle(workflowId).signal(resumeRepoSignal, { by: 'frank' });
      return { held, analysed, result: await run.result() };
    });

    expect(out.held).toMatchObject({ paused: true, pausedAt: 'analyse' });
    expect(out.held.updates.some((u) => u.message.includes('check-in asked again: this worker has no governor client'))).toBe(true);
    expect(out.analysed).toBe(0);
    expect(out.result.outcome).toBe('applied');
  });
});

describe('the memo', () => {
  it('keeps the last known budget, lock and pause where describe reads them without a worker, written only when they change', async () => {
    const repo = '/repos/memo';
    const gateway = createGovernorGateway(ts.plainClient);
    const { activities } = continuousFakes(ts.plainClient);
    const workflowId = governorWorkflowId(repo);
    await ts.withWorker(activities, async (taskQueue) => {
      const target: GovernorTarget = { workflowId, repoRoot: repo, taskQueue };
      const answer = await gateway.requestSlot(target, slot('memo-run-1', { limits: { ...LIMITS, maxPerDay: 5 } }));
      if (!answer.granted) throw new Error(answer.reason);
      await ts.plainClient.workflow.getHandle(workflowId).signal(pauseRepoSignal, { by: 'ops', reason: 'release freeze' });
      await until(() => viewOf(repo), (v) => v.paused.paused, 'the pause');
    });
    // The worker is gone: describe still has the memo.
    const described = await ts.plainClient.workflow.getHandle(workflowId).describe();
    const memo = readGovernorMemo(described.memo);
    expect(memo?.paused).toMatchObject({ by: 'ops', reason: 'release freeze' });
    expect(memo?.budget).toMatchObject({ running: 1, left: 4, maxPerDay: 5 });
    expect(memo?.lockHolder).toBeNull();
    const history = await ts.plainClient.workflow.getHandle(workflowId).fetchHistory();
    const memoEvents = (history.events ?? []).filter((e) => e.workflowPropertiesModifiedEventAttributes);
    // Start (empty state), the slot, the pause: one memo each, none for unchanged states.
    expect(memoEvents.length).toBeLessThanOrEqual(3);
    expect(memoEvents.length).toBeGreaterThanOrEqual(2);
  });
});
