import { describe, expect, it } from 'vitest';
import { describeFlaky, FLAKY_MEMORY_MS, MAX_FLAKY_TESTS, recordFlaky, UNNAMED_FLAKE } from '../../../src/core/governor/flaky.js';
import { governorView, handleSlotFinished, initialState, normaliseState } from '../../../src/core/governor/state.js';

const T0 = Date.parse('2025-03-01T00:00:00Z');
const finished = (workflowId: string, flaky?: { phase: 'baseline' | 'verify'; tests: string[] }[]) => ({
  workflowId,
  outcome: 'applied' as const,
  reason: 'landed',
  strategy: 'autofix' as const,
  file: 'src/a.js',
  family: 'no-var',
  gatesFailed: false,
  ...(flaky ? { flaky } : {}),
});

describe('flaky tests in the governor', () => {
  it('remembers each test that failed then passed, counts repeats, and shows them most recent first', () => {
    let state = handleSlotFinished(initialState('/r'), finished('w1', [{ phase: 'baseline', tests: ['cart > totals'] }]), T0).state;
    state = handleSlotFinished(state, finished('w2', [{ phase: 'verify', tests: ['cart > totals', 'api > retries'] }]), T0 + 1000).state;
    state = handleSlotFinished(state, finished('w3'), T0 + 2000).state;
    const view = governorView(state, T0 + 3000);
    expect(view.flaky.map((f) => [f.name, f.count, f.lastRun, f.phase])).toEqual([
      ['api > retries', 1, 'w2', 'verify'],
      ['cart > totals', 2, 'w2', 'verify'],
    ]);
    expect(view.flaky[1]?.firstAt).toBe(new Date(T0).toISOString());
    expect(describeFlaky(view.flaky)).toMatch(/^2 flaky tests: api > retries \(1×, last .*\), cart > totals \(2×/);
  });

  it('names the whole command when the runner named no test, and survives continue-as-new', () => {
    const state = handleSlotFinished(initialState('/r'), finished('w1', [{ phase: 'baseline', tests: [] }]), T0).state;
    const carried = normaliseState(JSON.parse(JSON.stringify(state)), '/r');
    expect(governorView(carried, T0).flaky.map((f) => f.name)).toEqual([UNNAMED_FLAKE]);
  });

  it('forgets a test not seen flaking for 30 days and keeps at most 50', () => {
    const state = handleSlotFinished(initialState('/r'), finished('w1', [{ phase: 'baseline', tests: ['old'] }]), T0).state;
    expect(governorView(state, T0 + FLAKY_MEMORY_MS + 1).flaky).toEqual([]);
    const many = recordFlaky([], 'w', [{ phase: 'verify', tests: Array.from({ length: 60 }, (_, i) => `t${i}`) }], T0);
    expect(many).toHaveLength(MAX_FLAKY_TESTS);
  });

  it('a report repeated for the same run counts once', () => {
    const once = handleSlotFinished(initialState('/r'), finished('w1', [{ phase: 'verify', tests: ['x'] }]), T0).state;
    const twice = handleSlotFinished(once, finished('w1', [{ phase: 'verify', tests: ['x'] }]), T0 + 5).state;
    expect(governorView(twice, T0 + 10).flaky.map((f) => f.count)).toEqual([1]);
  });
});
