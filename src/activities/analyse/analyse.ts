// analyse: runs the analysers in the run's worktree and chooses the target file;
// checkFindings: the findings gate of verify, on the committed change in the worktree.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { durationMs, type Config } from '../../core/config/config.js';
import { changedHunks, IDENTITY_LINE_MAP, lineMapOf } from '../../core/change/hunks.js';
import { compareFindings, ruleCountsOf } from '../../core/analysis/finding-match.js';
import { compileExcludes } from '../../core/analysis/globs.js';
import { normaliseRepoPath } from '../../core/repository/path.js';
import { candidatesFor, chooseTarget, requestedFileProblem, skipReason, type TargetChoiceInput } from '../../core/analysis/target.js';
import type { AnalyseResult, Finding, Strategy, VerifyFindingsResult, Workspace } from '../../core/types.js';
import { findingsForStrategy, isLlmStrategy, LLM_KINDS, type KaizenRule } from '../../core/llm/kinds.js';
import { activityContext } from '../context.js';
import { analyserIds, readableFiles, runAnalysers, withinSizeLimit, type AnalysisOutcome } from './run-analysers.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { kaizenRulesIn, kaizenScanReads } from './kaizen-scan.js';
import { generatedReason, loadProtectedFiles, protectionReason } from './protected.js';
import { fileAt, lastCommitAt, regularFileSizes, trackedFiles, type GitReadOptions } from './repo-files.js';
import { analyseIncrementally } from './findings-store.js';
import { knownEslintFindings, rememberVerifiedFindings } from './verify-lint.js';
import { EslintSession } from '../../adapters/eslint-session.js';
import { prepareEslintFix } from '../generate/prepared-fix.js';

export interface AnalyseInput {
  workspace: Workspace;
  config: Config;
  /** Analyse only this repo-relative file and make it the target. */
  file?: string;
  /** With 'autofix', only files with findings the analyser can fix are candidates. */
  strategy?: Strategy;
  /** Files other runs are improving (the governor's reservations): never the target. */
  reserved?: string[];
}

/** Eligible files named after the target, for the reservation to fall back on (see core/governor/reservations.ts). */
export const TARGET_ALTERNATIVES = 8;

export interface CheckFindingsInput {
  workspace: Workspace;
  config: Config;
  target: string;
  /** The target's findings before the change. */
  before: Finding[];
  /** The findings the change was meant to fix. */
  targets: Finding[];
  /** AnalyseResult.targetRuleCounts: the full baseline when `before` is capped. */
  beforeRuleCounts?: Record<string, number>;
  /** The commit `before` was found on (lines are followed from there); default: the workspace's base. */
  analysedCommit?: string;
  /** llm-tests need not remove a finding (its test gate measures it); every other strategy must. */
  strategy?: Strategy;
  /** The proposal verified: its body may hold ESLint's findings on what it proposed (autofix). */
  proposalPath?: string;
}

export function createAnalyseActivities(deps: ActivityDeps) {
  return {
    async analyse(input: AnalyseInput): Promise<AnalyseResult> {
      // The analysis's ESLint process stays warm for the autofix of the file it picks.
      const eslintSession = new EslintSession(deps.kaizenHome);
      try {
        return await analyseWith(deps, input, eslintSession);
      } finally {
        await eslintSession.close();
      }
    },

    async checkFindings(input: CheckFindingsInput): Promise<VerifyFindingsResult> {
      const { workspace, config } = input;
      const checked = normaliseRepoPath(input.target);
      if (!checked.ok) {
        return { ok: false, parses: false, remaining: [], introduced: [], reason: `cannot check the target: ${checked.problem}` };
      }
      const target = checked.path;
      const sizes = await regularFileSizes(workspace.worktree, [target]);
      if (!sizes.has(target)) {
        return { ok: false, parses: false, remaining: [], introduced: [], reason: `${target} no longer exists after the change` };
      }
      const run = runContext(workspace, deps.env);
      const analysedCommit = input.analysedCommit ?? workspace.baseCommit;
      const now = await readFile(join(workspace.worktree, target), 'utf8');
      // The gate scans for every Kaizen rule the baseline had, or a targeted finding would vanish unseen.
      const extraKaizenRules = kaizenRulesIn([...input.before, ...input.targets]);
      // What autofix's dry run reported on exactly this content is not linted again.
      const known = await knownEslintFindings({ workspace, target, content: now, analysedCommit, ...(input.proposalPath ? { proposalPath: input.proposalPath } : {}) });
      const knownEslint = known ? new Map([[target, known]]) : undefined;
      const analysis = await runAnalysers(deps, { workspace, config, files: [target], extraKaizenRules, ...run.progress, ...(knownEslint ? { knownEslint } : {}) });
      // Findings are followed to where their lines went between the analysed commit and now.
      const before = await fileAt(run.git, analysedCommit, target);
      const result = compareFindings({
        target,
        before: input.before,
        after: analysis.findings,
        targets: input.targets,
        lineMap: before === null ? IDENTITY_LINE_MAP : lineMapOf(changedHunks(before, now)),
        requireFixed: input.strategy !== 'llm-tests',
        ...(input.beforeRuleCounts ? { beforeRuleCounts: input.beforeRuleCounts } : {}),
      });
      if (result.ok) await rememberVerifiedFindings({ workspace, config, git: run.git, target, targetFindings: analysis.findings, analysedCommit, extraKaizenRules });
      return result;
    },
  };
}

