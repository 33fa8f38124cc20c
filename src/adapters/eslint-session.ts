// An ESLint session: one ESLint process (assets/eslint-session.cjs) that answers lint and fix
// requests through ESLint's API for as long as its owner keeps it open. An analysis that lints
// the repository and then prepares the autofix of the file it picked pays for one ESLint start,
// one config load and, with typed rules, one TypeScript program, where two `eslint` runs pay
// twice. An ESLint too old for the flat-config API (before 8.57) runs as a command, as before.
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AnalyserFailedError } from '../core/errors.js';
import { ESLINT_ANALYSER, reportsOfResults, type EslintFileReport } from '../core/analysis/eslint-report.js';
import {
  eslintTimedOut,
  FIX_ENV,
  fixHint,
  HEARTBEAT_MS,
  lintFiles,
  lintInBatches,
  MAX_REPORT_BYTES,
  reportsOrFailure,
  shownCommand,
  type EslintApi,
  type EslintInstallation,
  type EslintRunOptions,
} from './eslint.js';
import { runProcess, type RunResult } from './process.js';

export const SESSION_SCRIPT = join('assets', 'eslint-session.cjs');

/** How long a closed session may take to exit before its process group is ended. */
const CLOSE_GRACE_MS = 5_000;

/**
 * Lints like `lintFiles`, through one ESLint process started on first use (with the first
 * call's working folder, environment and cancellation) and kept until `close`.
 */
export class EslintSession {
  private process: SessionProcess | null = null;

  constructor(private readonly kaizenHome: string) {}

  /** Whether an ESLint process of this session has run and still answers. */
  get warm(): boolean {
    return this.installation !== null;
  }

  /** The ESLint the session's process runs while it answers, so a follow-up request uses the same; else null. */
  get installation(): EslintInstallation | null {
    return this.process?.running === true ? this.process.installation : null;
  }

  async lintFiles(installation: EslintInstallation, files: readonly string[], options: EslintRunOptions): Promise<EslintFileReport[]> {
    if (installation.api === null) return lintFiles(installation, files, options);
    const session = this.processFor(installation, installation.api, options);
    return lintInBatches(files, options, async (batch, detail, roots) => {
      const results = await session.request(batch, options, `${options.fixDryRun ? 'fix ' : ''}${detail}`);
      return reportsOrFailure(installation, batch, null, () => reportsOfResults(results, roots));
    });
  }

  /** Ends the ESLint process (its stdin closes, it exits; after a grace its group is ended). */
  async close(): Promise<void> {
    const session = this.process;
    this.process = null;
    await session?.close();
  }

  private processFor(installation: EslintInstallation, api: EslintApi, options: EslintRunOptions): SessionProcess {
    if (this.process && this.process.packageDir === api.packageDir && this.process.running) return this.process;
    void this.process?.close();
    this.process = new SessionProcess(this.kaizenHome, installation, api, options);
    return this.process;
  }
}

interface Pending {
  resolve: (results: unknown) => void;
  reject: (err: Error) => void;
}

/** The ESLint process of a session and its line protocol (see assets/eslint-session.cjs). */
class SessionProcess {
  readonly packageDir: string;
  running = true;
  private readonly input = new PassThrough();
  private readonly stop = new AbortController();
  private readonly pending = new Map<number, Pending>();
  private readonly ended: Promise<void>;
  private nextId = 1;
  private line: Buffer[] = [];
  private lineBytes = 0;
  /** Why the process was ended (a time limit, cancellation), for the requests it leaves unanswered. */
  private endReason: Error | null = null;
  private heartbeat: (() => void) | undefined;
  /** The command equivalent to the request being answered, for errors. */
  private shown: string[];

