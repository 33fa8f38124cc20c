// One cycle's vocabulary: what its analysis hands the workflow, the summary it keeps (query
// `summary`, workflow result, ledger line). Pure and plain JSON.
import { primaryFamily } from './learner.js';
import { OUTCOMES, type Finding, type ImprovementResult, type Outcome, type Strategy } from '../types.js';

export interface CycleInput {
  /** Absolute path of the repository on the worker's host. */
  repoPath: string;
  /** Who started it: a Temporal Schedule or `kaizen cycle`. */
  trigger?: 'schedule' | 'manual';
}

/** A file worth an improvement, with the rule family the governor learns about. */
export interface CycleCandidate {
  file: string;
  fixable: number;
  total: number;
  family: string;
  /** The analyser can fix that family itself (autofix applies). */
  familyFixable: boolean;
  rules: string[];
}

export interface CycleAnalysis {
  commit: string;
  totalFindings: number;
  fixableFindings: number;
  /** Files whose findings the result covers. */
  filesAnalysed: number;
  /** Of those, the files the analysers actually ran on (the rest came from the cache). */
  filesReanalysed: number;
  /** The commit whose cached findings were reused, or null for a full analysis. */
  reusedFrom: string | null;
  analysers: string[];
  /** Best first, eligible for an automatic improvement. */
  candidates: CycleCandidate[];
  /** Files with findings that may not be targeted now, with why (capped). */
  skipped: { file: string; reason: string }[];
}

export type CycleStatus = 'running' | 'completed' | 'paused' | 'disabled' | 'failed';

export interface CycleImprovement {
  workflowId: string;
  file: string | null;
  strategy: Strategy;
  outcome: Outcome;
  reason: string;
  durationMs: number;
  findingsFixed: number;
  linesAdded: number;
  linesRemoved: number;
  commit?: string;
  branch?: string;
}

export interface CycleSummary {
  cycleId: string;
  repo: string;
  trigger: 'schedule' | 'manual';
  status: CycleStatus;
  /** One line: what the cycle did, or why it did nothing. */
  reason: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: Record<Outcome, number>;
  results: CycleImprovement[];
  /** Findings on the target branch before the cycle and after its improvements (null: not analysed). */
  findingsBefore: number | null;
  findingsAfter: number | null;
  filesAnalysed: number;
  filesReanalysed: number;
  candidates: number;
  /** Candidates not started, and why (budget answers, skip rules). */
  skipped: { file: string | null; reason: string }[];
  /** When the governor expects the next free slot (from its last refusal). */
  nextSlotAt: string | null;
  /** `refs/kaizen/backup/*` refs deleted for being older than backup.keepDays. */
  backupRefsPruned: number;
}

/** One `kind: "cycle"` line of the ledger (improvement lines have no kind, or `improvement`). */
export interface CycleLedgerEntry {
  kind: 'cycle';
  timestamp: string;
  workflowId: string;
  repo: string;
  trigger: 'schedule' | 'manual';
  status: CycleStatus;
  reason: string;
  counts: Record<Outcome, number>;
  findingsBefore: number | null;
  findingsAfter: number | null;
  durationMs: number | null;
  improvements: { workflowId: string; file: string | null; strategy: Strategy; outcome: Outcome }[];
  skipped: { file: string | null; reason: string }[];
  nextSlotAt: string | null;
}

export function emptyCounts(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
}

export function newCycleSummary(cycleId: string, repo: string, trigger: 'schedule' | 'manual', startedAt: string): CycleSummary {
  return {
    cycleId,
    repo,
    trigger,
    status: 'running',
    reason: 'analysing',
    startedAt,
    finishedAt: null,
    durationMs: null,
    counts: emptyCounts(),
    results: [],
    findingsBefore: null,
    findingsAfter: null,
    filesAnalysed: 0,
    filesReanalysed: 0,
    candidates: 0,
    skipped: [],
    backupRefsPruned: 0,
    nextSlotAt: null,
  };
}

export function briefOf(result: ImprovementResult): CycleImprovement {
  return {
    workflowId: result.workflowId,
    file: result.file,
    strategy: result.strategy,
    outcome: result.outcome,
    reason: result.reason,
    durationMs: Math.max(0, Date.parse(result.finishedAt) - Date.parse(result.startedAt)),
    findingsFixed: result.findingsFixed,
    linesAdded: result.linesAdded,
    linesRemoved: result.linesRemoved,
    ...(result.commit ? { commit: result.commit } : {}),
    ...(result.branch ? { branch: result.branch } : {}),
  };
}

/** A candidate file's family and rules, from its findings. */
export function toCandidate(file: string, findings: readonly Finding[]): CycleCandidate | null {
  const own = findings.filter((f) => f.file === file);
  const primary = primaryFamily(own);
  if (!primary) return null;
  return {
    file,
    fixable: own.filter((f) => f.fixable).length,
    total: own.length,
    family: primary.family,
    familyFixable: primary.fixable,
    rules: [...new Set(own.map((f) => f.ruleId))].sort(),
  };
}

/** One line saying what a finished cycle did. */
export function describeCycle(summary: CycleSummary): string {
  const landed = summary.counts.applied + summary.counts.proposed;
  const started = summary.results.length;
  if (started === 0) return summary.skipped[0] ? `no improvement started: ${summary.skipped[0].reason}` : summary.candidates === 0 ? 'nothing to improve' : 'no improvement started';
  const parts = OUTCOMES.filter((o) => summary.counts[o] > 0).map((o) => `${summary.counts[o]} ${o}`);
  return `${started} improvement${started === 1 ? '' : 's'} (${parts.join(', ')}); ${landed} change${landed === 1 ? '' : 's'} landed or proposed`;
}

export function cycleLedgerEntry(summary: CycleSummary): CycleLedgerEntry {
  return {
    kind: 'cycle',
    timestamp: summary.finishedAt ?? summary.startedAt,
    workflowId: summary.cycleId,
    repo: summary.repo,
    trigger: summary.trigger,
    status: summary.status,
    reason: summary.reason,
    counts: summary.counts,
    findingsBefore: summary.findingsBefore,
    findingsAfter: summary.findingsAfter,
    durationMs: summary.durationMs,
    improvements: summary.results.map((r) => ({ workflowId: r.workflowId, file: r.file, strategy: r.strategy, outcome: r.outcome })),
    skipped: summary.skipped.slice(0, 20),
    nextSlotAt: summary.nextSlotAt,
  };
}
