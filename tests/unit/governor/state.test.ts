import { describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS, type BudgetLimits } from '../../../src/core/governor/budget.js';
import type { SlotRequest } from '../../../src/core/governor/protocol.js';
import {
  governorView,
  handleLockRelease,
  handleLockRequest,
  handleSlotFinished,
  handleSlotRequest,
  initialState,
  normaliseState,
  pruneState,
  setPaused,
} from '../../../src/core/governor/state.js';
import { seededRandom } from '../../../src/core/governor/learner.js';
import { governorWorkflowId, repoKey } from '../../../src/core/repository/key.js';

const T0 = Date.parse('2025-03-01T00:00:00Z');
const HOUR = 60 * MINUTE_MS;
const LIMITS: BudgetLimits = { maxPerDay: 5, maxPerFilePerDay: 2, minIntervalMinutes: 60, maxConcurrent: 3 };
const random = seededRandom(1);

function request(workflowId: string, overrides: Partial<SlotRequest> = {}): SlotRequest {
  return { workflowId, requestedBy: 'cycle-1', file: 'src/a.js', family: 'no-var', fixable: true, strategies: ['autofix', 'llm'], limits: LIMITS, enforceBudget: true, leaseMs: DAY_MS, ...overrides };
}

/** A slot granted, its lock taken and released with a landing, and its end reported. */
function landOne(state = initialState('/r'), id = 'w1', at = T0, file = 'src/a.js') {
  let s = handleSlotRequest(state, request(id, { file }), at, random).state;
  s = handleLockRequest(s, { workflowId: id, enforceInterval: true, minIntervalMinutes: 60, leaseMs: HOUR }, at).state;
  s = handleLockRelease(s, { workflowId: id, landed: { file, outcome: 'applied' } }, at).state;
  return handleSlotFinished(s, { workflowId: id, outcome: 'applied', reason: 'landed', strategy: 'autofix', file, family: 'no-var' }, at).state;
}

describe('slots', () => {
  it('grants with a strategy, answers a repeated request the same way, and records the budget used', () => {
    const first = handleSlotRequest(initialState('/r'), request('w1'), T0, random);
    expect(first.answer).toMatchObject({ granted: true, strategy: 'autofix', paused: false });
    const again = handleSlotRequest(first.state, request('w1'), T0 + 1000, random);
    expect(again.answer).toMatchObject({ granted: true, strategy: 'autofix', why: 'slot already granted' });
    expect(again.state.active).toHaveLength(1);
    expect(governorView(again.state, T0 + 1000).budget).toMatchObject({ running: 1, left: 4, last24h: 0 });
  });

  it('refuses with the reason and the next slot time; a manual run is registered but never refused', () => {
    const s = landOne();
    const refused = handleSlotRequest(s, request('w2'), T0 + 10 * MINUTE_MS, random);
    expect(refused.answer).toEqual({ granted: false, kind: 'interval', reason: expect.stringMatching(/next slot at 2025-03-01T01:00:00.000Z/), nextSlotAt: '2025-03-01T01:00:00.000Z' });
    const manual = handleSlotRequest(s, request('m1', { enforceBudget: false, strategy: 'llm' }), T0 + 10 * MINUTE_MS, random);
    expect(manual.answer).toMatchObject({ granted: true, strategy: 'llm' });
  });

  it('refuses budgeted requests while paused, still registers manual ones (which hold), and resumes', () => {
    const paused = setPaused(initialState('/r'), true, { by: 'alice', reason: 'release freeze' }, T0).state;
    expect(handleSlotRequest(paused, request('w1'), T0, random).answer).toMatchObject({ granted: false, kind: 'paused', reason: expect.stringMatching(/paused by alice.*release freeze.*kaizen resume/) });
    expect(handleSlotRequest(paused, request('m1', { enforceBudget: false }), T0, random).answer).toMatchObject({ granted: true, paused: true });
    const resumed = setPaused(paused, false, { by: 'alice' }, T0 + HOUR).state;
    expect(handleSlotRequest(resumed, request('w1'), T0 + HOUR, random).answer).toMatchObject({ granted: true, paused: false });
  });

  it('tells a pause to every run it knows: slots, the lock holder, waiters', () => {
    let s = handleSlotRequest(initialState('/r'), request('a', { file: 'a.js' }), T0, random).state;
    s = handleSlotRequest(s, request('b', { enforceBudget: false, file: 'b.js' }), T0, random).state;
    s = handleLockRequest(s, { workflowId: 'a', enforceInterval: false, minIntervalMinutes: 0, leaseMs: HOUR }, T0).state;
    s = handleLockRequest(s, { workflowId: 'c', enforceInterval: false, minIntervalMinutes: 0, leaseMs: HOUR }, T0).state;
    expect(setPaused(s, true, { by: 'x' }, T0).runs.sort()).toEqual(['a', 'b', 'c']);
  });

  it('does not let leases run out while paused', () => {
    let s = handleSlotRequest(initialState('/r'), request('a', { leaseMs: HOUR }), T0, random).state;
    s = setPaused(s, true, { by: 'x' }, T0 + 10 * MINUTE_MS).state;
    expect(pruneState(s, T0 + 5 * HOUR).active).toHaveLength(1);
    s = setPaused(s, false, { by: 'x' }, T0 + 5 * HOUR).state;
    // 50 minutes of the lease were left when paused; they are left after the resume.
    expect(pruneState(s, T0 + 5 * HOUR + 49 * MINUTE_MS).active).toHaveLength(1);
    expect(pruneState(s, T0 + 5 * HOUR + 51 * MINUTE_MS).active).toHaveLength(0);
  });
});

