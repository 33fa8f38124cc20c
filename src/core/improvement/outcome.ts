// Pure helpers around an improvement's outcome: commit messages, ledger lines, the rule list.
import type { Finding, ImprovementResult, LlmAttempt, Proposal, Strategy, TestRun } from '../types.js';
import type { LedgerEntry } from '../ledger/types.js';

/** A ledger line carries at most this much diff: enough to read the change in a report. */
export const LEDGER_DIFF_LIMIT = 4000;

/** Each rule of the findings with how often it occurs, most frequent first (then by name). */
export function rulesByCount(findings: Finding[]): { rule: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([rule, count]) => ({ rule, count }));
}

/** 'prefer-const ×3, no-var' — the rules a change fixes, most frequent first. */
export function ruleCounts(findings: Finding[]): string {
  return rulesByCount(findings)
    .map(({ rule, count }) => (count > 1 ? `${rule} ×${count}` : rule))
    .join(', ');
}

export function uniqueRules(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => f.ruleId))].sort();
}

const SUBJECT_VERB: Record<Strategy, string> = {
  autofix: 'fix',
  llm: 'fix',
  'llm-complexity': 'simplify',
  'llm-error-handling': 'handle',
  'llm-tests': 'add tests for',
};

/** What the findings gate saw: the targets really gone, and those left for the next run. */
export interface VerifiedFindings {
  fixed: Finding[];
  remaining: Finding[];
}

export function commitMessage(file: string, proposal: Proposal, workflowId: string, verified?: VerifiedFindings): string {
  const fixed = verified?.fixed ?? proposal.targets;
  const rules = ruleCounts(fixed);
  const subject = `kaizen: ${SUBJECT_VERB[proposal.strategy]} ${rules || 'findings'} in ${file}`;
  const listed = (findings: Finding[]) => [
    ...findings.slice(0, 20).map((f) => `- ${f.file}:${f.line}:${f.column} ${f.ruleId}: ${f.message}`),
    ...(findings.length > 20 ? [`- … and ${findings.length - 20} more`] : []),
  ];
  const remaining = verified?.remaining ?? [];
  return [
    subject.length > 100 ? `${subject.slice(0, 97)}…` : subject,
    '',
    proposal.summary,
    '',
    `Findings fixed (${fixed.length}):`,
    ...listed(fixed),
    ...(remaining.length ? ['', `Left for the next run (${remaining.length}):`, ...listed(remaining)] : []),
    '',
    `Strategy: ${proposal.strategy}${proposal.llm ? ` (${proposal.llm.model}, prompt ${proposal.llm.promptVersion})` : ''}`,
    `Kaizen-Run: ${workflowId}`,
  ].join('\n');
}

function testSummary(run: TestRun | undefined): LedgerEntry['testsBefore'] {
  return run ? { passed: run.passed, cached: run.cached, durationMs: run.durationMs } : null;
}

// Not core/analysis/diff.ts's capText: that module pulls the `diff` package into the workflow bundle.
function capDiff(diff: string): string {
  if (diff.length <= LEDGER_DIFF_LIMIT) return diff;
  return `${diff.slice(0, LEDGER_DIFF_LIMIT)}\n… (${diff.length - LEDGER_DIFF_LIMIT} more characters)`;
}

export function ledgerEntry(result: ImprovementResult, llm?: Proposal['llm']): LedgerEntry {
  const durationsMs: LedgerEntry['durationsMs'] = {};
  for (const s of result.steps) durationsMs[s.step] = (durationsMs[s.step] ?? 0) + s.durationMs;
  return {
    timestamp: result.finishedAt,
    workflowId: result.workflowId,
    runId: result.runId,
    repo: result.repo,
    file: result.file,
    strategy: result.strategy,
    mode: result.mode,
    outcome: result.outcome,
    reason: result.reason,
    findingsFixed: result.findingsFixed,
    fixedRules: result.fixedRules,
    ...(result.family ? { family: result.family } : {}),
    linesAdded: result.linesAdded,
    linesRemoved: result.linesRemoved,
    testsBefore: testSummary(result.testsBefore),
    testsAfter: testSummary(result.testsAfter),
    commit: result.commit ?? null,
    branch: result.branch ?? null,
    ...(result.pullRequest ? { pullRequest: result.pullRequest } : {}),
    backupRef: result.backupRef ?? null,
    durationsMs,
    ...(llm ? { llm } : {}),
    ...(result.diffExcerpt ? { diffExcerpt: capDiff(result.diffExcerpt) } : {}),
    ...(result.llmAttempts?.length ? { attempts: result.llmAttempts, llmTotal: llmTotal(result.llmAttempts) } : {}),
  };
}

/** Tokens and cost of every try together (a cost is only summed when every paid try had a price). */
export function llmTotal(attempts: readonly LlmAttempt[]): NonNullable<LedgerEntry['llmTotal']> {
  const used = attempts.flatMap((a) => (a.llm ? [a.llm] : []));
  const promptTokens = used.reduce((n, u) => n + u.promptTokens, 0);
  const completionTokens = used.reduce((n, u) => n + u.completionTokens, 0);
  const priced = used.every((u) => u.costUsd !== undefined || u.promptTokens + u.completionTokens === 0);
  const costUsd = used.reduce((n, u) => n + (u.costUsd ?? 0), 0);
  return { promptTokens, completionTokens, ...(priced && used.length > 0 ? { costUsd } : {}) };
}
