// The test step: runs the repository's own tests in the isolated worktree, with a time
// limit, heartbeats and cancellation that kill the whole process group. A red run is run
// once more: red then green is reported as flaky and passes. Results are cached by git
// tree hash (test-cache.ts), so an unchanged tree is never tested twice, and knownTestRun
// tells the saga what is known of a tree without running anything.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActivityDeps } from '../contracts/ports.js';
import { activityContext } from './context.js';
import { recordTestDuration } from './metrics.js';
import { runProcess } from '../adapters/process.js';
import { durationMs, type Config } from '../core/config/config.js';
import { TestCommandMissingError } from '../core/errors.js';
import { resolveTestCommand } from '../core/test-runs/command.js';
import { parseTestCounts, stripAnsi } from '../core/test-runs/output.js';
import { parseTestNames } from '../core/test-runs/test-names.js';
import { COVERAGE_SUMMARY_FILE, parseCoverageFromOutput, parseCoverageSummary } from '../core/test-runs/gate.js';
import type { Coverage, TestRun, Workspace } from '../core/types.js';
import { ensureStateDir } from './state-dir.js';
import { DEFAULT_REMEMBER_RED_MS, readCachedRun, testCachePath, writeCachedRun } from './test-cache.js';
import { changedLinesCoverage, coverageFolder, measuredOnce } from './changed-lines.js';

export interface RunTestsInput {
  workspace: Workspace;
  config: Config;
  phase: 'baseline' | 'verify';
  /** Overrides `test.command` (argument array, never run through a shell). */
  command?: string[];
  /** Run with V8 coverage and report which lines of the commit (against the base) the tests ran. */
  changedLines?: boolean;
}

const OUTPUT_TAIL_CHARS = 3000;
/** Kept in memory while running: enough to find the runner's summary lines. */
const PARSE_WINDOW_CHARS = 20_000;
// Frequent on purpose: the SDK throttles sends to 80% of the heartbeat timeout, whatever that is.
const HEARTBEAT_MS = 1000;

const MISSING_BINARY_FIX =
  'Set "test.command" in kaizen.config.json (or pass --test-cmd) to a command that exists on this worker.';

export function createTestActivities(deps: ActivityDeps) {
  return {
    async runTests(input: RunTestsInput): Promise<TestRun> {
      const { workspace, phase } = input;
      const command = await commandOf(input);
      if (command === null) return skippedRun(phase);

      // Only a green result is reused here: a red one is always run again (and twice).
      const cacheFile = await testCachePath(deps, workspace, command, { atBase: phase === 'baseline' });
      // A cached run has no coverage of this change's lines.
      const cached = cacheFile && !input.changedLines ? await readCachedRun(cacheFile, { red: false }) : null;
      if (cached) return { ...cached.run, phase, cached: true };

      const run = await runTwiceIfRed(deps, input, command);
      if (cacheFile) {
        await ensureStateDir(workspace.stateDir);
        await writeCachedRun(cacheFile, run);
      }
      return run;
    },

    /**
     * What is known of the worktree's tree without running anything: a cached green run, a
     * red one younger than `test.rememberRed`, the skipped run when there is no test command,
     * else null.
     * A missing required test command fails here as in runTests.
     */
    async knownTestRun(input: Omit<RunTestsInput, 'phase'>): Promise<TestRun | null> {
      const command = await commandOf(input);
      if (command === null) return skippedRun('baseline');
      // The untouched tree: one git call, none when the test command is unknown.
      const cacheFile = await testCachePath(deps, input.workspace, command, { atBase: true });
      const cached = cacheFile ? await readCachedRun(cacheFile, { red: true, rememberRedMs: rememberRedMs(input.config) }) : null;
      return cached ? { ...cached.run, phase: 'baseline', cached: true } : null;
    },
  };
}

/** test.rememberRed; a config parsed before the key existed (carried by a running workflow) has none. */
function rememberRedMs(config: Config): number {
  const written: unknown = config.test.rememberRed;
  return typeof written === 'string' ? durationMs(written) : DEFAULT_REMEMBER_RED_MS;
}

/** The test command to run; null: none, and the config allows that. */
async function commandOf(input: Omit<RunTestsInput, 'phase'>): Promise<string[] | null> {
  const { workspace, config } = input;
  const resolution = resolveTestCommand({
    ...(input.command ? { override: input.command } : {}),
    ...(config.test.command !== undefined ? { configured: config.test.command } : {}),
    packageJsonText: await readIfExists(join(workspace.worktree, 'package.json')),
    required: config.test.required,
  });
  if (resolution.kind === 'missing') throw new TestCommandMissingError(workspace.repoRoot);
  return resolution.kind === 'skip' ? null : resolution.command;
}

