// The ledger: one JSON object per line, append-only. A crash mid-write can leave a torn
// last line; readers skip it (and report it) instead of failing. Lines have a `kind`
// (absent means `improvement`); kinds this version does not know are counted, not failed.
import { OUTCOMES } from '../types.js';
import { type LedgerEntry, type LedgerRecord, type ReviewEntry, type UndeliveredEntry, type UndoEntry } from './types.js';

export const LEDGER_FILE = 'ledger.jsonl';

/** One ledger line, newline included. JSON.stringify never emits a raw newline. */
export function formatLedgerLine(entry: LedgerRecord): string {
  return `${JSON.stringify(entry)}\n`;
}

export interface ParsedLedger {
  /** Improvement outcomes, in order. */
  entries: LedgerEntry[];
  /** Notifications that could not be delivered, in order. */
  undelivered: UndeliveredEntry[];
  /** What `kaizen undo` reverted (or could not), in order. */
  undos: UndoEntry[];
  /** How Kaizen's pull requests ended (absent: a parse without them). */
  reviews?: ReviewEntry[];
  /** Lines of kinds this version does not know (written by a newer Kaizen), per kind. */
  otherKinds: Record<string, number>;
  /** 1-based numbers of lines that are not ledger entries (a torn write, hand edits). */
  badLines: number[];
}

export function parseLedger(text: string): ParsedLedger {
  const entries: LedgerEntry[] = [];
  const undelivered: UndeliveredEntry[] = [];
  const undos: UndoEntry[] = [];
  const reviews: ReviewEntry[] = [];
  const otherKinds: Record<string, number> = {};
  const badLines: number[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      badLines.push(index + 1);
      return;
    }
    const kind = isObject(value) ? value.kind : undefined;
    if (kind === undefined || kind === 'improvement') {
      if (isLedgerEntry(value)) entries.push(value);
      else badLines.push(index + 1);
    } else if (kind === 'undelivered') {
      if (isUndeliveredEntry(value)) undelivered.push(value);
      else badLines.push(index + 1);
    } else if (kind === 'undo') {
      if (isUndoEntry(value)) undos.push(value);
      else badLines.push(index + 1);
    } else if (kind === 'review') {
      if (isReviewEntry(value)) reviews.push(value);
      else badLines.push(index + 1);
    } else if (typeof kind === 'string') otherKinds[kind] = (otherKinds[kind] ?? 0) + 1;
    else badLines.push(index + 1);
  });
  return { entries, undelivered, undos, reviews, otherKinds, badLines };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUndeliveredEntry(value: unknown): value is UndeliveredEntry {
  if (!isObject(value)) return false;
  return ['timestamp', 'workflowId', 'channel', 'event', 'error'].every((key) => typeof value[key] === 'string');
}

function isUndoEntry(value: unknown): value is UndoEntry {
  if (!isObject(value)) return false;
  return ['timestamp', 'workflowId', 'undoes', 'outcome', 'reason'].every((key) => typeof value[key] === 'string') && (OUTCOMES as readonly unknown[]).includes(value.outcome);
}

function isReviewEntry(value: unknown): value is ReviewEntry {
  if (!isObject(value)) return false;
  const pr = value.pullRequest;
  return typeof value.timestamp === 'string' && typeof value.review === 'string' && isObject(pr) && typeof pr.number === 'number' && typeof pr.url === 'string';
}

function isLedgerEntry(value: unknown): value is LedgerEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.timestamp === 'string' &&
    typeof v.workflowId === 'string' &&
    typeof v.outcome === 'string' &&
    (OUTCOMES as readonly string[]).includes(v.outcome) &&
    typeof v.reason === 'string'
  );
}
