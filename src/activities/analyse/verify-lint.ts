// One ESLint pass per autofix improvement: the findings gate reuses what the autofix dry run
// already reported on the fixed file (its remaining messages) instead of linting it again,
// and the findings of a verified tree go into the findings cache, so the next improvement's
// analysis, whose base is that tree once the change lands, runs no analyser at all.
import { readProposalBody } from '../generate/proposal-store.js';
import type { Config } from '../../core/config/config.js';
import { FINDINGS_CACHE_VERSION } from '../../core/analysis/findings-cache.js';
import type { Finding, Workspace } from '../../core/types.js';
import type { KaizenRule } from '../../core/llm/kinds.js';
import { analysisConfigKey, findingsCacheDir, readFindingsCache, writeFindingsCache } from './findings-store.js';
import { kaizenRules } from './kaizen-scan.js';
import { changedFilesBetween, headTree, type GitReadOptions } from './repo-files.js';

export interface GateLintInput {
  workspace: Workspace;
  /** The normalised target, and its content as committed in the worktree now. */
  target: string;
  content: string;
  /** The proposal whose body may hold ESLint's findings on the content it proposed. */
  proposalPath?: string;
  /** The commit the run analysed; a rebase since then means other files changed too. */
  analysedCommit: string;
}

/**
 * ESLint's findings on the target as it is now, when the proposal's own lint saw exactly this
 * content on exactly this base; null: lint it.
 */
export async function knownEslintFindings(input: GateLintInput): Promise<Finding[] | null> {
  if (!input.proposalPath || input.analysedCommit !== input.workspace.baseCommit) return null;
  const body = await readProposalBody(input.proposalPath).catch(() => null);
  if (!body?.lint || body.lint.file !== input.target) return null;
  const proposed = body.files.find((f) => f.path === input.target);
  return proposed?.content === input.content ? body.lint.findings : null;
}

export interface VerifiedFindings {
  workspace: Workspace;
  config: Config;
  git: GitReadOptions;
  target: string;
  /** Every analyser's findings on the target now. */
  targetFindings: Finding[];
  analysedCommit: string;
  /** Kaizen scans the gate ran besides the configured ones. */
  extraKaizenRules: readonly KaizenRule[];
}

/**
 * Writes the findings of the worktree's HEAD tree (the analysed commit's, with the target's
 * replaced) under the tree's hash, when the analysed commit's cache is there and only the
 * target changed. A tree that never lands only costs the next analysis a diff.
 */
export async function rememberVerifiedFindings(input: VerifiedFindings): Promise<void> {
  const { workspace, config } = input;
  if (input.analysedCommit !== workspace.baseCommit) return;
  const configured = kaizenRules(config);
  if (!input.extraKaizenRules.every((rule) => configured.includes(rule))) return;
  const dir = findingsCacheDir(workspace.stateDir);
  const base = await readFindingsCache(dir, input.analysedCommit);
  const configKey = analysisConfigKey(config);
  if (!base || base.version !== FINDINGS_CACHE_VERSION || base.configKey !== configKey || !base.files.includes(input.target)) return;
  const changed = await changedFilesBetween(input.git, input.analysedCommit, 'HEAD');
  if (changed === null || changed.some((file) => file !== input.target)) return;
  const tree = await headTree(input.git);
  const findings = [...base.findings.filter((f) => f.file !== input.target), ...input.targetFindings.filter((f) => f.file === input.target)];
  await writeFindingsCache(dir, { version: FINDINGS_CACHE_VERSION, commit: tree, configKey, files: base.files, findings });
}
