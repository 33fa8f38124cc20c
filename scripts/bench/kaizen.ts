// Kaizen as a user drives it: its command line in child processes, nothing imported from
// src/. One warm `kaizen dev` (server + worker) for the whole benchmark, one
// `kaizen improve … --wait --json` per improvement.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path';
import { staleBuildReason } from '../../bin/build-stamp.cjs';
import { KAIZEN_HOME, runChild, type ChildResult } from './child.js';

/**
 * What `kaizen` runs, relative to Kaizen's folder: the installed bin, which runs the compiled
 * CLI in dist/ when `npm run build` made it from the current sources, else src/ through tsx.
 */
export const KAIZEN_ENTRY = 'bin/kaizen.cjs';

/** What an entry ends up running: the compiled CLI or the sources through tsx, and why. */
export function entryRuns(entry: string): { compiled: boolean; description: string } {
  if (entry.endsWith('.ts')) return { compiled: false, description: 'the TypeScript sources through tsx' };
  const path = isAbsolute(entry) ? entry : join(KAIZEN_HOME, entry);
  // A `kaizen` bin (this checkout's or another's, --entry) checks its own checkout's build.
  const bin = path.endsWith(join('bin', 'kaizen.cjs'));
  const stale = staleBuildReason(bin ? dirname(dirname(path)) : KAIZEN_HOME);
  if (bin) {
    return stale === null
      ? { compiled: true, description: 'the compiled CLI in dist/ (built from these sources)' }
      : { compiled: false, description: `the sources through tsx, not dist/: ${stale}` };
  }
  return { compiled: true, description: stale === null ? 'compiled code' : `compiled code, possibly stale: ${stale}` };
}

export function kaizenArgv(entry: string, args: readonly string[]): string[] {
  const path = isAbsolute(entry) ? entry : join(KAIZEN_HOME, entry);
  // A .ts entry runs the way `npm run kaizen` does, through tsx.
  return path.endsWith('.ts') ? [process.execPath, '--import', 'tsx', path, ...args] : [process.execPath, path, ...args];
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface DevProcess {
  address: string;
  /** Spawn to "worker polling". */
  startMs: number;
  stop(): Promise<void>;
}

const DEV_READY = /Kaizen worker polling/;
const DEV_START_TIMEOUT_MS = 180_000;

/** Starts `kaizen dev --headless` on free ports with its own database; resolves once the worker polls. */
export async function startDev(entry: string, dbFile: string, logFile: { write(text: string): void }): Promise<DevProcess> {
  const port = await freePort();
  const uiPort = await freePort();
  const argv = kaizenArgv(entry, ['dev', '--port', String(port), '--ui-port', String(uiPort), '--headless', '--db', dbFile]);
  const started = performance.now();
  // Its own process group, so stopping it also stops the Temporal server it started.
  const child = spawn(argv[0] ?? process.execPath, argv.slice(1), { cwd: KAIZEN_HOME, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  await new Promise<void>((resolveReady, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`kaizen dev did not report a polling worker within ${DEV_START_TIMEOUT_MS / 1000}s:\n${output.slice(-2000)}`)), DEV_START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      logFile.write(text);
      output += text;
      if (DEV_READY.test(output)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`kaizen dev exited with ${code} before its worker polled:\n${output.slice(-2000)}`));
    });
  });
  return { address: `localhost:${port}`, startMs: performance.now() - started, stop: () => stopGroup(child, exited) };
}

async function stopGroup(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  process.kill(-pid, 'SIGTERM');
  const timeout = new Promise<'timeout'>((resolveTimeout) => setTimeout(() => resolveTimeout('timeout'), 30_000));
  if ((await Promise.race([exited, timeout])) === 'timeout') process.kill(-pid, 'SIGKILL');
}

export interface ImproveRun {
  child: ChildResult;
  /** The `--json` result; null when the command printed none (see child.stderr). */
  result: ImprovementJson | null;
}

/** The fields of `kaizen improve --json` the benchmark reads. */
export interface ImprovementJson {
  workflowId: string;
  outcome: string;
  reason: string;
  file: string | null;
  commit?: string;
  startedAt: string;
  finishedAt: string;
  steps: { step: string; startedAt: string; durationMs: number }[];
  testsBefore?: TestRunJson;
  testsAfter?: TestRunJson;
}

export interface TestRunJson {
  passed: boolean;
  skipped: boolean;
  cached: boolean;
  durationMs: number;
}

export async function improve(entry: string, address: string, repo: string): Promise<ImproveRun> {
  const argv = kaizenArgv(entry, ['improve', repo, '--mode', 'merge', '--strategy', 'autofix', '--wait', '--json', '--address', address]);
  const child = await runChild(argv, { cwd: KAIZEN_HOME, timeoutMs: 15 * 60_000 });
  let result: ImprovementJson | null = null;
  try {
    result = JSON.parse(child.stdout) as ImprovementJson;
  } catch {
    result = null;
  }
  return { child, result };
}

/** `kaizen --help` from a fresh process, spawned the way the `kaizen` bin is. */
export async function helpColdStart(entry: string): Promise<number> {
  const child = await runChild(kaizenArgv(entry, ['--help']), { cwd: KAIZEN_HOME });
  if (child.exitCode !== 0) throw new Error(`kaizen --help exited with ${child.exitCode}: ${child.stderr.slice(-1000)}`);
  return child.wallMs;
}

/** `node -e 0`: the floor any Node command line starts from on this machine. */
export async function nodeFloor(): Promise<number> {
  return (await runChild([process.execPath, '-e', '0'])).wallMs;
}

/** `kaizen config validate REPO`: the fixture's config is what the benchmark assumes. */
export async function validateConfig(entry: string, repo: string): Promise<void> {
  const child = await runChild(kaizenArgv(entry, ['config', 'validate', repo]), { cwd: KAIZEN_HOME });
  if (child.exitCode !== 0) throw new Error(`kaizen config validate ${repo} failed:\n${child.stdout}${child.stderr}`);
}