/**
 * A red run is run once more before anything is decided: red then green is a flaky run
 * (passed, with the tests that failed first in `flaky`); red twice is red, naming the
 * failing tests of the second run. The rerun is skipped when the step's time limit could
 * not hold it.
 */
async function runTwiceIfRed(deps: ActivityDeps, input: RunTestsInput, command: string[]): Promise<TestRun> {
  const stepStarted = Date.now();
  const first = await runTestCommand(deps, input, command, `${input.phase}.log`);
  if (first.passed) return first;
  const limitMs = activityContext()?.info.startToCloseTimeoutMs;
  const elapsedMs = Date.now() - stepStarted;
  if (limitMs !== undefined && elapsedMs + first.durationMs > limitMs * 0.9) return first;
  const second = await runTestCommand(deps, input, command, `${input.phase}.rerun.log`);
  return second.passed ? { ...second, flaky: first.failedTests ?? [] } : second;
}

async function runTestCommand(deps: ActivityDeps, input: RunTestsInput, command: string[], logName: string): Promise<TestRun> {
  const { workspace, config, phase } = input;
  const context = activityContext();
  const started = Date.now();
  const logPath = join(await ensureStateDir(workspace.stateDir, 'logs', workspace.runId), logName);
  const coverageDir = input.changedLines ? await coverageFolder(workspace, logName.replace(/\.log$/, '')) : undefined;
  const result = await runProcess(command, {
    cwd: workspace.worktree,
    // CI=true: runners skip watch mode and interactive prompts.
    env: { ...deps.env, CI: 'true', ...(coverageDir ? { NODE_V8_COVERAGE: coverageDir } : {}) },
    timeoutMs: durationMs(config.test.timeout),
    logPath,
    tailChars: PARSE_WINDOW_CHARS,
    missingBinaryFix: MISSING_BINARY_FIX,
    heartbeatMs: HEARTBEAT_MS,
    ...(context
      ? {
          signal: context.cancellationSignal,
          onHeartbeat: () => context.heartbeat({ phase, elapsedMs: Date.now() - started }),
        }
      : {}),
  });
  if (result.aborted && context?.cancellationSignal.aborted) {
    // The run is void once the activity is cancelled; report the cancellation, not a red run.
    throw context.cancellationSignal.reason ?? new Error('test run cancelled');
  }
  const passed = result.exitCode === 0 && !result.timedOut && !result.aborted;
  recordTestDuration(phase, passed, result.durationMs);
  const output = stripAnsi(result.outputTail);
  const counts = parseTestCounts(output);
  const coverage = await coverageOf(workspace.worktree, output, started);
  const changedLines = coverageDir ? await measuredOnce(coverageDir, () => (passed ? changedLinesCoverage(deps, workspace, coverageDir) : undefined)) : undefined;
  const timeoutNote = result.timedOut
    ? `\n[kaizen] The test command ran longer than test.timeout (${config.test.timeout}) and was killed. Raise "test.timeout" in kaizen.config.json if it needs longer.`
    : '';
  return {
    phase,
    passed,
    skipped: false,
    command,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
    cached: false,
    outputTail: (output.slice(-(OUTPUT_TAIL_CHARS - timeoutNote.length)) + timeoutNote).slice(-OUTPUT_TAIL_CHARS),
    logPath,
    ...(counts ? { passedCount: counts.passed, failedCount: counts.failed } : {}),
    ...(coverage ? { coverage } : {}),
    ...(changedLines ? { changedLines } : {}),
    ...(passed ? {} : { failedTests: parseTestNames(output).failed }),
  };
}

/** Line coverage this run reported: a json-summary it wrote (not an old one), else node's "all files" line. */
async function coverageOf(worktree: string, output: string, startedMs: number): Promise<Coverage | null> {
  const path = join(worktree, COVERAGE_SUMMARY_FILE);
  const written = await stat(path).then((s) => s.isFile() && s.mtimeMs >= startedMs - 1000, () => false);
  const fromFile = written ? parseCoverageSummary((await readIfExists(path)) ?? '') : null;
  if (fromFile !== null) return { linesPct: fromFile, source: COVERAGE_SUMMARY_FILE };
  const fromOutput = parseCoverageFromOutput(output);
  return fromOutput === null ? null : { linesPct: fromOutput, source: 'output' };
}

function skippedRun(phase: TestRun['phase']): TestRun {
  return {
    phase,
    passed: true,
    skipped: true,
    command: [],
    exitCode: null,
    timedOut: false,
    durationMs: 0,
    cached: false,
    outputTail: 'No test command found and test.required is false: tests skipped.',
  };
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
