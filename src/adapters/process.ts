// Runs child processes the one safe way: no shell, an argument array, a time limit (total, or
// since the last output), the whole process group ended on timeout or abort (SIGTERM, so a
// program such as git removes its lock files, then SIGKILL after a grace), output kept as the
// caller asks (a tail, stdout and stderr apart and whole, a log file). A process in a Kaizen
// worktree is recorded there (process-groups.ts), and what a dead worker left running in that
// worktree is ended before it starts. Git goes through here too (git.ts): it adds no sleep, no
// extra process and, with `recordFor: null`, no file access to a call.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { BinaryMissingError } from '../core/errors.js';
import { recordPathFor } from '../core/processes/records.js';
import { endRecordedGroups, recordEnded, recordStarted } from './process-groups.js';

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** The limit on the whole run; null for none (a command bounded by `silenceTimeoutMs` instead). */
  timeoutMs: number | null;
  /** End the process when it prints nothing (stdout or stderr) for this long. */
  silenceTimeoutMs?: number;
  /** Aborting ends the process group (activity cancellation). */
  signal?: AbortSignal;
  /** Called every `heartbeatMs` while the process runs (activity heartbeats). */
  onHeartbeat?: () => void;
  heartbeatMs?: number;
  /** Full combined output goes here when set. */
  logPath?: string;
  /** How many characters of output to keep in memory (default 4000; 0 keeps none). */
  tailChars?: number;
  /** Keep stdout separately and whole (for tools that print JSON), up to this many bytes (Infinity: all). */
  captureStdoutBytes?: number;
  /** Keep stderr separately and whole, up to this many bytes (Infinity: all). */
  captureStderrBytes?: number;
  stdin?: string;
  /** A stream piped to the process's stdin as it comes (a session's requests); instead of `stdin`. */
  input?: Readable;
  /** Called with each chunk of stdout as it comes (a session's answers), which then is neither kept nor in `outputTail`. */
  onStdout?: (chunk: Buffer) => void;
  /** Advice for the error when the binary is missing. */
  missingBinaryFix?: string;
  /**
   * The worktree whose record the process goes in, when `cwd` is outside it (setup commands);
   * default `cwd`. null: not recorded (short commands of Kaizen's own, such as git).
   */
  recordFor?: string | null;
}

export interface RunResult {
  command: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Ended because it printed nothing for `silenceTimeoutMs`. */
  silent: boolean;
  aborted: boolean;
  durationMs: number;
  /** Last `tailChars` characters of stdout and stderr interleaved. */
  outputTail: string;
  /** Whole stdout when `captureStdoutBytes` was set. */
  stdout: string;
  stdoutTruncated: boolean;
  /** Whole stderr when `captureStderrBytes` was set. */
  stderr: string;
  stderrTruncated: boolean;
}

const KILL_GRACE_MS = 2000;

/** Chunks of one stream kept whole up to a byte limit (none kept without a limit). */
class Capture {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  truncated = false;
  constructor(private readonly limit: number | undefined) {}
  add(chunk: Buffer): void {
    if (this.limit === undefined) return;
    if (this.bytes + chunk.length <= this.limit) {
      this.chunks.push(chunk);
      this.bytes += chunk.length;
    } else this.truncated = true;
  }
  text(): string {
    return this.chunks.length === 0 ? '' : Buffer.concat(this.chunks).toString('utf8');
  }
}

export async function runProcess(command: string[], options: RunOptions): Promise<RunResult> {
  const [file, ...args] = command;
  if (!file) throw new Error('runProcess: empty command');
  const started = Date.now();
  const tailChars = options.tailChars ?? 4000;
  let tail = '';
  const stdout = new Capture(options.captureStdoutBytes);
  const stderr = new Capture(options.captureStderrBytes);
  // A retry never runs beside its dead predecessor: end what it left in this worktree first.
  const recordPath = options.recordFor === null ? null : recordPathFor(options.recordFor ?? options.cwd);
  if (recordPath) await endRecordedGroups(recordPath);
  if (options.logPath) mkdirSync(dirname(options.logPath), { recursive: true });
  const log = options.logPath ? createWriteStream(options.logPath) : null;

  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    // Its own process group, so a timeout ends grandchildren too (npm → node → jest, git → hook).
    detached: true,
    stdio: [options.stdin === undefined && options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    shell: false,
  });
  if (options.stdin !== undefined && child.stdin) child.stdin.end(options.stdin);
  if (options.input && child.stdin) {
    // A process that dies first closes its stdin: what is still written then is dropped, not thrown.
    child.stdin.on('error', () => undefined);
    options.input.pipe(child.stdin);
  }
  const startTicks = child.pid !== undefined ? recordStarted(recordPath, child.pid, command) : null;

  let timedOut = false;
  let silent = false;
  let aborted = false;
  let closed = false;
  let stopping = false;
  let killTimer: NodeJS.Timeout | undefined;
  let silenceTimer: NodeJS.Timeout | undefined;
  // The leader may be gone while the rest of its group (a hook, a test runner's workers) still runs.
  const endGroup = () => {
    if (child.pid === undefined || closed || stopping) return;
    stopping = true;
    clearTimeout(silenceTimer);
    signalGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => {
      signalGroup(child.pid as number, 'SIGKILL');
      // What left the group (setsid) may still hold the pipes: stop waiting for them.
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, KILL_GRACE_MS);
    killTimer.unref();
  };
  const silenceMs = options.silenceTimeoutMs;
  const heard =
    silenceMs === undefined
      ? undefined
      : () => {
          clearTimeout(silenceTimer);
          if (stopping) return;
          silenceTimer = setTimeout(() => {
            silent = true;
            endGroup();
          }, silenceMs);
        };
  heard?.();

  const keep = (chunk: Buffer) => {
    log?.write(chunk);
    if (tailChars > 0) tail = (tail + chunk.toString('utf8')).slice(-tailChars);
    heard?.();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    if (options.onStdout) {
      heard?.();
      options.onStdout(chunk);
      return;
    }
    keep(chunk);
    stdout.add(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    keep(chunk);
    stderr.add(chunk);
  });

  const timeout =
    options.timeoutMs === null
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          endGroup();
        }, options.timeoutMs);
  const heartbeat = options.onHeartbeat ? setInterval(options.onHeartbeat, options.heartbeatMs ?? 1000) : undefined;
  const onAbort = () => {
    aborted = true;
    endGroup();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') {
          reject(new BinaryMissingError(file, options.missingBinaryFix ?? `Install it or put it on PATH (tried from ${options.cwd}).`));
        } else reject(err);
      });
      child.once('close', (c, s) => resolve({ code: c, signal: s }));
    });
    return {
      command,
      exitCode: code,
      signal,
      timedOut,
      silent,
      aborted,
      durationMs: Date.now() - started,
      outputTail: tail,
      stdout: stdout.text(),
      stdoutTruncated: stdout.truncated,
      stderr: stderr.text(),
      stderrTruncated: stderr.truncated,
    };
  } finally {
    closed = true;
    if (options.input && child.stdin) options.input.unpipe(child.stdin);
    clearTimeout(timeout);
    clearTimeout(silenceTimer);
    if (heartbeat) clearInterval(heartbeat);
    options.signal?.removeEventListener('abort', onAbort);
    // The group may outlive its leader (a test runner's workers): make sure nothing stays.
    if (child.pid !== undefined) {
      signalGroup(child.pid, 'SIGKILL');
      recordEnded(recordPath, child.pid, startTicks);
    }
    if (killTimer) clearTimeout(killTimer);
    await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
