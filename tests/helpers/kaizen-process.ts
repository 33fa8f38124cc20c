// The `kaizen` CLI as real child processes: one-shot commands (e.g. `doctor --json`) and a
// long-running `kaizen worker` that a test starts, waits for and stops by its own pid.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KAIZEN_ROOT } from './paths.js';

export { KAIZEN_ROOT, SAMPLE_REPO } from './paths.js';

const CLIENT = join(KAIZEN_ROOT, 'src', 'cli', 'main.ts');
/** The installed `kaizen` bin: the compiled single-file CLI when dist/ is fresh (see compiled-cli.test.ts). */
const BIN = join(KAIZEN_ROOT, 'bin', 'kaizen.cjs');
/** tsx's loader by its own URL, so the CLI also starts from a cwd outside Kaizen's folder. */
const TSX = import.meta.resolve('tsx');
const run = promisify(execFile);

/** How a test runs the CLI: the sources through tsx (default), or the installed bin. */
export interface CliEntry {
  bin?: boolean;
}

const argvOf = (args: string[], entry: CliEntry): string[] => (entry.bin ? [BIN, ...args] : ['--import', TSX, CLIENT, ...args]);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `kaizen <args>` to completion with exactly this environment (in `cwd`, default Kaizen's folder). */
export async function runKaizen(args: string[], env: NodeJS.ProcessEnv, options: { timeoutMs?: number; cwd?: string } & CliEntry = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, argvOf(args, options), { cwd: options.cwd ?? KAIZEN_ROOT, env, timeout: options.timeoutMs ?? 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

export interface KaizenProcess {
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once `text` has been printed; rejects if the process exits first or time runs out. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM (then SIGKILL after a grace period) and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL at once, like a crash or a power cut, and wait for the exit. */
  kill(): Promise<void>;
  /** Sends one signal (e.g. SIGINT, as Ctrl-C does) and returns at once. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited. */
  exited(): Promise<void>;
}

export function startKaizenProcess(args: string[], env: NodeJS.ProcessEnv, entry: CliEntry = {}): KaizenProcess {
  const child: ChildProcess = spawn(process.execPath, argvOf(args, entry), { cwd: KAIZEN_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return {
    output: () => output,
    async waitFor(text, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`kaizen ${args.join(' ')} exited before printing '${text}':\n${output}`);
        if (Date.now() > deadline) throw new Error(`kaizen ${args.join(' ')} did not print '${text}' within ${timeoutMs} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    signal(signal) {
      child.kill(signal);
    },
    exited: () => exited,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
