// The test results Kaizen remembers per git tree and test command, under
// <repo>/.kaizen/cache/tests/ (shared by every worker of the repository on this host):
// a green run forever (an unchanged tree is never tested twice), a red one for `test.rememberRed`
// (an hour by default), so a repository known to be red is skipped before any fix is generated
// or paid for.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { git, headStatus, type GitContext, type HeadStatus } from '../adapters/git.js';
import type { ActivityDeps } from '../contracts/ports.js';
import type { TestRun, Workspace } from '../core/types.js';
import { gitContext } from './workspace/common.js';

/** How long a red result is believed without running the tests again, unless the config says. */
export const DEFAULT_REMEMBER_RED_MS = 60 * 60_000;

/** A cached result, with when it was recorded (for a red one, its age decides). */
export interface CachedRun {
  run: TestRun;
  recordedAtMs: number;
}

/**
 * The cache file for the worktree's tree and this command, or null when the worktree has
 * uncommitted changes to tracked files (then HEAD's tree is not what the tests would see) or
 * no commit. The tree, in three cases: not `atBase`, HEAD's tree asked beside the status;
 * `atBase` (HEAD most likely the run's base) and HEAD is the base, the tree prepare read, after
 * one status; `atBase` and HEAD moved, its tree asked after the status.
 */
export async function testCachePath(deps: ActivityDeps, workspace: Workspace, command: string[], options: { atBase?: boolean } = {}): Promise<string | null> {
  const worktree = gitContext(deps, workspace.worktree);
  const tree = options.atBase && workspace.baseTree ? await treeNearBase(worktree, workspace.baseCommit, workspace.baseTree) : await treeAnywhere(worktree);
  if (tree === null) return null;
  const key = createHash('sha256').update(tree).update('\0').update(JSON.stringify(command)).digest('hex');
  return join(workspace.stateDir, 'cache', 'tests', `${key}.json`);
}

/** HEAD's commit when nothing tracked has changed, else null. */
function cleanHead(status: HeadStatus): string | null {
  return status.entries.length === 0 ? status.head : null;
}

/** HEAD anywhere (a verified change, an untouched tree): its tree asked beside the status, both at once. */
async function treeAnywhere(worktree: GitContext): Promise<string | null> {
  const [status, headTree] = await Promise.all([headStatus(worktree), git(worktree, ['rev-parse', 'HEAD^{tree}'])]);
  return cleanHead(status) === null ? null : headTree.trim();
}

/**
 * HEAD most likely at the base: one `git status`. HEAD at the base: the tree prepare read. HEAD
 * elsewhere (the checkout moved): one more call for its tree.
 */
async function treeNearBase(worktree: GitContext, baseCommit: string, baseTree: string): Promise<string | null> {
  const head = cleanHead(await headStatus(worktree));
  if (head === null) return null;
  if (head === baseCommit) return baseTree;
  return (await git(worktree, ['rev-parse', '--end-of-options', `${head}^{tree}`])).trim();
}

/** The remembered result: any green one, a red one younger than `rememberRedMs` (when `red`). */
export async function readCachedRun(path: string, options: { red: boolean; rememberRedMs?: number; nowMs?: number }): Promise<CachedRun | null> {
  let text: string;
  let recordedAtMs: number;
  try {
    [text, recordedAtMs] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => s.mtimeMs)]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let run: TestRun;
  try {
    run = JSON.parse(text) as TestRun;
  } catch {
    return null; // A torn or hand-edited file only costs a rerun.
  }
  if (run.passed === true) return { run, recordedAtMs };
  const fresh = (options.nowMs ?? Date.now()) - recordedAtMs < (options.rememberRedMs ?? DEFAULT_REMEMBER_RED_MS);
  return options.red && run.passed === false && fresh ? { run, recordedAtMs } : null;
}

/** Remembers a run: green, or red twice without a timeout (a timeout may be the machine's load). */
export async function writeCachedRun(path: string, run: TestRun): Promise<void> {
  if (!run.passed && run.timedOut) return;
  await mkdir(dirname(path), { recursive: true });
  // Write then rename, so a concurrent reader never sees half a file.
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, JSON.stringify(run));
  await rename(temporary, path);
}
