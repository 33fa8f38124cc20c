// Runs the real git client against a test remote, asynchronously: the remote's server runs
// in the same process, so a blocking call would never get its answer.
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ISOLATED_GIT_ENV, identityEnv, type Identity } from './bare-repos.js';

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

export const PERSON: Identity = { name: 'Pat Person', email: 'pat@example.com' };

export function runGit(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<GitRun> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, env: { ...ISOLATED_GIT_ENV, ...identityEnv(PERSON), ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

/** Like runGit, but throws with git's output when the command fails. */
export async function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const run = await runGit(cwd, args, env);
  if (run.code !== 0) throw new Error(`git ${args.join(' ')} failed (${run.code}): ${run.stderr}`);
  return run.stdout;
}

/** `-c` options that send the token as a Bearer header with every request. */
export function bearerAuth(token: string): string[] {
  return ['-c', `http.extraHeader=Authorization: Bearer ${token}`];
}

/** `-c` options for git's own credential flow: a helper that answers the 401 challenge. */
export function credentialHelperAuth(user: string, token: string): string[] {
  return ['-c', 'credential.helper=', '-c', `credential.helper=!f() { echo username=${user}; echo password=${token}; }; f`];
}

/** A fresh empty folder, and a way to write files into it. */
export function scratchDir(prefix = 'kaizen-clone-'): { path: string; write(file: string, content: string): void; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    write(file, content) {
      mkdirSync(dirname(join(path, file)), { recursive: true });
      writeFileSync(join(path, file), content);
    },
    cleanup: () => rmSync(path, { recursive: true, force: true }),
  };
}
