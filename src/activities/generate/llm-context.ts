// What an LLM prompt is built from, read from the run's worktree: the target (a regular file
// inside the repository, never a symlink or a secret), the test command, style hints, and for
// llm-tests the test files. Nothing here writes.
import { lstat, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join, posix, relative, resolve, sep } from 'node:path';
import type { Config } from '../../core/config/config.js';
import { NothingToProposeError } from '../../core/errors.js';
import { styleHint } from '../../core/llm/style-hints.js';
import { resolveTestCommand } from '../../core/test-runs/command.js';
import type { Workspace } from '../../core/types.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { loadProtectedFiles } from '../analyse/protected.js';
import { trackedFiles } from '../analyse/repo-files.js';

/** The target's content; refuses a symlink (it could smuggle in `.env` or a file outside the repo). */
export async function readTarget(workspace: Workspace, config: Config, target: string, isExcluded: (path: string) => boolean): Promise<string> {
  const root = resolve(workspace.worktree);
  const path = resolve(root, target);
  if (relative(root, path).startsWith(`..${sep}`)) {
    throw new NothingToProposeError(`${target} lies outside the worktree ${root}.`);
  }
  let content: string;
  try {
    const real = relative(await realpath(root), await realpath(path)).split(sep).join('/');
    if (real !== target) {
      const where = real.startsWith('../') || isExcluded(real) ? 'a file Kaizen never sends' : real;
      throw new NothingToProposeError(`${target} is a symbolic link to ${where}; Kaizen only sends and changes regular files.`);
    }
    content = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NothingToProposeError(`${target} does not exist in the worktree at ${workspace.baseCommit}; analyse again to pick a current file.`);
    }
    throw err;
  }
  const limit = config.maxFileSizeKb * 1024;
  if (Buffer.byteLength(content, 'utf8') > limit) {
    throw new NothingToProposeError(`${target} is larger than maxFileSizeKb (${config.maxFileSizeKb} KB); raise it in kaizen.config.json to let Kaizen change it.`);
  }
  return content;
}

/** The command the test step will run: the run's override, else test.command, else `npm test`. */
export async function testCommandFor(workspace: Workspace, config: Config, override?: string[]): Promise<string[] | null> {
  const packageJsonText = await readFile(join(workspace.worktree, 'package.json'), 'utf8').catch(() => null);
  const resolution = resolveTestCommand({ ...(override ? { override } : {}), configured: config.test.command, packageJsonText, required: config.test.required });
  return resolution.kind === 'run' ? resolution.command : null;
}

const PRETTIER_FILES = ['.prettierrc', '.prettierrc.json'];

/** The style line: the repo's .editorconfig and Prettier config (JSON forms), else the file itself. */
export async function styleFor(workspace: Workspace, target: string, content: string): Promise<string | null> {
  const read = (name: string) => readRegular(join(workspace.worktree, name));
  const editorconfig = await read('.editorconfig');
  let prettier: string | null = null;
  for (const name of PRETTIER_FILES) prettier ??= await read(name);
  if (prettier === null) {
    const pkg = await read('package.json');
    try {
      const key = pkg ? (JSON.parse(pkg) as { prettier?: unknown }).prettier : undefined;
      if (key && typeof key === 'object') prettier = JSON.stringify(key);
    } catch {
      // A broken package.json says nothing about style.
    }
  }
  return styleHint({ path: target, content, editorconfig, prettier });
}

async function readRegular(path: string): Promise<string | null> {
  const stats = await lstat(path).catch(() => null);
  if (!stats?.isFile()) return null;
  return readFile(path, 'utf8').catch(() => null);
}

export interface TestFiles {
  /** Every tracked test file (test.globs and the runner's config, not excluded). */
  paths: string[];
  isTestPath: (path: string) => boolean;
}

export async function listTestFiles(deps: ActivityDeps, workspace: Workspace, config: Config, isExcluded: (path: string) => boolean): Promise<TestFiles> {
  const { isTestFile: isTestPath } = await loadProtectedFiles(workspace.worktree, config);
  const tracked = await trackedFiles({ cwd: workspace.worktree, env: deps.env });
  return { paths: tracked.filter((path) => isTestPath(path) && !isExcluded(path)).sort(), isTestPath };
}

/** The test file closest to `source`: `math.test.js` for `math.js`, then one in a related folder. */
export function closestTestFile(source: string, tests: readonly string[]): string | null {
  const stem = basename(source).replace(/\.[^.]+$/, '');
  const sameStem = tests.filter((t) => basename(t).split('.')[0] === stem);
  const pool = sameStem.length ? sameStem : tests;
  const dir = dirname(source);
  const score = (t: string) => commonPrefix(dirname(t).split('/'), dir.split('/'));
  return [...pool].sort((a, b) => score(b) - score(a) || a.length - b.length || (a < b ? -1 : 1))[0] ?? null;
}

function commonPrefix(a: string[], b: string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** Reads a test file for the prompt when it is a regular file inside the worktree and small enough. */
export async function readTestFile(workspace: Workspace, config: Config, path: string): Promise<string | null> {
  const full = resolve(workspace.worktree, path);
  const root = await realpath(workspace.worktree);
  const real = await realpath(full).catch(() => null);
  if (real === null || relative(root, real).split(sep).join('/') !== posix.normalize(path)) return null;
  const content = await readRegular(full);
  if (content === null || Buffer.byteLength(content, 'utf8') > config.maxFileSizeKb * 1024) return null;
  return content;
}
