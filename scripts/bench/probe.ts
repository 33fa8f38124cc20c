// Reads the probe log a fixture checkout collects (node_modules/.bench-probe.jsonl): one
// line per ESLint process (the bin and API shims) and one per full test-suite run (the test script),
// from every worktree that links that node_modules.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROBE_LOG } from './fixtures/common-files.js';

export interface ProbeLine {
  kind: 'lint' | 'test';
  /** Epoch ms the process started. */
  startedAt: number;
  durationMs: number;
  cwd: string;
  argv?: string[];
  exitCode: number | null;
}

export async function readProbe(repo: string): Promise<ProbeLine[]> {
  let text: string;
  try {
    text = await readFile(join(repo, PROBE_LOG), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ProbeLine);
}

export interface ProbeTotals {
  /** ESLint processes. */
  lintPasses: number;
  /** Wall time during which at least one ESLint process ran. */
  lintMs: number;
  /** Full test-suite runs (the suite itself, without the `npm test` around it). */
  testRuns: number;
  testMs: number;
  /** Wall time during which ESLint and the tests ran at the same time. */
  lintTestOverlapMs: number;
}

type Interval = [start: number, end: number];

/** The lines a run added: the probe log only grows, and runs of one checkout never overlap. */
export function totalsSince(lines: readonly ProbeLine[], from: number): ProbeTotals {
  const added = lines.slice(from);
  const intervalsOf = (kind: ProbeLine['kind']) =>
    added.filter((line) => line.kind === kind).map((line): Interval => [line.startedAt, line.startedAt + line.durationMs]);
  const lint = union(intervalsOf('lint'));
  const test = union(intervalsOf('test'));
  return {
    lintPasses: added.filter((line) => line.kind === 'lint').length,
    lintMs: length(lint),
    testRuns: added.filter((line) => line.kind === 'test').length,
    testMs: length(test),
    lintTestOverlapMs: length(intersect(lint, test)),
  };
}

/** Sorted, disjoint intervals covering the same time. */
export function union(intervals: readonly Interval[]): Interval[] {
  const merged: Interval[] = [];
  for (const [start, end] of [...intervals].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** The time both sorted, disjoint interval lists cover. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const both: Interval[] = [];
  for (const [aStart, aEnd] of a) {
    for (const [bStart, bEnd] of b) {
      const start = Math.max(aStart, bStart);
      const end = Math.min(aEnd, bEnd);
      if (start < end) both.push([start, end]);
    }
  }
  return both;
}

function length(intervals: readonly Interval[]): number {
  return intervals.reduce((total, [start, end]) => total + (end - start), 0);
}
