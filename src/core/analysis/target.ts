// Which file one improvement works on. Pure: the analyse activity gathers the facts (sizes,
// tracked state, last commit times) and this decides, so every rule is unit-tested.
import type { Config } from '../config/config.js';
import { compileExcludes, type PathMatcher } from './globs.js';
import { normaliseRepoPath } from '../repository/path.js';
import type { Finding } from '../types.js';

/** The most findings of the target one improvement carries (fixable ones first). */
export const MAX_TARGET_FINDINGS = 50;

export interface FileFacts {
  /** Size in bytes in the worktree; undefined when the file does not exist there. */
  sizeBytes?: number;
  tracked: boolean;
  /** Unix seconds of the last commit that touched the file; undefined when not looked up. */
  lastCommitAt?: number | null;
  /** Why Kaizen never changes it (a test, a generated file, …; see protected-files.ts); undefined when not looked at. */
  protectedReason?: string | null;
}

export interface TargetChoiceInput {
  findings: Finding[];
  config: Pick<Config, 'exclude' | 'maxFileSizeKb' | 'recentChangeMinutes'>;
  facts: Record<string, FileFacts>;
  /** Files the user is editing in their checkout: never targeted automatically. */
  userDirtyFiles: string[];
  nowMs: number;
  filesAnalysed: number;
  /** A file the user asked for explicitly. */
  file?: string;
  /** Only files with findings the analyser can fix itself (the autofix strategy). */
  requireFixable?: boolean;
  /** Files other runs of the repository are improving (the governor's reservations): never a target. */
  reserved?: readonly string[];
  /** How many more eligible files, after the target, to name as alternatives (default none). */
  alternatives?: number;
}

export interface TargetChoice {
  target: string | null;
  findings: Finding[];
  fixableCount: number;
  reason?: string;
  /** Further eligible files, best first: what the run reserves instead when another run took the target meanwhile. */
  alternatives?: string[];
}

export interface Candidate {
  file: string;
  fixable: number;
  total: number;
}

/** Files with findings, best first: most fixable findings, then most findings, then path. */
export function rankCandidates(findings: Finding[]): Candidate[] {
  const byFile = new Map<string, Candidate>();
  for (const finding of findings) {
    const candidate = byFile.get(finding.file) ?? { file: finding.file, fixable: 0, total: 0 };
    candidate.total++;
    if (finding.fixable) candidate.fixable++;
    byFile.set(finding.file, candidate);
  }
  return [...byFile.values()].sort(
    (a, b) => b.fixable - a.fixable || b.total - a.total || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
  );
}

/** The ranked candidates this choice considers (only fixable ones for autofix). */
export function candidatesFor(input: TargetChoiceInput): Candidate[] {
  const ranked = rankCandidates(input.findings);
  return input.requireFixable ? ranked.filter((c) => c.fixable > 0) : ranked;
}

/**
 * Why a file with findings may not be an automatic target, or null when it may. A file
 * whose last commit time was not looked up counts as not recently changed.
 */
export function skipReason(file: string, input: TargetChoiceInput, excluded: PathMatcher = compileExcludes(input.config)): string | null {
  if (excluded(file)) return 'excluded';
  if (input.reserved?.includes(file)) return 'being improved by another run';
  const facts = input.facts[file];
  if (facts?.protectedReason) return facts.protectedReason.replace(/^is /, '');
  if (facts?.sizeBytes !== undefined && facts.sizeBytes > input.config.maxFileSizeKb * 1024) {
    return `larger than ${input.config.maxFileSizeKb} KB`;
  }
  if (input.userDirtyFiles.includes(file)) return 'uncommitted changes in your checkout';
  if (input.findings.some((f) => f.file === file && f.fatal)) return 'does not parse';
  const lastCommitAt = facts?.lastCommitAt;
  if (lastCommitAt !== undefined && lastCommitAt !== null && input.config.recentChangeMinutes > 0) {
    const ageMs = input.nowMs - lastCommitAt * 1000;
    if (ageMs < input.config.recentChangeMinutes * 60_000) return `changed ${describeAge(ageMs)}`;
  }
  return null;
}

