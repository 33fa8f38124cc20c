// The lines a change touches: hunks of an old and a new text, and where an old line went.
// Pure; the change contract (contract.ts) and the findings gate (analysis/finding-match.ts)
// both read a change through these. Not workflow-safe: it pulls in the `diff` package.
import { diffArrays } from 'diff';

/** One changed region. Lines are 1-based and inclusive; an empty side has `end = start - 1`. */
export interface Hunk {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** The changed regions of `before` → `after`, in order, with no context lines. */
export function changedHunks(before: string, after: string): Hunk[] {
  const hunks: Hunk[] = [];
  let oldLine = 1;
  let newLine = 1;
  let open: Hunk | null = null;
  for (const part of diffArrays(splitLines(before), splitLines(after))) {
    const count = part.value.length;
    if (!part.added && !part.removed) {
      if (open) hunks.push(open);
      open = null;
      oldLine += count;
      newLine += count;
      continue;
    }
    open ??= { oldStart: oldLine, oldEnd: oldLine - 1, newStart: newLine, newEnd: newLine - 1 };
    if (part.removed) {
      oldLine += count;
      open.oldEnd = oldLine - 1;
    } else {
      newLine += count;
      open.newEnd = newLine - 1;
    }
  }
  if (open) hunks.push(open);
  return hunks;
}

/** Where an old line is after the change: one line when it is untouched, else the new side of its hunk. */
export interface LineRange {
  from: number;
  to: number;
}

export type LineMap = (oldLine: number) => LineRange;

/** No change: every line stays where it was. */
export const IDENTITY_LINE_MAP: LineMap = (line) => ({ from: line, to: line });

export function lineMapOf(hunks: readonly Hunk[]): LineMap {
  return (line) => {
    let shift = 0;
    for (const hunk of hunks) {
      if (line < hunk.oldStart) break;
      if (line <= hunk.oldEnd) return { from: hunk.newStart, to: hunk.newEnd };
      shift += hunk.newEnd - hunk.newStart - (hunk.oldEnd - hunk.oldStart);
    }
    return { from: line + shift, to: line + shift };
  };
}

/** The old lines a hunk removes or replaces (empty for a pure insertion). */
export function removedLines(hunk: Hunk): number[] {
  const lines: number[] = [];
  for (let line = hunk.oldStart; line <= hunk.oldEnd; line++) lines.push(line);
  return lines;
}

export function isInsertion(hunk: Hunk): boolean {
  return hunk.oldEnd < hunk.oldStart;
}
