// `mode: auto`: how a verified change lands is decided by its risk. Low risk merges; anything
// else is left on its branch for review, with the reason. Low risk means a behaviour-preserving
// autofix, or a change whose every changed line the test suite executed (V8 coverage of the
// verify run); unknown coverage is no coverage. Pure and workflow-safe.
import { describeUncovered } from '../change/line-coverage.js';
import type { Strategy, TestRun } from '../types.js';

export interface RiskDecision {
  lowRisk: boolean;
  /** One clause for the outcome's reason. */
  reason: string;
}

export function assessRisk(strategy: Strategy, testsAfter: TestRun | undefined): RiskDecision {
  if (strategy === 'autofix') return { lowRisk: true, reason: 'auto: merged, an autofix of behaviour-preserving rules' };
  if (!testsAfter || testsAfter.skipped) return { lowRisk: false, reason: 'auto: left for review, no tests ran on the change' };
  const lines = testsAfter.changedLines;
  if (!lines) return { lowRisk: false, reason: 'auto: left for review, the coverage of the changed lines is unknown (no V8 coverage from the test run)' };
  if (lines.uncovered.length > 0) return { lowRisk: false, reason: `auto: left for review, changed lines no test runs: ${describeUncovered(lines.uncovered)}` };
  if (lines.covered === 0) return { lowRisk: false, reason: 'auto: left for review, the change has no line of code the tests could run' };
  return { lowRisk: true, reason: `auto: merged, the tests run every changed line (${lines.covered})` };
}
