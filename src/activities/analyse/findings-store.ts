// The findings cache on disk, shared by cycles and improvements of a repository:
// <repo>/.kaizen/cache/findings/<commit or tree>.json holds every eligible file's findings at
// that commit (or tree), and `latest` names the newest. An analysis re-runs the analysers only
// on files changed since then (core/analysis/findings-cache.ts), and verify writes the
// findings of a verified tree, so the next improvement starts without linting at all.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testGlobsOf, type Config } from '../../core/config/config.js';
import { FINDINGS_CACHE_VERSION, parseFindingsCache, planIncremental, type FindingsCacheFile, type IncrementalPlan } from '../../core/analysis/findings-cache.js';
import type { Workspace } from '../../core/types.js';
import type { EslintSession } from '../../adapters/eslint-session.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { kaizenRules } from './kaizen-scan.js';
import { changedFilesBetween, type GitReadOptions } from './repo-files.js';
import { analyserIds, runAnalysers, type AnalysisOutcome } from './run-analysers.js';
import { ensureStateDir } from '../state-dir.js';

const KEEP_CACHE_FILES = 5;
const LATEST = 'latest';
const KEY = /^[0-9a-f]{7,64}$/;

export function findingsCacheDir(stateDir: string): string {
  return join(stateDir, 'cache', 'findings');
}

/** What besides the files decides the findings: a change means a full analysis. */
export function analysisConfigKey(config: Config): string {
  const relevant = {
    eslint: config.eslint,
    analysers: config.analysers,
    exclude: config.exclude,
    maxFileSizeKb: config.maxFileSizeKb,
    // Kaizen's own scans (prompt kinds): which run, and what they depend on.
    kaizen: [kaizenRules(config), config.llm.complexityThreshold, testGlobsOf(config)],
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}

export interface IncrementalRequest {
  workspace: Workspace;
  config: Config;
  git: GitReadOptions;
  /** Every file that may be analysed now (tracked, read by an analyser, not excluded or protected, small enough). */
  eligible: string[];
  signal?: AbortSignal;
  heartbeat?: (detail: string) => void;
  /** false: read the cache only (`eligible` is not every file, so it must not replace the cache). */
  persist?: boolean;
  eslintSession?: EslintSession;
}

/** The findings of every eligible file at the workspace's base: cached ones, and fresh ones for changed files. */
export async function analyseIncrementally(deps: ActivityDeps, request: IncrementalRequest): Promise<AnalysisOutcome & { plan: IncrementalPlan }> {
  const { workspace, config, eligible } = request;
  const configKey = analysisConfigKey(config);
  const dir = findingsCacheDir(workspace.stateDir);
  const cache = await readLatestCache(dir);
  const changed = cache ? await changedFilesBetween(request.git, cache.commit, workspace.baseCommit) : null;
  const plan = planIncremental({ cache, configKey, eligible, changed });
  const progress = {
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.heartbeat ? { heartbeat: request.heartbeat } : {}),
    ...(request.eslintSession ? { eslintSession: request.eslintSession } : {}),
  };
  const fresh = plan.reanalyse.length ? await runAnalysers(deps, { workspace, config, files: plan.reanalyse, ...progress }) : null;
  const findings = [...plan.reused, ...(fresh?.findings ?? [])];
  if (request.persist !== false) {
    await ensureStateDir(workspace.stateDir);
    await writeFindingsCache(dir, { version: FINDINGS_CACHE_VERSION, commit: workspace.baseCommit, configKey, files: eligible, findings });
  }
  return { findings, analysers: analyserIds(config), filesAnalysed: eligible.length, plan };
}

export async function readLatestCache(dir: string): Promise<FindingsCacheFile | null> {
  try {
    const key = (await readFile(join(dir, LATEST), 'utf8')).trim();
    return KEY.test(key) ? await readFindingsCache(dir, key) : null;
  } catch {
    return null;
  }
}

/** The cache written for exactly this commit or tree, or null. */
export async function readFindingsCache(dir: string, key: string): Promise<FindingsCacheFile | null> {
  if (!KEY.test(key)) return null;
  try {
    return parseFindingsCache(await readFile(join(dir, `${key}.json`), 'utf8'));
  } catch {
    return null;
  }
}

/** Writes the findings at `cache.commit` and points `latest` at them (each by rename, so a crash leaves the old cache). */
export async function writeFindingsCache(dir: string, cache: FindingsCacheFile): Promise<void> {
  await mkdir(dir, { recursive: true });
  const suffix = `.tmp-${process.pid}-${Date.now()}`;
  const file = join(dir, `${cache.commit}.json`);
  await writeFile(file + suffix, JSON.stringify(cache));
  await rename(file + suffix, file);
  await writeFile(join(dir, LATEST) + suffix, `${cache.commit}\n`);
  await rename(join(dir, LATEST) + suffix, join(dir, LATEST));
  await pruneCache(dir);
}

async function pruneCache(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  if (names.length <= KEEP_CACHE_FILES) return;
  const dated = await Promise.all(names.map(async (name) => ({ name, mtime: (await stat(join(dir, name)).catch(() => null))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => b.mtime - a.mtime);
  await Promise.all(dated.slice(KEEP_CACHE_FILES).map((d) => unlink(join(dir, d.name)).catch(() => undefined)));
}
