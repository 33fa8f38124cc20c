// What `npm run bench` prints, and the JSON it writes: the same figures, plus every sample.
import type { FixtureSpec } from './fixtures/specs.js';
import type { PairResult } from './run-repo.js';
import type { RepoSummary, Spread } from './summary.js';

export interface MachineLoad {
  at: string;
  /** os.loadavg(): 1, 5 and 15 minutes. */
  loadavg: number[];
}

export interface RepoReport {
  name: string;
  description: string;
  language: FixtureSpec['language'];
  sourceFiles: number;
  ratioTarget?: number;
  /** One warm `npm test` of the fixture, before the pairs. */
  suiteMs: number;
  pairs: number;
  improvementsPerPair: number;
  loadBefore: MachineLoad;
  loadAfter: MachineLoad;
  summary: RepoSummary;
  samples: PairResult[];
}

export interface BenchReport {
  version: 1;
  command: string;
  startedAt: string;
  finishedAt: string;
  machine: { cores: number; cpu: string; platform: string; node: string; loadStart: MachineLoad; loadEnd: MachineLoad };
  kaizen: { entry: string; commit: string; devStartMs: number; compiled: boolean; runs: string };
  coldStart: { help: Spread; helpSamplesMs: number[]; nodeFloor: Spread };
  repos: RepoReport[];
  method: Record<string, string>;
}

export const METHOD: Record<string, string> = {
  wall: 'spawn to exit of one child process: `kaizen improve REPO --mode merge --strategy autofix --wait --json` against a warm `kaizen dev`, or plain-improvement.sh',
  ratio: 'per pair, the sum of Kaizen walls over the sum of plain walls across its improvements; median and range over pairs',
  testRuns: 'probe: the fixture test script appends a line per full suite run, from any worktree (node_modules is linked); runs in Kaizen worktrees over applied outcomes',
  testMs: "Kaizen's own figure: durationMs of testsBefore/testsAfter that were not cache hits",
  lintPasses: "probe: the fixture's node_modules/eslint is a shim whose bin (an eslint command) and API (Kaizen's ESLint sessions) each append a line per process that runs them, then hand over to the real ESLint (Kaizen uses the repository's ESLint)",
  lintMs: 'probe: wall time during which an ESLint process ran (process start to exit)',
  overhead: "wall - test time (Kaizen's durations) - lint time (probe), adding back any time lint and tests overlapped",
  orchestration: "the workflow's finishedAt - startedAt minus the time some step ran: time between steps (workflow tasks, governor updates, waits)",
  inSteps: 'the time some step ran (steps side by side count once) minus test and lint time: git, linking, file I/O, activity scheduling inside the steps',
  suiteRun: 'probe: the suite itself per run (without npm around it), in Kaizen\'s worktrees and in the plain script\'s, to see whether Kaizen slows the tests it runs',
  steps: "Kaizen: the result's `steps`, summed per step name; plain: the script's own marks",
  clientStartEnd: "spawn of `kaizen improve` to the workflow's startedAt, and its finishedAt to the process exit (same clock, same machine)",
  checks: "Kaizen's target vs the plain script's (the ranking Kaizen uses: most fixable findings, then most findings, then path); both copies' final trees; `applied` lines of .kaizen/ledger.jsonl",
  coldStart: '`node <entry> --help` from Kaizen\'s folder, spawn to exit, median of N; `node -e 0` as the floor',
};