async function analyseWith(deps: ActivityDeps, input: AnalyseInput, eslintSession: EslintSession): Promise<AnalyseResult> {
  const { workspace, config } = input;
  const deadlineMs = Date.now() + durationMs(config.timeouts.analyse);
  const run = runContext(workspace, deps.env, eslintSession);
  const choiceInput: TargetChoiceInput = {
    findings: [],
    config,
    facts: {},
    userDirtyFiles: workspace.userDirtyFiles,
    nowMs: Date.now(),
    filesAnalysed: 0,
    requireFixable: input.strategy === 'autofix',
    ...(input.reserved?.length ? { reserved: input.reserved } : {}),
    alternatives: TARGET_ALTERNATIVES,
  };
  const analysis =
    input.file !== undefined
      ? await analyseRequestedFile(deps, input, input.file, run, choiceInput)
      : await analyseRepository(deps, input, run, choiceInput);
  // A strategy only targets findings it works on (llm-complexity: its own rule's, llm: no untested export, …).
  const kind = input.strategy && isLlmStrategy(input.strategy) ? LLM_KINDS[input.strategy] : null;
  choiceInput.findings = input.strategy ? findingsForStrategy(input.strategy, analysis.findings) : analysis.findings;
  choiceInput.filesAnalysed = analysis.filesAnalysed;
  const choice = chooseTarget(choiceInput);
  const targetBytes = choice.target === null ? undefined : choiceInput.facts[choice.target]?.sizeBytes;
  if (choice.target === null && kind?.rule && analysis.findings.length > 0 && choiceInput.findings.length === 0 && input.file === undefined) {
    choice.reason = `no file has a '${kind.rule}' finding for ${kind.strategy} (${kind.purpose}); ${analysis.findings.length} other findings need another strategy`;
  }
  if (input.strategy === 'autofix' && choice.target !== null) {
    await prepareEslintFix(deps, { workspace, config, target: choice.target, findings: choice.findings, session: eslintSession, deadlineMs, ...run.progress });
  }
  return {
    target: choice.target,
    findings: choice.findings,
    fixableCount: choice.fixableCount,
    targetRuleCounts: ruleCountsOf(analysis.findings.filter((f) => f.file === choice.target)),
    totalFindings: analysis.findings.length,
    filesAnalysed: analysis.filesAnalysed,
    analysers: analysis.analysers,
    ...(choice.reason !== undefined ? { reason: choice.reason } : {}),
    ...(targetBytes !== undefined ? { targetBytes } : {}),
    ...(choice.alternatives?.length ? { alternatives: choice.alternatives } : {}),
  };
}

/** The Kaizen scan the run's own strategy needs (llm-complexity: complexity, …). */
function ownRules(input: AnalyseInput): KaizenRule[] {
  const rule = input.strategy && isLlmStrategy(input.strategy) ? LLM_KINDS[input.strategy].rule : null;
  return rule ? [rule] : [];
}

interface RunContext {
  git: GitReadOptions;
  progress: { signal?: AbortSignal; heartbeat?: (detail: string) => void; eslintSession?: EslintSession };
}

/** Cancellation and heartbeats when running as an activity; nothing when called directly. */
function runContext(workspace: Workspace, env: NodeJS.ProcessEnv, eslintSession?: EslintSession): RunContext {
  const context = activityContext();
  const signal = context?.cancellationSignal;
  const session = eslintSession ? { eslintSession } : {};
  return {
    git: { cwd: workspace.worktree, env, ...(signal ? { signal } : {}) },
    progress: context ? { signal: context.cancellationSignal, heartbeat: (detail) => context.heartbeat(detail), ...session } : session,
  };
}

