// The test step: runs the repository's own tests in the isolated worktree, with a time
// limit, heartbeats and cancellation that kill the whole process group. A red run is run
// once more: red then green is reported as flaky and passes. Green results are
// cached by git tree hash, so an unchanged tree is never tested twice.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ActivityDeps } from '../contracts/ports.js';
import { activityContext } from './context.js';
import { recordTestDuration } from './metrics.js';
import { runProcess } from '../adapters/process.js';
import { durationMs, type Config } from '../core/config/config.js';
import { GitFailedError, TestCommandMissingError } from '../core/errors.js';
import { resolveTestCommand } from '../core/test-runs/command.js';
import { parseTestCounts, stripAnsi } from '../core/test-runs/output.js';
import { parseTestNames } from '../core/test-runs/test-names.js';
import { COVERAGE_SUMMARY_FILE, parseCoverageFromOutput, parseCoverageSummary } from '../core/test-runs/gate.js';
import type { Coverage, TestRun, Workspace } from '../core/types.js';
import { ensureStateDir } from './state-dir.js';

export interface RunTestsInput {
  workspace: Workspace;
  config: Config;
  phase: 'baseline' | 'verify';
  /** Overrides `test.command` (argument array, never run through a shell). */
  command?: string[];
}

const OUTPUT_TAIL_CHARS = 3000;
/** Kept in memory while running: enough to find the runner's summary lines. */
const PARSE_WINDOW_CHARS = 20_000;
// Frequent on purpose: the SDK throttles sends to 80% of the heartbeat timeout, whatever that is.
const HEARTBEAT_MS = 1000;
const GIT_TIMEOUT_MS = 30_000;

const MISSING_BINARY_FIX =
  'Set "test.command" in kaizen.config.json (or pass --test-cmd) to a command that exists on this worker.';

export function createTestActivities(deps: ActivityDeps) {
  return {
    async runTests(input: RunTestsInput): Promise<TestRun> {
      const { workspace, config, phase } = input;
      const resolution = resolveTestCommand({
        ...(input.command ? { override: input.command } : {}),
        ...(config.test.command !== undefined ? { configured: config.test.command } : {}),
        packageJsonText: await readIfExists(join(workspace.worktree, 'package.json')),
        required: config.test.required,
      });
      if (resolution.kind === 'missing') throw new TestCommandMissingError(workspace.repoRoot);
      if (resolution.kind === 'skip') return skippedRun(phase);
      const { command } = resolution;

      const cacheFile = await cachePath(deps, workspace, command);
      if (cacheFile) {
        const cached = await readCachedRun(cacheFile);
        if (cached) return { ...cached, phase, cached: true };
      }

      const run = await runTwiceIfRed(deps, input, command);
      if (run.passed && cacheFile) {
        await ensureStateDir(workspace.stateDir);
        await writeCachedRun(cacheFile, run);
      }
      return run;
    },
  };
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
  const result = await runProcess(command, {
    cwd: workspace.worktree,
    // CI=true: runners skip watch mode and interactive prompts.
    env: { ...deps.env, CI: 'true' },
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

/**
 * Cache file for this tree and command, or null when the worktree has uncommitted changes
 * to tracked files: then HEAD's tree is not what the tests would see.
 */
async function cachePath(deps: ActivityDeps, workspace: Workspace, command: string[]): Promise<string | null> {
  const tree = await git(deps, workspace.worktree, ['rev-parse', 'HEAD^{tree}']);
  const dirty = await git(deps, workspace.worktree, ['status', '--porcelain', '--untracked-files=no']);
  if (dirty !== '') return null;
  const key = createHash('sha256').update(tree).update('\0').update(JSON.stringify(command)).digest('hex');
  return join(workspace.stateDir, 'cache', 'tests', `${key}.json`);
}

async function git(deps: ActivityDeps, cwd: string, args: string[]): Promise<string> {
  const result = await runProcess(['git', ...args], {
    cwd,
    env: deps.env,
    timeoutMs: GIT_TIMEOUT_MS,
    captureStdoutBytes: 1_000_000,
    missingBinaryFix: 'Install git on this worker and put it on PATH.',
  });
  if (result.exitCode !== 0) throw new GitFailedError(args.join(' '), result.outputTail);
  return result.stdout.trim();
}

async function readCachedRun(path: string): Promise<TestRun | null> {
  const text = await readIfExists(path);
  if (text === null) return null;
  try {
    const run = JSON.parse(text) as TestRun;
    return run.passed === true ? run : null;
  } catch {
    return null; // A torn or hand-edited file only costs a rerun.
  }
}

async function writeCachedRun(path: string, run: TestRun): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Write then rename, so a concurrent reader never sees half a file.
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, JSON.stringify(run));
  await rename(temporary, path);
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
