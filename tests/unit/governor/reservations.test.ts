import { describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS, type BudgetLimits } from '../../../src/core/governor/budget.js';
import type { SlotRequest } from '../../../src/core/governor/protocol.js';
import { reservedByOthers, reserveFile } from '../../../src/core/governor/reservations.js';
import { handleReserve, handleSlotFinished, handleSlotRequest, initialState, normaliseState, pruneState, setPaused } from '../../../src/core/governor/state.js';
import { seededRandom } from '../../../src/core/governor/learner.js';

const T0 = Date.parse('2025-03-01T00:00:00Z');
const LIMITS: BudgetLimits = { maxPerDay: 50, maxPerFilePerDay: 2, minIntervalMinutes: 0, maxConcurrent: 10 };
const random = seededRandom(1);

function request(workflowId: string, overrides: Partial<SlotRequest> = {}): SlotRequest {
  return { workflowId, requestedBy: workflowId, file: null, family: 'no-var', fixable: true, strategies: ['autofix'], strategy: 'autofix', limits: LIMITS, enforceBudget: false, leaseMs: 30 * MINUTE_MS, ...overrides };
}

/** Runs w1..wN checked in at T0, none holding a file yet. */
function checkedIn(n: number) {
  let state = initialState('/r');
  for (let i = 1; i <= n; i++) state = handleSlotRequest(state, request(`w${i}`), T0, random).state;
  return state;
}

describe('reserving files for concurrent runs', () => {
  it('gives N runs that all chose the same target N different files, in candidate order', () => {
    let state = checkedIn(4);
    const candidates = ['a.js', 'b.js', 'c.js', 'd.js'];
    const files: (string | null)[] = [];
    for (let i = 1; i <= 4; i++) {
      const r = handleReserve(state, { workflowId: `w${i}`, candidates }, T0 + i);
      state = r.state;
      files.push(r.answer.file);
    }
    expect(files).toEqual(['a.js', 'b.js', 'c.js', 'd.js']);
    expect(handleReserve(state, { workflowId: 'w5', candidates }, T0).answer).toEqual({ file: null, reason: expect.stringMatching(/all 4 candidates are being improved by other runs: a\.js \(w1\)/) });
  });

  it('keeps the file a run holds when it asks again (a retried activity)', () => {
    let state = handleReserve(checkedIn(2), { workflowId: 'w1', candidates: ['a.js', 'b.js'] }, T0).state;
    state = handleReserve(state, { workflowId: 'w2', candidates: ['b.js'] }, T0).state;
    const again = handleReserve(state, { workflowId: 'w1', candidates: ['a.js', 'b.js'] }, T0 + 1000);
    expect(again.answer.file).toBe('a.js');
    expect(reservedByOthers(again.state.active, 'w3')).toEqual([
      { file: 'a.js', workflowId: 'w1' },
      { file: 'b.js', workflowId: 'w2' },
    ]);
  });

  it('tells a run at check-in which files others hold; a cycle slot holds its file from grant time', () => {
    let state = handleSlotRequest(initialState('/r'), request('cycle-child', { file: 'a.js' }), T0, random).state;
    const answer = handleSlotRequest(state, request('manual'), T0, random).answer;
    expect(answer).toMatchObject({ granted: true, reserved: ['a.js'] });
    state = handleSlotRequest(state, request('manual'), T0, random).state;
    expect(handleReserve(state, { workflowId: 'manual', candidates: ['a.js', 'b.js'] }, T0).answer).toEqual({ file: 'b.js', reason: 'reserved b.js: a.js is being improved by other runs' });
  });

  it('frees a file when its run ends, and when its lease runs out (a terminated run)', () => {
    let state = handleReserve(checkedIn(2), { workflowId: 'w1', candidates: ['a.js'] }, T0).state;
    const ended = handleSlotFinished(state, { workflowId: 'w1', outcome: 'applied', reason: 'landed', strategy: 'autofix', file: 'a.js', family: 'no-var', gatesFailed: false }, T0 + 1).state;
    expect(handleReserve(ended, { workflowId: 'w2', candidates: ['a.js'] }, T0 + 2).answer.file).toBe('a.js');
    // w1 is terminated and never reports: its lease (30 min) frees the file.
    expect(handleReserve(state, { workflowId: 'w2', candidates: ['a.js'] }, T0 + 10 * MINUTE_MS).answer.file).toBeNull();
    state = handleReserve(state, { workflowId: 'w2', candidates: ['a.js'] }, T0 + 31 * MINUTE_MS).state;
    expect(state.active).toEqual([]);
  });

  it('survives continue-as-new (the pruned, handed-on state) and holds while the repository is paused', () => {
    const state = handleReserve(checkedIn(1), { workflowId: 'w1', candidates: ['a.js'] }, T0).state;
    const handedOn = normaliseState(JSON.parse(JSON.stringify(pruneState(state, T0 + MINUTE_MS))), '/r');
    expect(reservedByOthers(handedOn.active, 'w2')).toEqual([{ file: 'a.js', workflowId: 'w1' }]);
    const paused = setPaused(handedOn, true, { by: 'alice' }, T0 + MINUTE_MS).state;
    expect(reservedByOthers(pruneState(paused, T0 + DAY_MS).active, 'w2')).toEqual([{ file: 'a.js', workflowId: 'w1' }]);
  });

  it('answers a run without a slot with a free file, recording nothing', () => {
    const answer = reserveFile([], { workflowId: 'ghost', candidates: ['a.js'] });
    expect(answer).toEqual({ active: [], answer: { file: 'a.js', reason: 'reserved a.js (this run holds no slot, so nothing is recorded)' } });
  });
});

describe('what the learner counts', () => {
  const finished = (outcome: 'rolled_back' | 'skipped' | 'failed' | 'applied', gatesFailed: boolean) =>
    handleSlotFinished(checkedIn(1), { workflowId: 'w1', outcome, reason: 'r', strategy: 'autofix', file: 'a.js', family: 'no-var', gatesFailed }, T0).state.stats;

  it('counts only a change that failed its gates against the strategy', () => {
    expect(finished('skipped', false)).toEqual({});
    expect(finished('rolled_back', false)).toEqual({});
    expect(finished('failed', false)).toEqual({});
    expect(finished('rolled_back', true)).toEqual({ 'no-var': { autofix: { successes: 0, failures: 1 } } });
    expect(finished('applied', false)).toEqual({ 'no-var': { autofix: { successes: 1, failures: 0 } } });
  });
});
