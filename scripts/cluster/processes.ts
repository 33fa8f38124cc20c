// Long-running processes of the local cluster (PostgreSQL, the Temporal server), started the
// way src/adapters/dev-server.ts starts the dev server: no shell, its own process group,
// output appended to a log file. Stopping works by pid, so `npm run cluster -- --down` can
// stop what another process started; it checks the pid still runs the expected binary first.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DaemonOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  logPath: string;
  /** Run as this user (when we are root: PostgreSQL refuses to run as root). */
  runAs?: { uid: number; gid: number };
}

export interface Daemon {
  pid: number;
  logPath: string;
  /** Where this start's output begins in the log (for error tails). */
  logOffset: number;
  /** Set once the process has ended (or could not be started). */
  exit(): string | null;
}

const POLL_MS = 200;
const LOG_TAIL_CHARS = 3000;

export function spawnDaemon(file: string, args: string[], options: DaemonOptions): Daemon {
  mkdirSync(dirname(options.logPath), { recursive: true });
  const logOffset = existsSync(options.logPath) ? statSync(options.logPath).size : 0;
  const logFd = openSync(options.logPath, 'a');
  let ended: string | null = null;
  try {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      shell: false,
      ...(options.runAs ?? {}),
    });
    child.once('exit', (code, signal) => (ended = signal ? `signal ${signal}` : `exit code ${code}`));
    child.once('error', (err) => (ended = `could not start ${file}: ${err.message}`));
    // The cluster may outlive this process (--detach): do not keep Node's event loop alive.
    child.unref();
    return { pid: child.pid ?? -1, logPath: options.logPath, logOffset, exit: () => ended };
  } finally {
    closeSync(logFd); // The child holds its own copy.
  }
}

/** True while a process with this pid exists and (when given) runs a command line containing `expected`. */
export function isRunning(pid: number, expected?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else; not ours to stop.
    return (err as NodeJS.ErrnoException).code === 'EPERM' && expected === undefined;
  }
  if (expected === undefined) return true;
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)?.[0];
    if (state === 'Z') return false; // Exited, waiting to be reaped.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(expected);
  } catch {
    return true; // No /proc (not Linux): trust the pid.
  }
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Sends each signal to the process group in turn, waiting `graceMs` after each for the
 * leader to end; returns how the process ended ('gone' when it was not running).
 */
export async function stopProcessGroup(pid: number, expected: string, steps: { signal: NodeJS.Signals; graceMs: number }[]): Promise<string> {
  if (!isRunning(pid, expected)) return 'gone';
  for (const { signal, graceMs } of steps) {
    signalGroup(pid, signal);
    if (await waitUntil(() => !isRunning(pid, expected), graceMs)) {
      // The leader is gone; make sure nothing it started is left in its group.
      signalGroup(pid, 'SIGKILL');
      return signal;
    }
  }
  throw new Error(`Process ${pid} (${expected}) is still running after ${steps.map((s) => s.signal).join(', ')}; stop it with 'kill -9 -${pid}'.`);
}

export async function waitUntil(probe: () => boolean | Promise<boolean>, timeoutMs: number, pollMs = POLL_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(pollMs);
  }
}

/** The end of a daemon's log from its own start on, for error messages. */
export async function logTail(daemon: Pick<Daemon, 'logPath' | 'logOffset'>): Promise<string> {
  try {
    const file = await open(daemon.logPath, 'r');
    try {
      const size = (await file.stat()).size;
      const start = Math.max(daemon.logOffset, size - LOG_TAIL_CHARS);
      const buffer = Buffer.alloc(size - start);
      await file.read(buffer, 0, buffer.length, start);
      return buffer.toString('utf8').trim() || '(empty)';
    } finally {
      await file.close();
    }
  } catch {
    return '(no log)';
  }
}

export class ClusterStartError extends Error {
  /** `logPath`: where the whole output is, when it went to a file. */
  constructor(what: string, tail: string, logPath?: string) {
    super(`${what}.${logPath ? ` Its log is ${logPath}.` : ''} The end of its output:\n${tail}`);
    this.name = 'ClusterStartError';
  }
}
