import { describe, expect, it } from 'vitest';
import { compareTestRuns, parseCoverageFromOutput, parseCoverageSummary } from '../../../src/core/test-runs/gate.js';
import type { TestRun } from '../../../src/core/types.js';

function run(passedCount: number | undefined, linesPct?: number): TestRun {
  return {
    phase: 'verify',
    passed: true,
    skipped: false,
    command: ['npm', 'test'],
    exitCode: 0,
    timedOut: false,
    durationMs: 10,
    cached: false,
    outputTail: '',
    ...(passedCount !== undefined ? { passedCount, failedCount: 0 } : {}),
    ...(linesPct !== undefined ? { coverage: { linesPct, source: 'coverage/coverage-summary.json' } } : {}),
  };
}

describe('coverage reports', () => {
  it('reads total line coverage from an Istanbul json-summary', () => {
    expect(parseCoverageSummary(JSON.stringify({ total: { lines: { total: 40, covered: 30, skipped: 0, pct: 75 } } }))).toBe(75);
    expect(parseCoverageSummary('{"total":{}}')).toBeNull();
    expect(parseCoverageSummary('not json')).toBeNull();
  });

  it("reads the last 'all files' row of node --test's coverage report (spec and TAP)", () => {
    const spec = 'ℹ file      | line % | branch % | funcs %\nℹ all files |  62.50 |   100.00 |   50.00 |\n';
    const tap = '# all files | 80.00 | 100.00 | 66.67 |\n# all files | 85.71 | 100.00 | 75.00 |\n';
    expect(parseCoverageFromOutput(spec)).toBe(62.5);
    expect(parseCoverageFromOutput(tap)).toBe(85.71);
    expect(parseCoverageFromOutput('# pass 3')).toBeNull();
  });
});

describe('the llm-tests gate', () => {
  it('passes when more tests pass and coverage holds, and says what it compared', () => {
    expect(compareTestRuns(run(3, 70), run(5, 82.5))).toEqual({ ok: true, reason: '2 more passing tests (3 → 5); line coverage 70% → 82.5%' });
  });

  it('fails when the count does not go up', () => {
    const gate = compareTestRuns(run(3), run(3));
    expect(gate.ok).toBe(false);
    expect(gate.reason).toMatch(/did not go up \(3 before, 3 after\)/);
  });

  it('fails when coverage goes down', () => {
    expect(compareTestRuns(run(3, 80), run(4, 79.5))).toEqual({ ok: false, reason: 'line coverage went down from 80% to 79.5%' });
  });

  it('says so when the repository reports no coverage', () => {
    const gate = compareTestRuns(run(1), run(2));
    expect(gate.ok).toBe(true);
    expect(gate.reason).toMatch(/no coverage reported .*coverage was not compared/);
  });

  it('fails when the runner prints no count', () => {
    expect(compareTestRuns(run(undefined), run(4)).reason).toMatch(/cannot tell whether tests were added/);
  });
});
