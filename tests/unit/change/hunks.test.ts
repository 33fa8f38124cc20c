import { describe, expect, it } from 'vitest';
import { changedHunks, lineMapOf } from '../../../src/core/change/hunks.js';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('changedHunks', () => {
  it('finds a replaced line, an insertion and a deletion with their old and new lines', () => {
    const before = lines('a', 'b', 'c', 'd', 'e');
    const after = lines('a', 'B', 'c', 'x', 'y', 'd');
    expect(changedHunks(before, after)).toEqual([
      { oldStart: 2, oldEnd: 2, newStart: 2, newEnd: 2 },
      { oldStart: 4, oldEnd: 3, newStart: 4, newEnd: 5 },
      { oldStart: 5, oldEnd: 5, newStart: 7, newEnd: 6 },
    ]);
  });

  it('finds nothing in an unchanged text', () => {
    expect(changedHunks(lines('a', 'b'), lines('a', 'b'))).toEqual([]);
  });
});

describe('lineMapOf', () => {
  it('follows untouched lines past insertions and deletions, and maps a changed line to its hunk', () => {
    const map = lineMapOf(changedHunks(lines('a', 'b', 'c', 'd', 'e', 'f'), lines('new', 'a', 'b', 'C1', 'C2', 'd', 'f')));
    expect(map(1)).toEqual({ from: 2, to: 2 });
    expect(map(3)).toEqual({ from: 4, to: 5 });
    expect(map(4)).toEqual({ from: 6, to: 6 });
    // e was deleted: its hunk has no new lines.
    expect(map(5)).toEqual({ from: 7, to: 6 });
    expect(map(6)).toEqual({ from: 7, to: 7 });
  });
});
