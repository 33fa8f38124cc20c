// The measurements of one fixture: pairs of identically prepared copies, one driven by
// Kaizen and one by the plain script, improvement by improvement, alternating which side
// goes first, plus a warm-up pair that is not counted.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mustRun } from './child.js';
import { copyFixture, type Fixture } from './fixtures/build.js';
import { entryRuns, improve, type ImprovementJson } from './kaizen.js';
import { plainImprovement } from './plain.js';
import { readProbe, totalsSince, union, type ProbeTotals } from './probe.js';

export interface KaizenSample {
  pair: number;
  index: number;
  /** The file the plain script fixes at this step; Kaizen should pick the same. */
  expectedFile: string;
  file: string | null;
  outcome: string;
  reason: string;
  wallMs: number;
  probe: ProbeTotals;
  /** Test runs Kaizen reports: real runs and cache hits, and the real runs' duration. */
  testRunsReported: number;
  testRunsCached: number;
  testMsReported: number;
  /** Summed per step name, from the result's `steps`. */
  steps: Record<string, number>;
  /** The time some step was running (steps that run side by side count once). */
  stepsWallMs: number;
  /** Spawn of `kaizen improve` → the workflow's startedAt, and finishedAt → exit. */
  clientStartMs: number | null;
  clientEndMs: number | null;
  /** The workflow's startedAt → finishedAt; the part outside its steps is orchestration. */
  workflowMs: number | null;
  /** The command's error output when it printed no result. */
  error?: string;
  /**
   * What the `kaizen` command ran for this improvement: the compiled CLI, or the sources through
   * tsx (the bin falls back to them when a source is newer than the build, e.g. one edited
   * during the run). Absent in reports written before it was recorded.
   */
  ran?: 'compiled' | 'sources';
}

export interface PlainSample {
  pair: number;
  index: number;
  file: string;
  ok: boolean;
  wallMs: number;
  probe: ProbeTotals;
  steps: Record<string, number>;
  error?: string;
}

export interface PairResult {
  pair: number;
  kaizen: KaizenSample[];
  plain: PlainSample[];
  /** Both copies' target branch ends with the same tree: the same work was done. */
  sameTree: boolean;
  /** `applied` lines in the Kaizen copy's .kaizen/ledger.jsonl. */
  ledgerApplied: number;
}

export interface RepoRunOptions {
  entry: string;
  address: string;
  pairs: number;
  improvements: number;
  workDir: string;
  log(line: string): void;
}

export async function runRepo(fixture: Fixture, options: RepoRunOptions): Promise<PairResult[]> {
  const { spec } = fixture;
  if (options.improvements > fixture.ranking.length - 1) {
    throw new Error(`${spec.name} has ${fixture.ranking.length} fixable files; --improvements must be at most ${fixture.ranking.length - 1}.`);
  }
  options.log(`${spec.name}: warm-up pair (not counted)`);
  const warmup = await runPair(fixture, options, -1, 1);
  const landed = warmup.kaizen[0]?.outcome === 'applied';
  options.log(`  warm-up: Kaizen ${seconds(warmup.kaizen[0]?.wallMs)} (${warmup.kaizen[0]?.outcome}), plain ${seconds(warmup.plain[0]?.wallMs)}`);
  if (!landed) throw new Error(`The warm-up improvement of ${spec.name} did not land: ${warmup.kaizen[0]?.reason ?? warmup.kaizen[0]?.error ?? 'no result'}`);

  const results: PairResult[] = [];
  for (let pair = 0; pair < options.pairs; pair++) {
    const result = await runPair(fixture, options, pair, options.improvements);
    const k = result.kaizen.map((s) => `${seconds(s.wallMs)}${s.outcome === 'applied' ? '' : ` ${s.outcome}`}`).join(' ');
    const p = result.plain.map((s) => `${seconds(s.wallMs)}${s.ok ? '' : ' failed'}`).join(' ');
    options.log(`  pair ${pair + 1}/${options.pairs}: Kaizen ${k} | plain ${p}${result.sameTree ? '' : ' | trees differ'}`);
    results.push(result);
  }
  return results;
}

