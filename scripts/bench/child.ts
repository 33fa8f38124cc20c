// Runs one child process without a shell and times it from spawn to exit: the same clock
// for Kaizen's command line and the plain script.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Kaizen's own folder (this file is scripts/bench/child.ts). */
export const KAIZEN_HOME = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ChildResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Epoch ms just before spawn and at exit. */
  spawnedAt: number;
  exitedAt: number;
  wallMs: number;
}

export interface ChildOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export function runChild(argv: readonly string[], options: ChildOptions = {}): Promise<ChildResult> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('runChild needs a command');
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const spawnedAt = Date.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      resolveRun({
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        spawnedAt,
        exitedAt: spawnedAt + wallMs,
        wallMs,
      });
    });
  });
}

/** Runs a command that must succeed; the error names it and shows its output's tail. */
export async function mustRun(argv: readonly string[], options: ChildOptions = {}): Promise<ChildResult> {
  const result = await runChild(argv, options);
  if (result.exitCode !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().slice(-2000);
    throw new Error(`'${argv.join(' ')}' in ${options.cwd ?? process.cwd()} exited with ${result.exitCode}:\n${tail}`);
  }
  return result;
}
