// Shared pieces of every format: names, titles, facts and caps. Pure: no I/O, no clock.
import { isRepoUrl } from '../repository/remote-url.js';
import { repoName as keyRepoName } from '../repository/key.js';
import { formatDuration } from '../duration.js';
import type { ImprovementResult, Outcome, TestRun } from '../types.js';
import type { CycleSummary, NotificationEvent, NotificationEventName } from './types.js';
import { undoCountsLine, undoTone } from './undo.js';

/** The name a channel subscribes to for this event. */
export function eventName(event: NotificationEvent): NotificationEventName {
  return event.kind === 'improvement' ? event.result.outcome : event.kind;
}

export function repoName(path: string): string {
  if (isRepoUrl(path)) return keyRepoName(path);
  const parts = path.replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] || path;
}

export function eventRepo(event: NotificationEvent): string {
  return event.kind === 'improvement' || event.kind === 'undo' ? event.result.repo : event.repo;
}

/** The workflow a message links to, if any. */
export function eventWorkflowId(event: NotificationEvent): string | undefined {
  if (event.kind === 'improvement' || event.kind === 'undo') return event.result.workflowId;
  if (event.kind === 'cycle_summary') return event.summary.cycleId;
  return event.workflowId;
}

export const OUTCOME_ORDER: readonly Outcome[] = ['applied', 'proposed', 'rolled_back', 'failed', 'skipped'];

export const OUTCOME_WORDS: Readonly<Record<Outcome, string>> = {
  applied: 'applied',
  proposed: 'proposed',
  rolled_back: 'rolled back',
  failed: 'failed',
  skipped: 'skipped',
};

/** Good, neutral or bad: each format maps it to its own colours. */
export type Tone = 'good' | 'neutral' | 'bad' | 'warn';

export function eventTone(event: NotificationEvent): Tone {
  if (event.kind === 'paused') return 'warn';
  if (event.kind === 'undo') return undoTone(event.result);
  if (event.kind === 'cycle_summary') {
    const { counts } = event.summary;
    return counts.failed + counts.rolled_back > 0 ? 'warn' : counts.applied + counts.proposed > 0 ? 'good' : 'neutral';
  }
  const outcome = event.result.outcome;
  return outcome === 'applied' || outcome === 'proposed' ? 'good' : outcome === 'skipped' ? 'neutral' : 'bad';
}

/** `[Kaizen] applied: src/a.js` — the email subject and every format's title. */
export function subject(event: NotificationEvent): string {
  return `[Kaizen] ${title(event)}`;
}

export function title(event: NotificationEvent): string {
  switch (event.kind) {
    case 'improvement':
      return `${event.result.outcome}: ${event.result.file ?? '(no file)'}`;
    case 'cycle_summary':
      return `cycle_summary: ${repoName(event.repo)} (${countsLine(event.summary) || 'no improvements'})`;
    case 'paused':
      return `paused: ${repoName(event.repo)}`;
    case 'undo':
      return `undo: ${repoName(event.result.repo)} (${undoCountsLine(event.result) || 'nothing undone'})`;
  }
}

/** '2 applied, 1 rolled back' — outcomes with a count, in a fixed order. */
export function countsLine(summary: CycleSummary): string {
  return OUTCOME_ORDER.filter((o) => (summary.counts[o] ?? 0) > 0)
    .map((o) => `${summary.counts[o]} ${OUTCOME_WORDS[o]}`)
    .join(', ');
}

export function testsLine(run: TestRun | undefined): string | undefined {
  if (!run) return undefined;
  if (run.skipped) return 'no test command (verified by analysis only)';
  const how = run.passed ? 'passed' : run.timedOut ? 'timed out' : `failed (exit ${run.exitCode})`;
  const counts = run.passedCount !== undefined || run.failedCount !== undefined ? `, ${run.passedCount ?? 0} passed / ${run.failedCount ?? 0} failed` : '';
  return `${run.command.join(' ')} ${how} in ${formatDuration(run.durationMs)}${run.cached ? ' (cached)' : ''}${counts}`;
}

export function linesChanged(added: number, removed: number): string {
  return `+${added} −${removed}`;
}

export interface Fact {
  label: string;
  value: string;
  /** Code-like values (refs, hashes) are shown in a monospace font. */
  code?: boolean;
}

/** Everything a message says about one improvement, in reading order. */
export function improvementFacts(result: ImprovementResult): Fact[] {
  const facts: (Fact | undefined)[] = [
    { label: 'Repository', value: repoName(result.repo) },
    { label: 'File', value: result.file ?? '(no file)', code: true },
    { label: 'Outcome', value: OUTCOME_WORDS[result.outcome] },
    { label: 'Time', value: result.finishedAt },
    { label: 'Strategy', value: `${result.strategy} (${result.mode} mode)` },
    { label: 'Lines changed', value: linesChanged(result.linesAdded, result.linesRemoved) },
    { label: 'Findings fixed', value: `${result.findingsFixed}${result.fixedRules.length ? ` (${result.fixedRules.join(', ')})` : ''}` },
    optional('Tests before', testsLine(result.testsBefore)),
    optional('Tests after', testsLine(result.testsAfter)),
    optional('Pull request', result.pullRequest?.url),
    optional('Branch', result.branch, true),
    optional('Commit', result.commit, true),
    optional('Backup ref', result.backupRef, true),
  ];
  return facts.filter((f): f is Fact => f !== undefined);
}

function optional(label: string, value: string | undefined, code = false): Fact | undefined {
  return value ? { label, value, ...(code ? { code } : {}) } : undefined;
}

export const TRUNCATED = '… (truncated)';

/** Text no longer than `max` characters, marked when cut. */
export function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - TRUNCATED.length - 1))}\n${TRUNCATED}`;
}

/** Keeps a diff from closing a Markdown code fence early. */
export function fenceSafe(text: string): string {
  return text.replace(/```/g, '`\u200b``');
}

export function shortSha(commit: string | undefined): string | undefined {
  return commit?.slice(0, 12);
}
