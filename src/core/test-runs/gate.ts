// The extra verify gate of llm-tests: the change must add passing tests (the count goes up) and
// must not lower line coverage where the repository reports it. Coverage is read from an
// Istanbul json-summary (coverage/coverage-summary.json, as c8, nyc, jest and vitest write it
// with the json-summary reporter) or from node --test's "all files" coverage line. Pure.
import type { Coverage, TestRun } from '../types.js';

export const COVERAGE_SUMMARY_FILE = 'coverage/coverage-summary.json';

/** `total.lines.pct` of an Istanbul json-summary, or null when the text is not one. */
export function parseCoverageSummary(text: string): number | null {
  try {
    const pct = (JSON.parse(text) as { total?: { lines?: { pct?: unknown } } }).total?.lines?.pct;
    return typeof pct === 'number' && Number.isFinite(pct) ? pct : null;
  } catch {
    return null;
  }
}

/** The line % of the last "all files" row node --test's coverage report printed. */
export function parseCoverageFromOutput(output: string): number | null {
  let found: number | null = null;
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s*(?:#|ℹ)?\s*all files\s*\|\s*(\d+(?:\.\d+)?)\s*\|/.exec(line);
    if (match) found = Number(match[1]);
  }
  return found;
}

export interface TestGateResult {
  ok: boolean;
  /** Why the gate failed, or what it checked. */
  reason: string;
}

/** Coverage may drop by this many percentage points (rounding in the reporters) and still count as equal. */
const COVERAGE_TOLERANCE = 0.01;

export function compareTestRuns(before: TestRun | undefined, after: TestRun): TestGateResult {
  const was = before?.passedCount;
  const now = after.passedCount;
  if (was === undefined || now === undefined) {
    return {
      ok: false,
      reason:
        'cannot tell whether tests were added: the test output has no summary Kaizen reads (node --test, vitest, jest, mocha, pytest); set test.command to a runner that prints one',
    };
  }
  if (now <= was) {
    return { ok: false, reason: `the number of passing tests did not go up (${was} before, ${now} after): the new tests did not run; is the new file where the test command looks?` };
  }
  const coverage = describeCoverage(before?.coverage, after.coverage);
  if (!coverage.ok) return { ok: false, reason: coverage.text };
  return { ok: true, reason: `${now - was} more passing tests (${was} → ${now}); ${coverage.text}` };
}

function describeCoverage(before: Coverage | undefined, after: Coverage | undefined): { ok: boolean; text: string } {
  if (!before || !after) {
    return { ok: true, text: `no coverage reported (${COVERAGE_SUMMARY_FILE} or node --experimental-test-coverage), so coverage was not compared` };
  }
  if (after.linesPct + COVERAGE_TOLERANCE < before.linesPct) {
    return { ok: false, text: `line coverage went down from ${before.linesPct}% to ${after.linesPct}%` };
  }
  return { ok: true, text: `line coverage ${before.linesPct}% → ${after.linesPct}%` };
}
