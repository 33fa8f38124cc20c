// Flaky tests of a repository, as its governor remembers them: a test that failed and then
// passed on the immediate rerun (a red baseline or verify is always run once more before
// anything is decided). Shown by `kaizen governor` and `kaizen doctor`; it blames no change.
// Pure and workflow-safe.

export interface FlakyTest {
  /** The test's name as its runner printed it, or a stand-in when it printed none. */
  name: string;
  /** Runs in which it failed and then passed. */
  count: number;
  firstAt: number;
  lastAt: number;
  /** The improvement that saw it last. */
  lastRun: string;
  phase: 'baseline' | 'verify';
}

/** What a run saw: the tests that failed in a run whose rerun passed. */
export interface FlakyReport {
  phase: 'baseline' | 'verify';
  /** Failing test names of the first run; empty when the runner printed none. */
  tests: string[];
}

/** The name recorded when a red run named no test (the whole suite is what flaked). */
export const UNNAMED_FLAKE = '(the test command; its output named no failing test)';
/** Flaky tests kept at most; the least recently seen go first. */
export const MAX_FLAKY_TESTS = 50;
/** A test not seen flaking for this long is forgotten. */
export const FLAKY_MEMORY_MS = 30 * 24 * 60 * 60_000;

export function recordFlaky(flaky: readonly FlakyTest[] | undefined, workflowId: string, reports: readonly FlakyReport[], now: number): FlakyTest[] {
  const byName = new Map((flaky ?? []).filter((f) => f.lastAt > now - FLAKY_MEMORY_MS).map((f) => [f.name, { ...f }]));
  for (const report of reports) {
    const names = report.tests.length ? [...new Set(report.tests)] : [UNNAMED_FLAKE];
    for (const name of names) {
      const known = byName.get(name);
      byName.set(name, known ? { ...known, count: known.count + 1, lastAt: now, lastRun: workflowId, phase: report.phase } : { name, count: 1, firstAt: now, lastAt: now, lastRun: workflowId, phase: report.phase });
    }
  }
  return [...byName.values()].sort((a, b) => b.lastAt - a.lastAt || a.name.localeCompare(b.name)).slice(0, MAX_FLAKY_TESTS);
}

export function pruneFlaky(flaky: readonly FlakyTest[] | undefined, now: number): FlakyTest[] | undefined {
  if (!flaky) return undefined;
  return flaky.filter((f) => f.lastAt > now - FLAKY_MEMORY_MS);
}

/** `3 flaky tests: cart > totals (2×, last 2025-01-31T…), …` for one line of a report. */
export function describeFlaky(flaky: readonly { name: string; count: number; lastAt: string }[], shown = 3): string {
  if (flaky.length === 0) return 'no flaky tests seen';
  const named = flaky.slice(0, shown).map((f) => `${f.name} (${f.count}×, last ${f.lastAt})`);
  const more = flaky.length > shown ? `, and ${flaky.length - shown} more` : '';
  return `${flaky.length} flaky ${flaky.length === 1 ? 'test' : 'tests'}: ${named.join(', ')}${more}`;
}
