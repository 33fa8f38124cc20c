// What a message says about an undo run (`kaizen undo`): one line per change it dealt with,
// in the words a reader expects of a revert. Pure: no I/O, no clock.
import type { UndoItem, UndoResult } from '../undo/types.js';
import type { Outcome } from '../types.js';

/** A revert's outcome in words: `applied` means the change was taken back. */
export const UNDO_OUTCOME_WORDS: Readonly<Record<Outcome, string>> = {
  applied: 'reverted',
  proposed: 'revert proposed',
  rolled_back: 'revert rolled back',
  failed: 'not reverted',
  skipped: 'skipped',
};

const ORDER: readonly Outcome[] = ['applied', 'proposed', 'rolled_back', 'failed', 'skipped'];

/** '1 reverted, 1 not reverted' — outcomes with a count, in a fixed order. */
export function undoCountsLine(result: UndoResult): string {
  return ORDER.map((outcome) => [outcome, result.items.filter((i) => i.outcome === outcome).length] as const)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${n} ${UNDO_OUTCOME_WORDS[outcome]}`)
    .join(', ');
}

/** A revert that did not go through is bad news; one that did is still worth a look. */
export function undoTone(result: UndoResult): 'bad' | 'warn' {
  return result.items.some((i) => i.outcome === 'failed' || i.outcome === 'rolled_back') || result.items.length === 0 ? 'bad' : 'warn';
}

export interface UndoLine {
  word: string;
  /** The undone improvement's id and file. */
  label: string;
  /** Where the revert is (commit, pull request, branch) and why it ended so, on one line. */
  detail: string;
  /** The undone improvement's workflow (its Web UI link). */
  workflowId: string;
}

export function undoLines(result: UndoResult): UndoLine[] {
  return result.items.map((item) => ({
    word: UNDO_OUTCOME_WORDS[item.outcome],
    label: `${item.undoes}${item.file ? ` (${item.file})` : ''}`,
    detail: [where(item), item.reason.replace(/\s+/g, ' ').slice(0, 300)].filter(Boolean).join(': '),
    workflowId: item.undoes,
  }));
}

function where(item: UndoItem): string {
  if (item.pullRequest) return `revert pull request ${item.pullRequest.url}`;
  if (item.commit && item.outcome === 'applied') return `revert commit ${item.commit.slice(0, 12)}`;
  if (item.branch) return `revert waits on ${item.branch}`;
  return '';
}

/** The intro of every format: what the undo run was and what it did. */
export function undoIntro(result: UndoResult, repo: string): string {
  const counts = undoCountsLine(result);
  return `kaizen undo on ${repo}: ${counts || 'nothing undone'}${result.reason ? ` (${result.reason})` : ''}.`;
}
