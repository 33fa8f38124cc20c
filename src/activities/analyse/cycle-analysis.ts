// A cycle's analysis of the whole repository, incrementally: findings are cached per commit
// under <repo>/.kaizen/cache/findings/ (findings-store.ts), and only files changed since the
// last analysed commit are analysed again. Then the candidates are ranked and the skip rules applied.
import type { Config } from '../../core/config/config.js';
import { toCandidate, type CycleAnalysis, type CycleCandidate } from '../../core/governor/cycle.js';
import { compileExcludes } from '../../core/analysis/globs.js';
import { isLlmStrategy } from '../../core/llm/kinds.js';
import { candidatesFor, skipReason, type TargetChoiceInput } from '../../core/analysis/target.js';
import type { Finding, Workspace } from '../../core/types.js';
import { activityContext } from '../context.js';
import { readableFiles, withinSizeLimit } from './run-analysers.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { analyseIncrementally } from './findings-store.js';
import { generatedReason, loadProtectedFiles } from './protected.js';
import { lastCommitAt, regularFileSizes, trackedFiles, type GitReadOptions } from './repo-files.js';

export interface CycleAnalysisInput {
  workspace: Workspace;
  config: Config;
  /** Stop after this many eligible candidates (the rest are not looked at). */
  maxCandidates: number;
}

export { findingsCacheDir } from './findings-store.js';

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
  const analysis = await analyseIncrementally(deps, { workspace, config, git, eligible, ...progress });
  const { findings, plan } = analysis;

  const { candidates, skipped } = await rankWithSkipRules(git, config, workspace, findings, sizes, eligible.length, input.maxCandidates);
  return {
    commit: workspace.baseCommit,
    totalFindings: findings.length,
    fixableFindings: findings.filter((f) => f.fixable).length,
    filesAnalysed: eligible.length,
    filesReanalysed: plan.reanalyse.length,
    reusedFrom: plan.reusedFrom,
    analysers: analysis.analysers,
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
