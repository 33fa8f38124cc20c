// The benchmark's arithmetic (scripts/bench): what a reader of `npm run bench` takes at face
// value. No timing is measured or asserted here.
import { describe, expect, it } from 'vitest';
import { stepsFromMarks } from '../../scripts/bench/plain.js';
import { totalsSince, type ProbeLine } from '../../scripts/bench/probe.js';
import { stepsWall, type KaizenSample, type PairResult, type PlainSample } from '../../scripts/bench/run-repo.js';
import { overheadOf, spread, summarise } from '../../scripts/bench/summary.js';

const lint = (startedAt: number, durationMs: number): ProbeLine => ({ kind: 'lint', startedAt, durationMs, cwd: '/r', exitCode: 0 });
const test = (startedAt: number, durationMs: number): ProbeLine => ({ kind: 'test', startedAt, durationMs, cwd: '/r', exitCode: 0 });

describe('probe totals', () => {
  it('counts only the lines a run added, and lint running beside the tests once', () => {
    const lines = [lint(0, 500), lint(1000, 300), test(1200, 1000), lint(1900, 400), lint(2000, 200)];
    expect(totalsSince(lines, 1)).toEqual({
      lintPasses: 3,
      // 1000–1300 and 1900–2300 (the 2000–2200 process runs inside the latter)
      lintMs: 700,
      testRuns: 1,
      testMs: 1000,
      // 1200–1300 and 1900–2200
      lintTestOverlapMs: 400,
    });
  });
});

describe('plain script marks', () => {
  it('turns step boundaries into per-step milliseconds', () => {
    const stdout = 'worktree 100.000\nlint 100.050\ntest 100.650\ncommit 102.150\ndone 102.200\n';
    const steps = stepsFromMarks(stdout);
    expect(Object.keys(steps)).toEqual(['worktree', 'lint', 'test', 'commit']);
    expect(steps.test).toBeCloseTo(1500, 6);
    expect(steps.commit).toBeCloseTo(50, 6);
  });
});

function kaizen(pair: number, index: number, over: Partial<KaizenSample> = {}): KaizenSample {
  return {
    pair,
    index,
    expectedFile: `src/f${index}.js`,
    file: `src/f${index}.js`,
    outcome: 'applied',
    reason: '',
    wallMs: 10_000,
    probe: { lintPasses: 3, lintMs: 2_000, testRuns: 1, testMs: 3_000, lintTestOverlapMs: 0 },
    testRunsReported: 1,
    testRunsCached: 1,
    testMsReported: 3_500,
    steps: { analyse: 1_000, test: 0, verify: 4_000 },
    stepsWallMs: 5_000,
    clientStartMs: 1_200,
    clientEndMs: 100,
    workflowMs: 8_000,
    ...over,
  };
}

function plain(pair: number, index: number, wallMs: number): PlainSample {
  return { pair, index, file: `src/f${index}.js`, ok: true, wallMs, probe: { lintPasses: 1, lintMs: 500, testRuns: 1, testMs: 3_000, lintTestOverlapMs: 0 }, steps: { lint: 500, test: 3_200 } };
}

describe('summarise', () => {
  const pairs: PairResult[] = [
    {
      pair: 0,
      kaizen: [kaizen(0, 0, { wallMs: 16_000, probe: { lintPasses: 3, lintMs: 2_000, testRuns: 2, testMs: 6_000, lintTestOverlapMs: 0 }, testRunsReported: 2, testRunsCached: 0 }), kaizen(0, 1)],
      plain: [plain(0, 0, 4_000), plain(0, 1, 4_000)],
      sameTree: true,
      ledgerApplied: 2,
    },
    {
      pair: 1,
      kaizen: [kaizen(1, 0, { outcome: 'rolled_back', reason: 'tests failed after the change' }), kaizen(1, 1, { file: 'src/other.js' })],
      plain: [plain(1, 0, 5_000), plain(1, 1, 5_000)],
      sameTree: false,
      ledgerApplied: 1,
    },
  ];
  const summary = summarise(pairs);

  it('divides each pair’s Kaizen time by its plain time, then takes the median over pairs', () => {
    // pair 1: 26 s / 8 s = 3.25; pair 2: 20 s / 10 s = 2
    expect(summary.ratio).toEqual({ median: 2.625, min: 2, max: 3.25, n: 2 });
    expect(summary.ratioFirst?.max).toBe(4);
  });

  it('counts suite runs per landed change, not per attempt', () => {
    expect(summary.landed).toBe(3);
    expect(summary.testRunsProbe).toBe(5);
    expect(summary.testRunsPerLanded).toBeCloseTo(5 / 3, 9);
  });

  it('takes overhead as wall minus tests minus lint', () => {
    expect(summary.overheadMs.median).toBe(10_000 - 3_500 - 2_000);
  });

  it('does not subtract twice the time lint ran beside the tests', () => {
    const parallel = kaizen(0, 0, { probe: { lintPasses: 1, lintMs: 2_000, testRuns: 1, testMs: 3_000, lintTestOverlapMs: 1_500 } });
    expect(overheadOf(parallel)).toBe(10_000 - 3_500 - 2_000 + 1_500);
  });

  it('names runs that did not land or fixed another file than the plain script', () => {
    expect(summary.problems).toEqual([
      'Kaizen pair 2 #1: rolled_back: tests failed after the change',
      'Kaizen pair 2 #2 fixed src/other.js, the plain script src/f1.js',
    ]);
    expect(summary.targetsMatched).toBe(3);
    expect(summary.sameTrees).toBe(1);
  });

  it('names a build that went stale during the run: some improvements compiled, the later ones through tsx', () => {
    const drifted = pairs.map((pair) => ({ ...pair, kaizen: pair.kaizen.map((sample) => ({ ...sample, ran: sample.pair === 0 && sample.index === 0 ? ('compiled' as const) : ('sources' as const) })) }));
    expect(summarise(drifted).problems).toContain(
      '3 of 4 Kaizen improvements ran the sources through tsx, from pair 1 #2 on: the build went stale during the run (a source edited?), so their client start is not the compiled CLI\'s; run again without editing Kaizen',
    );
    // A run that chose the sources from the start (an entry through tsx) drifted from nothing.
    const allSources = pairs.map((pair) => ({ ...pair, kaizen: pair.kaizen.map((sample) => ({ ...sample, ran: 'sources' as const })) }));
    expect(summarise(allSources).problems).toEqual(summary.problems);
  });

  it('medians an even count as the mean of the middle two', () => {
    expect(spread([4, 1, 3, 2]).median).toBe(2.5);
  });
});

describe('stepsWall', () => {
  it('counts steps the saga runs side by side once, and the gaps between steps not at all', () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 11, 3, 12, 0, 0, ms)).toISOString();
    const steps = [
      { step: 'analyse', startedAt: at(0), durationMs: 1_000 },
      // The test cache lookup beside the analysis, the findings gate beside the verify tests.
      { step: 'test', startedAt: at(100), durationMs: 200 },
      { step: 'verify', startedAt: at(1_500), durationMs: 3_000 },
      { step: 'verify', startedAt: at(1_600), durationMs: 300 },
      { step: 'notify', startedAt: at(5_000), durationMs: 100 },
    ];
    expect(stepsWall({ steps })).toBe(1_000 + 3_000 + 100);
    expect(stepsWall(null)).toBe(0);
  });
});