async function runPair(fixture: Fixture, options: RepoRunOptions, pair: number, improvements: number): Promise<PairResult> {
  const name = pair < 0 ? 'warmup' : `pair-${pair + 1}`;
  const kaizenRepo = await copyFixture(fixture, join(options.workDir, fixture.spec.name, name, 'kaizen'));
  const plainRepo = await copyFixture(fixture, join(options.workDir, fixture.spec.name, name, 'plain'));
  const result: PairResult = { pair, kaizen: [], plain: [], sameTree: false, ledgerApplied: 0 };
  for (let index = 0; index < improvements; index++) {
    const expectedFile = fixture.ranking[index]?.file ?? '';
    const kaizenFirst = (Math.max(pair, 0) + index) % 2 === 0;
    const runKaizen = async () => result.kaizen.push(await kaizenSample(kaizenRepo, options, pair, index, expectedFile));
    const runPlain = async () => result.plain.push(await plainSample(plainRepo, pair, index, expectedFile));
    if (kaizenFirst) {
      await runKaizen();
      await runPlain();
    } else {
      await runPlain();
      await runKaizen();
    }
  }
  const tree = async (repo: string) => (await mustRun(['git', 'rev-parse', 'HEAD^{tree}'], { cwd: repo })).stdout.trim();
  result.sameTree = (await tree(kaizenRepo)) === (await tree(plainRepo));
  result.ledgerApplied = await ledgerApplied(kaizenRepo);
  return result;
}

async function kaizenSample(repo: string, options: RepoRunOptions, pair: number, index: number, expectedFile: string): Promise<KaizenSample> {
  const from = (await readProbe(repo)).length;
  const ran = entryRuns(options.entry).compiled ? 'compiled' : 'sources';
  const { child, result } = await improve(options.entry, options.address, repo);
  const probe = totalsSince(await readProbe(repo), from);
  const tests = [result?.testsBefore, result?.testsAfter].filter((run) => run !== undefined && !run.skipped);
  const real = tests.filter((run) => run?.cached === false);
  return {
    pair,
    index,
    expectedFile,
    file: result?.file ?? null,
    outcome: result?.outcome ?? 'no result',
    reason: result?.reason ?? '',
    wallMs: child.wallMs,
    probe,
    testRunsReported: real.length,
    testRunsCached: tests.length - real.length,
    testMsReported: real.reduce((total, run) => total + (run?.durationMs ?? 0), 0),
    steps: stepsOf(result),
    stepsWallMs: stepsWall(result),
    clientStartMs: result ? Date.parse(result.startedAt) - child.spawnedAt : null,
    clientEndMs: result ? child.exitedAt - Date.parse(result.finishedAt) : null,
    workflowMs: result ? Date.parse(result.finishedAt) - Date.parse(result.startedAt) : null,
    ...(result ? {} : { error: `exit ${child.exitCode}: ${child.stderr.slice(-1500)}` }),
    ran,
  };
}

async function plainSample(repo: string, pair: number, index: number, file: string): Promise<PlainSample> {
  const from = (await readProbe(repo)).length;
  const id = `${pair < 0 ? 'w' : pair + 1}-${index + 1}`;
  const { child, steps } = await plainImprovement(repo, file, id);
  const probe = totalsSince(await readProbe(repo), from);
  return {
    pair,
    index,
    file,
    ok: child.exitCode === 0,
    wallMs: child.wallMs,
    probe,
    steps,
    ...(child.exitCode === 0 ? {} : { error: `exit ${child.exitCode}: ${child.stderr.slice(-1500)}` }),
  };
}

async function ledgerApplied(repo: string): Promise<number> {
  const text = await readFile(join(repo, '.kaizen', 'ledger.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { kind?: string; outcome?: string })
    .filter((entry) => (entry.kind ?? 'improvement') === 'improvement' && entry.outcome === 'applied').length;
}

function stepsOf(result: ImprovementJson | null): Record<string, number> {
  const steps: Record<string, number> = {};
  for (const step of result?.steps ?? []) steps[step.step] = (steps[step.step] ?? 0) + step.durationMs;
  return steps;
}

/** The time some step of the run was running: steps side by side count once. */
export function stepsWall(result: Pick<ImprovementJson, 'steps'> | null): number {
  const intervals = (result?.steps ?? []).map((step): [number, number] => [Date.parse(step.startedAt), Date.parse(step.startedAt) + step.durationMs]);
  return union(intervals).reduce((total, [start, end]) => total + end - start, 0);
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '?' : `${(ms / 1000).toFixed(1)}s`;
}
