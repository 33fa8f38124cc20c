// The figures printed per repository, computed from the samples alone (pure).
import type { KaizenSample, PairResult, PlainSample } from './run-repo.js';

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export interface RepoSummary {
  /** Per pair: Kaizen's wall over the plain script's, summed over the pair's improvements. */
  ratio: Spread;
  /** Per improvement: the first of a fresh copy (a cold test cache), and the later ones. */
  ratioFirst: Spread | null;
  ratioLater: Spread | null;
  kaizenWallMs: Spread;
  plainWallMs: Spread;
  attempted: number;
  landed: number;
  /** Full suite runs in Kaizen's worktrees (probe) per landed change. */
  testRunsPerLanded: number | null;
  testRunsProbe: number;
  /** What Kaizen's results say: real runs and cache hits. */
  testRunsReported: number;
  testRunsCached: number;
  /** ESLint processes per Kaizen improvement (probe). */
  lintPasses: Spread;
  lintMs: Spread;
  testMs: Spread;
  /** wall − tests (Kaizen's reported durations) − lint (probe), adding back any overlap. */
  overheadMs: Spread;
  clientStartMs: Spread | null;
  clientEndMs: Spread | null;
  /** The overhead's parts: workflow time outside its steps, and step time outside tests and lint. */
  orchestrationMs: Spread | null;
  inStepOverheadMs: Spread;
  /** One full suite run (probe), in Kaizen's worktrees and in the plain script's. */
  suiteRunMs: { kaizen: Spread; plain: Spread };
  /** Median per step name over improvements. */
  kaizenSteps: Record<string, number>;
  plainSteps: Record<string, number>;
  /** The plain script's time outside its lint and test steps. */
  plainOverheadMs: Spread;
  targetsMatched: number;
  sameTrees: number;
  ledgerApplied: number;
  problems: string[];
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const middle = Math.floor(n / 2);
  const median = n % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? Number.NaN, max: sorted[n - 1] ?? Number.NaN, n };
}

function spreadOrNull(values: readonly (number | null)[]): Spread | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : spread(present);
}

export function overheadOf(sample: KaizenSample): number {
  return sample.wallMs - sample.testMsReported - sample.probe.lintMs + sample.probe.lintTestOverlapMs;
}

export function summarise(pairs: readonly PairResult[]): RepoSummary {
  const kaizen = pairs.flatMap((pair) => pair.kaizen);
  const plain = pairs.flatMap((pair) => pair.plain);
  const sumWall = (samples: readonly { wallMs: number }[]) => samples.reduce((total, s) => total + s.wallMs, 0);
  const perImprovement = (first: boolean) =>
    pairs.flatMap((pair) =>
      pair.kaizen
        .filter((k) => (k.index === 0) === first)
        .map((k) => {
          const p = pair.plain.find((s) => s.index === k.index);
          return p ? k.wallMs / p.wallMs : null;
        }),
    );
  const landed = kaizen.filter((s) => s.outcome === 'applied').length;
  const testRunsProbe = kaizen.reduce((total, s) => total + s.probe.testRuns, 0);
  return {
    ratio: spread(pairs.map((pair) => sumWall(pair.kaizen) / sumWall(pair.plain))),
    ratioFirst: spreadOrNull(perImprovement(true)),
    ratioLater: spreadOrNull(perImprovement(false)),
    kaizenWallMs: spread(kaizen.map((s) => s.wallMs)),
    plainWallMs: spread(plain.map((s) => s.wallMs)),
    attempted: kaizen.length,
    landed,
    testRunsPerLanded: landed === 0 ? null : testRunsProbe / landed,
    testRunsProbe,
    testRunsReported: kaizen.reduce((total, s) => total + s.testRunsReported, 0),
    testRunsCached: kaizen.reduce((total, s) => total + s.testRunsCached, 0),
    lintPasses: spread(kaizen.map((s) => s.probe.lintPasses)),
    lintMs: spread(kaizen.map((s) => s.probe.lintMs)),
    testMs: spread(kaizen.map((s) => s.testMsReported)),
    overheadMs: spread(kaizen.map(overheadOf)),
    clientStartMs: spreadOrNull(kaizen.map((s) => s.clientStartMs)),
    clientEndMs: spreadOrNull(kaizen.map((s) => s.clientEndMs)),
    orchestrationMs: spreadOrNull(kaizen.map((s) => (s.workflowMs === null ? null : s.workflowMs - s.stepsWallMs))),
    inStepOverheadMs: spread(kaizen.map((s) => s.stepsWallMs - s.testMsReported - s.probe.lintMs + s.probe.lintTestOverlapMs)),
    suiteRunMs: { kaizen: perRun(kaizen), plain: perRun(plain) },
    kaizenSteps: medianSteps(kaizen.map((s) => s.steps)),
    plainSteps: medianSteps(plain.map((s) => s.steps)),
    plainOverheadMs: spread(plain.map((s) => s.wallMs - (s.steps.lint ?? 0) - (s.steps.test ?? 0))),
    targetsMatched: kaizen.filter((s) => s.file === s.expectedFile).length,
    sameTrees: pairs.filter((pair) => pair.sameTree).length,
    ledgerApplied: pairs.reduce((total, pair) => total + pair.ledgerApplied, 0),
    problems: problemsOf(kaizen, plain),
  };
}

function perRun(samples: readonly { probe: { testRuns: number; testMs: number } }[]): Spread {
  return spread(samples.filter((s) => s.probe.testRuns > 0).map((s) => s.probe.testMs / s.probe.testRuns));
}

function medianSteps(samples: readonly Record<string, number>[]): Record<string, number> {
  const names = [...new Set(samples.flatMap((steps) => Object.keys(steps)))];
  return Object.fromEntries(names.map((name) => [name, spread(samples.map((steps) => steps[name] ?? 0)).median]));
}

function problemsOf(kaizen: readonly KaizenSample[], plain: readonly PlainSample[]): string[] {
  return [
    ...kaizen
      .filter((s) => s.outcome !== 'applied')
      .map((s) => `Kaizen pair ${s.pair + 1} #${s.index + 1}: ${s.outcome}: ${s.error ?? s.reason}`),
    ...kaizen
      .filter((s) => s.outcome === 'applied' && s.file !== s.expectedFile)
      .map((s) => `Kaizen pair ${s.pair + 1} #${s.index + 1} fixed ${s.file}, the plain script ${s.expectedFile}`),
    ...plain.filter((s) => !s.ok).map((s) => `plain pair ${s.pair + 1} #${s.index + 1}: ${s.error ?? 'failed'}`),
    ...mixedBuilds(kaizen),
  ];
}

/** Some improvements ran the compiled CLI and others the sources: the build went stale during the run. */
function mixedBuilds(kaizen: readonly KaizenSample[]): string[] {
  const fromSources = kaizen.filter((s) => s.ran === 'sources');
  if (fromSources.length === 0 || !kaizen.some((s) => s.ran === 'compiled')) return [];
  const first = fromSources[0] as KaizenSample;
  return [
    `${fromSources.length} of ${kaizen.length} Kaizen improvements ran the sources through tsx, from pair ${first.pair + 1} #${first.index + 1} on: the build went stale during the run (a source edited?), so their client start is not the compiled CLI's; run again without editing Kaizen`,
  ];
}
