// The ledger: one JSON object per line, append-only. A crash mid-write can leave a torn
// last line; readers skip it (and report it) instead of failing.
import { OUTCOMES, type LedgerEntry } from './types.js';

export const LEDGER_FILE = 'ledger.jsonl';

/** One ledger line, newline included. JSON.stringify never emits a raw newline. */
export function formatLedgerLine(entry: LedgerEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

export interface ParsedLedger {
  entries: LedgerEntry[];
  /** 1-based numbers of lines that are not ledger entries (a torn write, hand edits). */
  badLines: number[];
}

export function parseLedger(text: string): ParsedLedger {
  const entries: LedgerEntry[] = [];
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
    if (isLedgerEntry(value)) entries.push(value);
    else badLines.push(index + 1);
  });
  return { entries, badLines };
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
