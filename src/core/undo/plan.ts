// Which changes an undo reverts, from the ledger: one improvement by its workflow id, or every
// change recorded in a window, newest first. Changes an earlier undo already reverted (or whose
// revert waits for review) are skipped, and so are runs that changed nothing. Also the words
// of a revert: its commit message, the reason of a conflict, and the ledger line. Pure.
import type { LedgerEntry } from '../ledger/types.js';
import type { UndoEntry, UndoItem, UndoTarget } from './types.js';

export type UndoRequest = { workflowId: string } | { since: Date };

export interface UndoPlan {
  /** Newest first. */
  targets: UndoTarget[];
  /** Named but nothing to revert (never landed, already undone). */
  skipped: UndoItem[];
  /** Nothing matched at all: why, and what to do. */
  problem?: string;
}

const short = (commit: string) => commit.slice(0, 8);

/** The undo lines that reverted (or proposed reverting) each improvement, by its workflow id. */
function undoneBy(undos: readonly UndoEntry[]): Map<string, UndoEntry> {
  const done = new Map<string, UndoEntry>();
  for (const u of undos) if (u.outcome === 'applied' || u.outcome === 'proposed') done.set(u.undoes, u);
  return done;
}

export function targetOf(e: LedgerEntry & { commit: string; outcome: 'applied' | 'proposed' }): UndoTarget {
  return {
    workflowId: e.workflowId,
    commit: e.commit,
    timestamp: e.timestamp,
    outcome: e.outcome,
    mode: e.mode,
    strategy: e.strategy,
    file: e.file,
    family: e.family ?? e.fixedRules[0] ?? null,
    branch: e.branch,
    ...(e.pullRequest ? { pullRequest: e.pullRequest } : {}),
  };
}

function changed(e: LedgerEntry): e is LedgerEntry & { commit: string; outcome: 'applied' | 'proposed' } {
  return (e.outcome === 'applied' || e.outcome === 'proposed') && typeof e.commit === 'string' && e.commit !== '';
}

function skippedItem(e: LedgerEntry, reason: string): UndoItem {
  return { undoes: e.workflowId, undoneCommit: e.commit, outcome: 'skipped', reason, strategy: e.strategy, file: e.file };
}

export function planUndo(entries: readonly LedgerEntry[], undos: readonly UndoEntry[], request: UndoRequest): UndoPlan {
  const done = undoneBy(undos);
  const alreadyUndone = (e: LedgerEntry): UndoItem | null => {
    const u = done.get(e.workflowId);
    if (!u) return null;
    const how = u.outcome === 'applied' ? `reverted by ${u.commit ? short(u.commit) : 'a commit'}` : `its revert waits on ${u.pullRequest?.url ?? u.branch ?? 'a branch'}`;
    return skippedItem(e, `already undone by ${u.workflowId} (${how})`);
  };
  if ('workflowId' in request) {
    const lines = entries.filter((e) => e.workflowId === request.workflowId);
    const entry = lines.findLast(changed) ?? lines.at(-1);
    if (!entry) return { targets: [], skipped: [], problem: `no improvement ${request.workflowId} in this repository's ledger; 'kaizen log' lists the ids of its changes` };
    if (!changed(entry)) return { targets: [], skipped: [skippedItem(entry, `nothing to undo: ${entry.workflowId} ended ${entry.outcome} and changed nothing`)] };
    const skip = alreadyUndone(entry);
    return skip ? { targets: [], skipped: [skip] } : { targets: [targetOf(entry)], skipped: [] };
  }
  const from = request.since.getTime();
  const inWindow = entries.filter((e) => Date.parse(e.timestamp) >= from && changed(e));
  const newestFirst = inWindow
    .map((e, index) => ({ e, index, at: Date.parse(e.timestamp) }))
    .sort((a, b) => b.at - a.at || b.index - a.index)
    .map((x) => x.e);
  const targets: UndoTarget[] = [];
  const skipped: UndoItem[] = [];
  for (const e of newestFirst) {
    const skip = alreadyUndone(e);
    if (skip) skipped.push(skip);
    else if (changed(e)) targets.push(targetOf(e));
  }
  if (newestFirst.length === 0) return { targets, skipped, problem: `Kaizen recorded no change since ${request.since.toISOString()}; 'kaizen log' lists what it did` };
  return { targets, skipped };
}

/** The revert's commit message: git's own form, plus trailers naming both runs. */
export function revertMessage(p: { subject: string; commit: string; undoes: string; undoWorkflowId: string }): string {
  return [`Revert "${p.subject}"`, '', `This reverts commit ${p.commit}, landed by Kaizen run ${p.undoes}.`, '', `Kaizen-Undo: ${p.undoWorkflowId}`, `Kaizen-Undoes: ${p.undoes}`].join('\n');
}

/** Why a revert cannot be made: the files it conflicts in and the later commits that changed them. */
export function conflictReason(commit: string, files: readonly string[], later: readonly { commit: string; subject: string }[]): string {
  const by = later.slice(0, 5).map((c) => `${short(c.commit)} "${c.subject}"`);
  const more = later.length > 5 ? ` and ${later.length - 5} more` : '';
  return (
    `reverting ${short(commit)} conflicts with later commits in ${files.join(', ') || 'the tree'}` +
    (by.length ? ` (changed since by ${by.join(', ')}${more})` : '') +
    `; nothing was changed: revert it by hand (git revert ${short(commit)}) and resolve the conflict`
  );
}

/** The ledger line of one undone (or not undone) change. */
export function undoEntry(item: UndoItem, workflowId: string, repo: string, timestamp: string): UndoEntry {
  return {
    kind: 'undo',
    timestamp,
    workflowId,
    repo,
    undoes: item.undoes,
    undoneCommit: item.undoneCommit,
    outcome: item.outcome,
    reason: item.reason,
    commit: item.commit ?? null,
    branch: item.branch ?? null,
    ...(item.pullRequest ? { pullRequest: item.pullRequest } : {}),
    strategy: item.strategy ?? null,
    file: item.file ?? null,
  };
}

/** One word for a whole undo run (the Web UI's KaizenOutcome): failed if any revert failed, else the best that happened. */
export function overallOutcome(items: readonly UndoItem[]): UndoItem['outcome'] {
  const order: UndoItem['outcome'][] = ['failed', 'rolled_back', 'applied', 'proposed', 'skipped'];
  for (const outcome of order) if (items.some((i) => i.outcome === outcome)) return outcome;
  return 'skipped';
}
