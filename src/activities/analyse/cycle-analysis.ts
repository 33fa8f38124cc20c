// A cycle's analysis of the whole repository, incrementally: findings are cached per commit
// under <repo>/.kaizen/cache/findings/, and only files changed since the last analysed commit
// are analysed again. Then the candidates are ranked and the skip rules applied.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testGlobsOf, type Config } from '../../core/config/config.js';
import { toCandidate, type CycleAnalysis, type CycleCandidate } from '../../core/governor/cycle.js';
import { FINDINGS_CACHE_VERSION, parseFindingsCache, planIncremental, type FindingsCacheFile } from '../../core/analysis/findings-cache.js';
import { compileExcludes } from '../../core/analysis/globs.js';
import { isLlmStrategy } from '../../core/llm/kinds.js';
import { candidatesFor, skipReason, type TargetChoiceInput } from '../../core/analysis/target.js';
import type { Finding, Workspace } from '../../core/types.js';
import { activityContext } from '../context.js';
import { readableFiles, runAnalysers, withinSizeLimit } from './run-analysers.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { kaizenRules } from './kaizen-scan.js';
import { generatedReason, loadProtectedFiles } from './protected.js';
import { changedFilesBetween, lastCommitAt, regularFileSizes, trackedFiles, type GitReadOptions } from './repo-files.js';
import { ensureStateDir } from '../state-dir.js';

const KEEP_CACHE_FILES = 5;
const LATEST = 'latest';

export interface CycleAnalysisInput {
  workspace: Workspace;
  config: Config;
  /** Stop after this many eligible candidates (the rest are not looked at). */
  maxCandidates: number;
}

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

export async function analyseForCycle(deps: ActivityDeps, input: CycleAnalysisInput): Promise<CycleAnalysis> {
  const { workspace, config } = input;
  const ctx = activityContext();
  const signal = ctx?.cancellationSignal;
  const git: GitReadOptions = { cwd: workspace.worktree, env: deps.env, ...(signal ? { signal } : {}) };
  const progress = ctx ? { signal: ctx.cancellationSignal, heartbeat: (detail: string) => ctx.heartbeat(detail) } : {};

  // Tests, generated files and the like are never targets, so they are not analysed.
  const protection = await loadProtectedFiles(workspace.worktree, config);
  const readable = readableFiles(config, await trackedFiles(git)).filter((file) => protection.reasonFor(file) === null);
  const sizes = await regularFileSizes(workspace.worktree, readable);
  const eligible = withinSizeLimit(config, readable, sizes);
  const configKey = analysisConfigKey(config);
  const cacheDir = findingsCacheDir(workspace.stateDir);
  const cache = await readLatestCache(cacheDir);
  const changed = cache ? await changedFilesBetween(git, cache.commit, workspace.baseCommit) : null;
  const plan = planIncremental({ cache, configKey, eligible, changed });

  const fresh = plan.reanalyse.length ? await runAnalysers(deps, { workspace, config, files: plan.reanalyse, ...progress }) : null;
  const findings: Finding[] = [...plan.reused, ...(fresh?.findings ?? [])];
  await ensureStateDir(workspace.stateDir);
  await writeCache(cacheDir, { version: FINDINGS_CACHE_VERSION, commit: workspace.baseCommit, configKey, files: eligible, findings });

  const { candidates, skipped } = await rankWithSkipRules(git, config, workspace, findings, sizes, eligible.length, input.maxCandidates);
  return {
    commit: workspace.baseCommit,
    totalFindings: findings.length,
    fixableFindings: findings.filter((f) => f.fixable).length,
    filesAnalysed: eligible.length,
    filesReanalysed: plan.reanalyse.length,
    reusedFrom: plan.reusedFrom,
    analysers: fresh?.analysers ?? [...new Set(findings.map((f) => f.analyser))],
    candidates,
    skipped,
  };
}

/**
 * The ranked candidates (most fixable findings first) that pass the skip rules; last commit
 * times are looked up only for files that pass every other rule, until enough are found.
 */
async function rankWithSkipRules(
  git: GitReadOptions,
  config: Config,
  workspace: Workspace,
  findings: Finding[],
  sizes: ReadonlyMap<string, number>,
  filesAnalysed: number,
  max: number,
): Promise<{ candidates: CycleCandidate[]; skipped: { file: string; reason: string }[] }> {
  const input: TargetChoiceInput = {
    findings,
    config,
    facts: {},
    userDirtyFiles: workspace.userDirtyFiles,
    nowMs: Date.now(),
    filesAnalysed,
    // Only autofix allowed: files without fixable findings are no candidates.
    requireFixable: !config.strategies.some(isLlmStrategy),
  };
  for (const [file, sizeBytes] of sizes) input.facts[file] = { tracked: true, sizeBytes };
  const excluded = compileExcludes(config);
  const candidates: CycleCandidate[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const ranked of candidatesFor(input)) {
    if (candidates.length >= max) break;
    let why = skipReason(ranked.file, input, excluded);
    if (why === null) {
      const facts = input.facts[ranked.file] ?? { tracked: true };
      input.facts[ranked.file] = facts;
      facts.protectedReason = await generatedReason(workspace.worktree, ranked.file);
      if (facts.protectedReason === null && config.recentChangeMinutes > 0) facts.lastCommitAt = await lastCommitAt(git, ranked.file);
      why = skipReason(ranked.file, input, excluded);
    }
    const candidate = why === null ? toCandidate(ranked.file, findings) : null;
    if (candidate) candidates.push(candidate);
    else if (skipped.length < 20) skipped.push({ file: ranked.file, reason: why ?? 'no findings' });
  }
  return { candidates, skipped };
}

async function readLatestCache(dir: string): Promise<FindingsCacheFile | null> {
  try {
    const commit = (await readFile(join(dir, LATEST), 'utf8')).trim();
    if (!/^[0-9a-f]{7,64}$/.test(commit)) return null;
    return parseFindingsCache(await readFile(join(dir, `${commit}.json`), 'utf8'));
  } catch {
    return null;
  }
}

/** Writes the commit's findings and points `latest` at them (each by rename, so a crash leaves the old cache). */
async function writeCache(dir: string, cache: FindingsCacheFile): Promise<void> {
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