/** Analyses only the requested file, once the target rules allow it; fills in its facts. */
async function analyseRequestedFile(
  deps: ActivityDeps,
  input: AnalyseInput,
  requested: string,
  run: RunContext,
  choiceInput: TargetChoiceInput,
): Promise<AnalysisOutcome> {
  choiceInput.file = requested;
  const checked = normaliseRepoPath(requested);
  if (checked.ok) {
    const file = checked.path;
    const [tracked, sizes] = await Promise.all([trackedFiles(run.git, [file]), regularFileSizes(run.git.cwd, [file])]);
    const sizeBytes = sizes.get(file);
    const protection = await loadProtectedFiles(input.workspace.worktree, input.config);
    const protectedReason = sizeBytes === undefined ? null : await protectionReason(input.workspace.worktree, protection, file);
    choiceInput.facts[file] = { tracked: tracked.includes(file), protectedReason, ...(sizeBytes !== undefined ? { sizeBytes } : {}) };
  }
  // The same rules decide before the analysis (missing, untracked, excluded, too large).
  const allowed = requestedFileProblem(requested, choiceInput);
  const extraKaizenRules = ownRules(input);
  if ('problem' in allowed) return { findings: [], analysers: analyserIds(input.config, extraKaizenRules), filesAnalysed: 0 };
  const request = { workspace: input.workspace, config: input.config, ...run.progress };
  // A cycle's child: the cycle's analysis of this commit usually has the file's findings already.
  if (extraKaizenRules.length === 0) return analyseIncrementally(deps, { ...request, git: run.git, eligible: [allowed.file], persist: false });
  return runAnalysers(deps, { ...request, files: [allowed.file], extraKaizenRules });
}

/**
 * Analyses every tracked file an analyser reads, through the findings cache (only files
 * changed since its commit run the analysers again); looks up commit times for the ranking.
 */
async function analyseRepository(
  deps: ActivityDeps,
  input: AnalyseInput,
  run: RunContext,
  choiceInput: TargetChoiceInput,
): Promise<AnalysisOutcome> {
  const { workspace, config } = input;
  const tracked = await trackedFiles(run.git);
  const protection = await loadProtectedFiles(workspace.worktree, config);
  // A run of a prompt kind scans JS/TS files even when no configured analyser reads them.
  // Tests, generated files and the like are never targets, so they are not analysed.
  const readable = [...new Set([...readableFiles(config, tracked), ...(ownRules(input).length ? tracked.filter(kaizenScanReads) : [])])]
    .filter((file) => !compileExcludes(config)(file) && protection.reasonFor(file) === null)
    .sort();
  const sizes = await regularFileSizes(workspace.worktree, readable);
  const eligible = withinSizeLimit(config, readable, sizes);
  // The findings cache holds what the configured analysers found; a prompt kind's own scan is extra.
  const analysis = ownRules(input).length
    ? await runAnalysers(deps, { workspace, config, files: eligible, extraKaizenRules: ownRules(input), ...run.progress })
    : await analyseIncrementally(deps, { workspace, config, git: run.git, eligible, ...run.progress });
  for (const finding of analysis.findings) {
    const sizeBytes = sizes.get(finding.file);
    choiceInput.facts[finding.file] = { tracked: true, ...(sizeBytes !== undefined ? { sizeBytes } : {}) };
  }
  choiceInput.findings = analysis.findings;
  await lookUpFacts(run.git, workspace.worktree, choiceInput);
  return analysis;
}

/**
 * Looks at candidates in ranking order (a generated-file marker, then the last commit time)
 * until the target and its alternatives pass every rule, so a repository with many files with
 * findings costs a few `git log` calls. The candidates still needed are looked up side by side,
 * a batch at a time: the facts of a file do not depend on the others', so the choice is the
 * same as one after the other, and the `git log` calls no longer wait for each other.
 */
async function lookUpFacts(git: GitReadOptions, worktree: string, input: TargetChoiceInput): Promise<void> {
  const excluded = compileExcludes(input.config);
  const pending = candidatesFor(input).filter((candidate) => skipReason(candidate.file, input, excluded) === null);
  let wanted = 1 + (input.alternatives ?? 0);
  while (wanted > 0 && pending.length > 0) {
    const batch = pending.splice(0, wanted);
    await Promise.all(
      batch.map(async ({ file }) => {
        const facts = input.facts[file] ?? { tracked: true };
        input.facts[file] = facts;
        facts.protectedReason = await generatedReason(worktree, file);
        if (facts.protectedReason === null && input.config.recentChangeMinutes > 0) facts.lastCommitAt = await lastCommitAt(git, file);
      }),
    );
    wanted -= batch.filter(({ file }) => skipReason(file, input, excluded) === null).length;
  }
}