export function chooseTarget(input: TargetChoiceInput): TargetChoice {
  const excluded = compileExcludes(input.config);
  if (input.file !== undefined) return explicitTarget(input.file, input, excluded);

  const candidates = candidatesFor(input);
  if (candidates.length === 0) {
    const files = `${input.filesAnalysed} analysed ${input.filesAnalysed === 1 ? 'file' : 'files'}`;
    if (input.requireFixable && input.findings.length > 0) {
      return none(`no finding in ${files} has an automatic fix (${input.findings.length} need another strategy, e.g. --strategy llm)`);
    }
    return none(`no findings in ${files}`);
  }
  const skipped: string[] = [];
  let chosen: TargetChoice | null = null;
  const alternatives: string[] = [];
  for (const candidate of candidates) {
    if (chosen && alternatives.length >= (input.alternatives ?? 0)) break;
    const why = skipReason(candidate.file, input, excluded);
    if (why !== null) skipped.push(`${candidate.file} (${why})`);
    else if (chosen) alternatives.push(candidate.file);
    else chosen = targetOf(candidate.file, input.findings);
  }
  if (chosen) return alternatives.length ? { ...chosen, alternatives } : chosen;
  const listed = skipped.slice(0, 5).join(', ');
  const more = skipped.length > 5 ? `, … and ${skipped.length - 5} more` : '';
  const count = skipped.length === 1 ? 'the only file with findings was' : `all ${skipped.length} files with findings were`;
  return none(`${count} skipped: ${listed}${more}`);
}

/**
 * Why a file asked for by name may not be a target (missing, untracked, excluded, too large),
 * or its normalised path. Checked before it is analysed.
 */
export function requestedFileProblem(requested: string, input: TargetChoiceInput, excluded: PathMatcher = compileExcludes(input.config)): { file: string } | { problem: string } {
  const checked = normaliseRepoPath(requested);
  if (!checked.ok) return { problem: `${checked.problem}; pass a repo-relative path of a tracked file` };
  const file = checked.path;
  const facts = input.facts[file];
  if (facts?.sizeBytes === undefined) return { problem: `${file} does not exist in the repository` };
  if (!facts.tracked) return { problem: `${file} is not tracked by git; commit it first` };
  if (excluded(file)) {
    return { problem: `${file} is excluded (built-in excludes or "exclude" in kaizen.config.json), so Kaizen never changes it` };
  }
  if (facts.protectedReason) return { problem: `${file} ${facts.protectedReason}, so Kaizen never targets it` };
  if (facts.sizeBytes > input.config.maxFileSizeKb * 1024) {
    return { problem: `${file} is larger than maxFileSizeKb (${input.config.maxFileSizeKb} KB); raise it in kaizen.config.json` };
  }
  return { file };
}

/** An explicitly requested file must pass requestedFileProblem and have something to fix. */
function explicitTarget(requested: string, input: TargetChoiceInput, excluded: PathMatcher): TargetChoice {
  const checked = requestedFileProblem(requested, input, excluded);
  if ('problem' in checked) return none(checked.problem);
  const { file } = checked;
  if (input.reserved?.includes(file)) return none(`${file} is being improved by another run of this repository; wait for it to end (kaizen status) or pick another file`);
  // No targeted finding, no change: a file asked for by name still needs something to fix.
  const own = input.findings.filter((f) => f.file === file);
  if (own.length === 0) return none(`nothing to fix in ${file}: the analysers report no finding there for this strategy`);
  if (input.requireFixable && !own.some((f) => f.fixable)) {
    return none(`nothing to fix in ${file}: ${own.length === 1 ? 'its one finding has no' : `none of its ${own.length} findings has an`} automatic fix (try --strategy llm)`);
  }
  return targetOf(file, input.findings);
}

function targetOf(file: string, findings: Finding[]): TargetChoice {
  const own = findings.filter((f) => f.file === file);
  const ordered = [...own].sort(
    (a, b) => Number(b.fixable) - Number(a.fixable) || a.line - b.line || a.column - b.column,
  );
  return {
    target: file,
    findings: ordered.slice(0, MAX_TARGET_FINDINGS),
    fixableCount: own.filter((f) => f.fixable).length,
  };
}

function none(reason: string): TargetChoice {
  return { target: null, findings: [], fixableCount: 0, reason };
}

function describeAge(ageMs: number): string {
  const minutes = Math.floor(Math.max(0, ageMs) / 60_000);
  if (minutes < 1) return 'less than a minute ago';
  return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
}