describe('the merge lock and the end report', () => {
  it('tells the waiters when the holder releases, and records the landing once', () => {
    let s = handleLockRequest(initialState('/r'), { workflowId: 'a', enforceInterval: false, minIntervalMinutes: 0, leaseMs: HOUR }, T0).state;
    const waiting = handleLockRequest(s, { workflowId: 'b', enforceInterval: false, minIntervalMinutes: 0, leaseMs: HOUR }, T0);
    expect(waiting.answer).toMatchObject({ granted: false, reason: expect.stringMatching(/a is integrating/) });
    const released = handleLockRelease(waiting.state, { workflowId: 'a', landed: { file: 'x.js', outcome: 'proposed' } }, T0 + 1000);
    expect(released.runs).toEqual(['b']);
    s = handleLockRelease(released.state, { workflowId: 'a', landed: { file: 'x.js', outcome: 'proposed' } }, T0 + 2000).state;
    expect(s.landings).toHaveLength(1);
    expect(handleLockRequest(s, { workflowId: 'b', enforceInterval: false, minIntervalMinutes: 0, leaseMs: HOUR }, T0 + 3000).answer.granted).toBe(true);
  });

  it('learns from every outcome, counts only landings toward budgets, and ignores a repeated report', () => {
    let s = handleSlotRequest(initialState('/r'), request('w1'), T0, random).state;
    const done = { workflowId: 'w1', outcome: 'rolled_back' as const, reason: 'tests failed', strategy: 'autofix' as const, file: 'src/a.js', family: null };
    s = handleSlotFinished(s, done, T0 + 1000).state;
    s = handleSlotFinished(s, done, T0 + 2000).state;
    expect(s.stats).toEqual({ 'no-var': { autofix: { successes: 0, failures: 1 } } });
    expect(s.active).toEqual([]);
    expect(s.landings).toEqual([]);
    expect(s.totals.rolled_back).toBe(1);
  });
});

describe('state across continue-as-new', () => {
  it('survives JSON (de)serialisation, dropping only what can no longer matter', () => {
    let s = landOne(initialState('/r'), 'old', T0);
    s = landOne(s, 'new', T0 + 20 * HOUR, 'src/b.js');
    s = setPaused(s, true, { by: 'bob' }, T0 + 20 * HOUR).state;
    const now = T0 + 30 * HOUR;
    const carried = normaliseState(JSON.parse(JSON.stringify(pruneState(s, now))), '/r');
    expect(carried.landings.map((l) => l.workflowId)).toEqual(['new']);
    expect(carried.stats).toEqual(s.stats);
    expect(carried.pause).toMatchObject({ paused: true, by: 'bob' });
    expect(carried.totals.applied).toBe(2);
    expect(governorView(carried, now)).toEqual(governorView(s, now));
  });

  it('reads an older or partial state with defaults instead of failing', () => {
    const s = normaliseState({ repoPath: '/r', stats: { x: { llm: { successes: 1, failures: 0 } } } }, '/r');
    expect(s).toMatchObject({ version: 1, landings: [], active: [], lock: null, pause: { paused: false }, stats: { x: { llm: { successes: 1, failures: 0 } } } });
    expect(normaliseState('garbage', '/r')).toEqual(initialState('/r'));
  });
});

describe('repository keys', () => {
  it('are stable, readable and unique per absolute path', () => {
    expect(repoKey('/home/me/my-app')).toBe(repoKey('/home/me/my-app/'));
    expect(repoKey('/home/me/my-app')).toMatch(/^my-app-[0-9a-f]{8}$/);
    expect(repoKey('/home/me/my-app')).not.toBe(repoKey('/srv/my-app'));
    expect(governorWorkflowId('/srv/my app')).toMatch(/^kaizen-governor-my_app-[0-9a-f]{8}$/);
  });
});
