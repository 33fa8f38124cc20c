// Measures whether the tests execute the lines a change touched: the verify run of a
// `mode: auto` improvement runs with NODE_V8_COVERAGE pointing here, and afterwards each
// changed line of the commit is looked up in what every test process wrote.
import { mkdir, readdir, readFile, realpath, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { git, runGit } from '../adapters/git.js';
import type { ActivityDeps } from '../contracts/ports.js';
import { changedHunks } from '../core/change/hunks.js';
import { linesExecuted, mappedLinesExecuted, type ChangedLinesCoverage, type V8ScriptCoverage } from '../core/change/line-coverage.js';
import { mappedLineHits, type MappedScript, type SourceMapCacheEntry } from '../adapters/source-mapped-coverage.js';
import type { Workspace } from '../core/types.js';
import { gitContext } from './workspace/common.js';
import { ensureStateDir } from './state-dir.js';

/** A fresh, empty folder for one test run's coverage files. */
export async function coverageFolder(workspace: Workspace, runName: string): Promise<string> {
  const folder = join(await ensureStateDir(workspace.stateDir, 'coverage', workspace.runId), runName);
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  return folder;
}

/** Runs `measure` and then deletes the coverage files: V8 writes megabytes per test process. */
export async function measuredOnce<T>(folder: string, measure: () => Promise<T> | T): Promise<T> {
  try {
    return await measure();
  } finally {
    await rm(folder, { recursive: true, force: true });
    // The run's folder goes too once its last run's files are gone (rmdir refuses a full one).
    await rmdir(dirname(folder)).catch(() => undefined);
  }
}

/** The commit's changed lines (HEAD against the base) the tests did not run, file by file. */
export async function changedLinesCoverage(deps: ActivityDeps, workspace: Workspace, folder: string): Promise<ChangedLinesCoverage> {
  const repo = gitContext(deps, workspace.worktree);
  const names = (await git(repo, ['diff', '--name-only', '--diff-filter=AMR', '-z', workspace.baseCommit, 'HEAD'])).split('\0').filter(Boolean);
  const scripts = await readScripts(folder);
  let covered = 0;
  const uncovered: ChangedLinesCoverage['uncovered'] = [];
  for (const file of names) {
    const after = await readFile(join(workspace.worktree, file), 'utf8').catch(() => null);
    if (after === null) continue;
    const shown = await runGit(repo, ['show', `${workspace.baseCommit}:${file}`]);
    const before = shown.exitCode === 0 ? shown.stdout : '';
    const lines = changedLineNumbers(before, after);
    const path = await realpath(join(workspace.worktree, file)).catch(() => join(workspace.worktree, file));
    const own = scripts.get(path) ?? [];
    const mapped = own.filter((run): run is MappedScript => run.sourceMap !== undefined);
    // Transformed code (TypeScript through tsx): its source maps say which original lines ran.
    const { withCode, missed } = mapped.length
      ? mappedLinesExecuted(after, lines, await mappedLineHits(path, after, mapped))
      : linesExecuted(after, lines, own.map((run) => run.script));
    covered += withCode - missed.length;
    if (missed.length > 0) uncovered.push({ file, lines: missed });
  }
  return { covered, uncovered };
}

/** New lines of each hunk; a pure deletion stands for the line before it (the code that now runs on). */
function changedLineNumbers(before: string, after: string): number[] {
  return changedHunks(before, after).flatMap((h) => {
    if (h.newEnd >= h.newStart) return Array.from({ length: h.newEnd - h.newStart + 1 }, (_, i) => h.newStart + i);
    return [Math.max(1, h.newStart - 1)];
  });
}

/** One process's coverage of a script, with the source map it ran under when a loader transformed it. */
interface ScriptRun {
  script: V8ScriptCoverage;
  sourceMap?: SourceMapCacheEntry;
}

/** Every script of every coverage file, by real path; URLs that are not files are left out. */
async function readScripts(folder: string): Promise<Map<string, ScriptRun[]>> {
  const byPath = new Map<string, ScriptRun[]>();
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    let result: unknown;
    let sourceMaps: Record<string, unknown> = {};
    try {
      const written = JSON.parse(await readFile(join(folder, name), 'utf8')) as { result?: unknown; 'source-map-cache'?: Record<string, unknown> };
      result = written.result;
      sourceMaps = written['source-map-cache'] ?? {};
    } catch {
      continue; // A process killed while writing: what it ran counts as not run.
    }
    if (!Array.isArray(result)) continue;
    for (const script of result as V8ScriptCoverage[]) {
      if (typeof script?.url !== 'string' || !script.url.startsWith('file:') || !Array.isArray(script.functions)) continue;
      const path = await realpath(fileURLToPath(script.url)).catch(() => fileURLToPath(script.url));
      const sourceMap = sourceMapEntry(sourceMaps[script.url]);
      byPath.set(path, [...(byPath.get(path) ?? []), { script, ...(sourceMap ? { sourceMap } : {}) }]);
    }
  }
  return byPath;
}

/** A `source-map-cache` entry Node wrote for a transformed module, when it is complete. */
function sourceMapEntry(value: unknown): SourceMapCacheEntry | undefined {
  const entry = value as Partial<SourceMapCacheEntry> | undefined;
  if (!entry || !Array.isArray(entry.lineLengths) || typeof entry.data !== 'object' || entry.data === null) return undefined;
  return { lineLengths: entry.lineLengths, data: entry.data };
}