const s = (ms: number, digits = 1) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(digits)} s` : '–');
const x = (ratio: number) => (Number.isFinite(ratio) ? ratio.toFixed(2) : '–');
const load = (l: MachineLoad) => l.loadavg.map((v) => v.toFixed(2)).join(' ');

export function formatHeader(report: Pick<BenchReport, 'startedAt' | 'machine' | 'command'> & { entry: string; commit: string; runs: string }): string {
  const m = report.machine;
  return [
    `Kaizen bench, ${report.startedAt}: ${report.command}`,
    `machine: ${m.cores} cores (${m.cpu}), ${m.platform}, node ${m.node}; load at start ${load(m.loadStart)} (1, 5, 15 min)`,
    `kaizen: node ${report.entry}, running ${report.runs} (code as of commit ${report.commit})`,
  ].join('\n');
}

export function formatColdStart(cold: BenchReport['coldStart']): string {
  const h = cold.help;
  return `kaizen --help cold start: ${Math.round(h.median)} ms median (${Math.round(h.min)}–${Math.round(h.max)}, ${h.n} runs); node -e 0: ${Math.round(cold.nodeFloor.median)} ms`;
}

export function formatRepo(repo: RepoReport): string {
  const r = repo.summary;
  const steps = (table: Record<string, number>) =>
    Object.entries(table)
      .map(([name, ms]) => `${name} ${s(ms, 2)}`)
      .join(', ');
  const later = r.ratioLater ? `, later ${x(r.ratioLater.median)}` : '';
  const client = r.clientStartMs && r.clientEndMs ? `${s(r.clientStartMs.median, 2)} / ${s(r.clientEndMs.median, 2)}` : '–';
  const lines = [
    `${repo.name}: ${repo.description}; suite ${s(repo.suiteMs)} warm; ${repo.pairs} pairs × ${repo.improvementsPerPair} improvements; load ${load(repo.loadBefore)} → ${load(repo.loadAfter)}`,
    row('Kaizen ÷ plain', `${x(r.ratio.median)} median, ${x(r.ratio.min)}–${x(r.ratio.max)} over pairs; per improvement: first ${x(r.ratioFirst?.median ?? Number.NaN)}${later}`),
    row('wall per improvement', `Kaizen ${s(r.kaizenWallMs.median)} (${s(r.kaizenWallMs.min)}–${s(r.kaizenWallMs.max)}), plain ${s(r.plainWallMs.median)} (${s(r.plainWallMs.min)}–${s(r.plainWallMs.max)})`),
    row('test runs / landed', `${r.testRunsPerLanded === null ? '–' : r.testRunsPerLanded.toFixed(2)} (${r.testRunsProbe} suite runs, ${r.landed} of ${r.attempted} landed; Kaizen reports ${r.testRunsReported} runs, ${r.testRunsCached} cache hits)`),
    row('lint passes / improvement', `${r.lintPasses.median} median (${r.lintPasses.min}–${r.lintPasses.max}); lint ${s(r.lintMs.median, 2)}, tests ${s(r.testMs.median, 2)} per improvement`),
    row('Kaizen overhead', `${s(r.overheadMs.median, 2)} median (${s(r.overheadMs.min, 2)}–${s(r.overheadMs.max, 2)}) = wall − tests − lint`),
    row('  of which', `client start / end ${client}; between steps ${s(r.orchestrationMs?.median ?? Number.NaN, 2)}; in steps outside tests and lint ${s(r.inStepOverheadMs.median, 2)}`),
    row('one suite run', `${s(r.suiteRunMs.kaizen.median, 2)} in Kaizen's worktrees, ${s(r.suiteRunMs.plain.median, 2)} in the plain script's (probe)`),
    row('Kaizen steps (median)', steps(r.kaizenSteps)),
    row('plain steps (median)', `${steps(r.plainSteps)}; outside lint and tests ${s(r.plainOverheadMs.median, 2)}`),
    row('checks', `${r.targetsMatched}/${r.attempted} same target as the plain script; ${r.sameTrees}/${repo.pairs} pairs end on the same tree; ledger: ${r.ledgerApplied} applied`),
  ];
  for (const problem of r.problems.slice(0, 10)) lines.push(`  ! ${problem.split('\n')[0]}`);
  return lines.join('\n');
}

function row(label: string, value: string): string {
  return `  ${label.padEnd(26)} ${value}`;
}

/** The "done when", as a reading aid: the benchmark asserts nothing. */
export function formatTargets(report: BenchReport): string {
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const lines = ['Against the targets (informational):'];
  for (const repo of report.repos) {
    const r = repo.summary;
    const limit = repo.ratioTarget;
    if (limit !== undefined) lines.push(`  ${repo.name}: Kaizen ÷ plain ${x(r.ratio.median)} ≤ ${limit}: ${mark(r.ratio.median <= limit)}`);
    lines.push(`  ${repo.name}: overhead ${s(r.overheadMs.median, 2)} ≤ 1.5 s: ${mark(r.overheadMs.median <= 1500)}`);
    if (r.testRunsPerLanded !== null && r.landed >= 5) {
      lines.push(`  ${repo.name}: test runs per landed change ${r.testRunsPerLanded.toFixed(2)} ≤ 1.05: ${mark(r.testRunsPerLanded <= 1.05)}`);
    }
    lines.push(`  ${repo.name}: lint passes per autofix improvement ${r.lintPasses.median} = 1: ${mark(r.lintPasses.max === 1)}`);
  }
  lines.push(`  kaizen --help ${Math.round(report.coldStart.help.median)} ms ≤ 150 ms: ${mark(report.coldStart.help.median <= 150)}${report.kaizen.compiled ? '' : ' (not the compiled CLI: npm run build)'}`);
  return lines.join('\n');
}

export function formatMethod(): string {
  return ['How each figure is measured:', ...Object.entries(METHOD).map(([name, how]) => `  ${name}: ${how}`)].join('\n');
}
