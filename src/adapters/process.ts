// Runs child processes the one safe way: no shell, an argument array, a time limit, the
// whole process group killed on timeout or abort, full output to a file and a short tail
// kept in memory. A process in a Kaizen worktree is recorded there (process-groups.ts), and
// what a dead worker left running in that worktree is ended before it starts.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BinaryMissingError } from '../core/errors.js';
import { recordPathFor } from '../core/processes/records.js';
import { endRecordedGroups, recordEnded, recordStarted } from './process-groups.js';

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Aborting kills the process group (activity cancellation). */
  signal?: AbortSignal;
  /** Called every `heartbeatMs` while the process runs (activity heartbeats). */
  onHeartbeat?: () => void;
  heartbeatMs?: number;
  /** Full combined output goes here when set. */
  logPath?: string;
  /** How many characters of output to keep in memory (default 4000). */
  tailChars?: number;
  /** Keep stdout separately and whole (for tools that print JSON), up to this many bytes. */
  captureStdoutBytes?: number;
  stdin?: string;
  /** Advice for the error when the binary is missing. */
  missingBinaryFix?: string;
  /** The worktree whose record the process goes in, when `cwd` is outside it (setup commands); default `cwd`. */
  recordFor?: string;
}

export interface RunResult {
  command: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** Last `tailChars` characters of stdout and stderr interleaved. */
  outputTail: string;
  /** Whole stdout when `captureStdoutBytes` was set. */
  stdout: string;
  stdoutTruncated: boolean;
}

const KILL_GRACE_MS = 2000;

export async function runProcess(command: string[], options: RunOptions): Promise<RunResult> {
  const [file, ...args] = command;
  if (!file) throw new Error('runProcess: empty command');
  const started = Date.now();
  const tailChars = options.tailChars ?? 4000;
  let tail = '';
  const stdoutChunks: Buffer[] = [];
  let stdoutBytes = 0;
  let stdoutTruncated = false;
  // A retry never runs beside its dead predecessor: end what it left in this worktree first.
  const recordPath = recordPathFor(options.recordFor ?? options.cwd);
  await endRecordedGroups(recordPath);
  if (options.logPath) mkdirSync(dirname(options.logPath), { recursive: true });
  const log = options.logPath ? createWriteStream(options.logPath) : null;

  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    // Its own process group, so a timeout kills grandchildren too (npm → node → jest ...).
    detached: true,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    shell: false,
  });
  if (options.stdin !== undefined && child.stdin) child.stdin.end(options.stdin);
  const startTicks = child.pid !== undefined ? recordStarted(recordPath, child.pid, command) : null;

  const keep = (chunk: Buffer) => {
    log?.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-tailChars);
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (options.captureStdoutBytes !== undefined) {
      if (stdoutBytes + chunk.length <= options.captureStdoutBytes) {
        stdoutChunks.push(chunk);
        stdoutBytes += chunk.length;
      } else stdoutTruncated = true;
    }
  });
  child.stderr?.on('data', keep);

  let timedOut = false;
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const killGroup = () => {
    if (child.pid === undefined || child.exitCode !== null) return;
    signalGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(child.pid as number, 'SIGKILL'), KILL_GRACE_MS);
    killTimer.unref();
  };
  const timeout = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs);
  const heartbeat = options.onHeartbeat ? setInterval(options.onHeartbeat, options.heartbeatMs ?? 1000) : undefined;
  const onAbort = () => {
    aborted = true;
    killGroup();
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
      aborted,
      durationMs: Date.now() - started,
      outputTail: tail,
      stdout: Buffer.concat(stdoutChunks).toString('utf8'),
      stdoutTruncated,
    };
  } finally {
    clearTimeout(timeout);
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