  constructor(
    kaizenHome: string,
    readonly installation: EslintInstallation,
    api: EslintApi,
    options: EslintRunOptions,
  ) {
    this.packageDir = api.packageDir;
    this.shown = shownCommand(installation, []);
    const outer = options.signal;
    const onAbort = () => this.end(abortReason(outer));
    if (outer?.aborted) onAbort();
    else outer?.addEventListener('abort', onAbort, { once: true });
    const command = [process.execPath, join(kaizenHome, SESSION_SCRIPT), api.packageDir, JSON.stringify(api.options)];
    this.ended = runProcess(command, {
      cwd: options.cwd,
      // ESLint 8.57 needs the first to use a flat config; the second keeps a fix's TypeScript program updatable.
      env: { ...options.env, ESLINT_USE_FLAT_CONFIG: 'true', ...FIX_ENV },
      timeoutMs: null,
      signal: this.stop.signal,
      input: this.input,
      onStdout: (chunk) => this.read(chunk),
      onHeartbeat: () => this.heartbeat?.(),
      heartbeatMs: HEARTBEAT_MS,
      tailChars: 2000,
    })
      .then(
        (result) => this.finish(result),
        (err: unknown) => this.finish(null, err instanceof Error ? err : new Error(String(err))),
      )
      .finally(() => outer?.removeEventListener('abort', onAbort));
  }

  /** ESLint's results for one batch, as its json formatter prints them. */
  request(files: string[], options: EslintRunOptions, detail: string): Promise<unknown> {
    if (!this.running) return Promise.reject(this.endReason ?? new Error('the ESLint session has ended'));
    const id = this.nextId++;
    const shown = shownCommand(this.installation, files);
    this.shown = shown;
    const onHeartbeat = options.onHeartbeat;
    this.heartbeat = onHeartbeat ? () => onHeartbeat(detail) : undefined;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => this.end(eslintTimedOut(shown, options.timeoutMs)), options.timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        this.pending.delete(id);
        this.heartbeat = undefined;
      };
      this.pending.set(id, {
        resolve: (results) => {
          settle();
          resolve(results);
        },
        reject: (err) => {
          settle();
          reject(err);
        },
      });
      this.input.write(`${JSON.stringify({ id, files, fix: options.fixDryRun === true })}\n`);
    });
  }

  async close(): Promise<void> {
    this.input.end();
    const grace = setTimeout(() => this.stop.abort(), CLOSE_GRACE_MS);
    try {
      await this.ended;
    } finally {
      clearTimeout(grace);
    }
  }

  /** Ends the process; its unanswered requests fail with `reason`. */
  private end(reason: Error): void {
    this.endReason ??= reason;
    this.stop.abort();
  }

  private read(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      this.line.push(chunk.subarray(start, newline));
      const text = Buffer.concat(this.line).toString('utf8');
      this.line = [];
      this.lineBytes = 0;
      this.answer(text);
      start = newline + 1;
    }
    if (start < chunk.length) {
      this.line.push(chunk.subarray(start));
      this.lineBytes += chunk.length - start;
      if (this.lineBytes > MAX_REPORT_BYTES) {
        this.end(
          new AnalyserFailedError(
            ESLINT_ANALYSER,
            this.shown,
            null,
            `ESLint's report was larger than ${MAX_REPORT_BYTES / 1024 / 1024} MB. Exclude generated or vendored files with "exclude" in kaizen.config.json.`,
          ),
        );
      }
    }
  }

  private answer(text: string): void {
    let message: { id?: unknown; results?: unknown; error?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    const pending = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (!pending) return;
    if (typeof message.error === 'string') {
      pending.reject(new AnalyserFailedError(ESLINT_ANALYSER, this.shown, null, `ESLint stopped with ${message.error.slice(0, 1200)}\n${fixHint(this.installation)}`));
    } else pending.resolve(message.results);
  }

  private finish(result: RunResult | null, spawnError?: Error): void {
    this.running = false;
    const reason =
      this.endReason ??
      spawnError ??
      new AnalyserFailedError(
        ESLINT_ANALYSER,
        this.shown,
        result?.exitCode ?? null,
        `the ESLint session ended before it answered: ${(result?.outputTail ?? '').slice(-1200)}\n${fixHint(this.installation)}`,
      );
    for (const pending of [...this.pending.values()]) pending.reject(reason);
  }
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('ESLint was cancelled');
}
