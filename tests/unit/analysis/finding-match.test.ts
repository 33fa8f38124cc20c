import { describe, expect, it } from 'vitest';
import { compareFindings, ruleCountsOf } from '../../../src/core/analysis/finding-match.js';
import { changedHunks, lineMapOf } from '../../../src/core/change/hunks.js';
import type { Finding } from '../../../src/core/types.js';

const finding = (ruleId: string, line: number, message = `${ruleId} here`, extra: Partial<Finding> = {}): Finding => ({
  file: 'src/a.js',
  line,
  column: 1,
  ruleId,
  message,
  severity: 'warning',
  analyser: 'eslint',
  fixable: true,
  ...extra,
});

const text = (lines: string[]) => `${lines.join('\n')}\n`;

describe('compareFindings by location and rule', () => {
  it('counts one fixed finding of seven identical ones, wherever it was', () => {
    const before = [10, 20, 30, 40, 50, 60, 70].map((line) => finding('prefer-const', line, "'x' is never reassigned. Use 'const' instead."));
    // The fixer changed line 70 only; the six others are still reported where they were.
    const result = compareFindings({ target: 'src/a.js', before, after: before.slice(0, 6), targets: before });
    expect(result.ok).toBe(true);
    expect(result.fixed).toEqual([before[6]]);
    expect(result.remaining.map((f) => f.line)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(result.reason).toBe('fixed 1 of 7 targeted findings; left for the next run: prefer-const (line 10), prefer-const (line 20), prefer-const (line 30), prefer-const (line 40), prefer-const (line 50), … 1 more');
  });

  it('follows findings whose lines moved: an untouched finding below an insertion is neither fixed nor new', () => {
    const old = text(['var a = 1;', 'let b = 2;', 'use(a, b);']);
    const now = text(['// a comment', "import { use } from './use.js';", 'const a = 1;', 'let b = 2;', 'use(a, b);']);
    const before = [finding('no-var', 1, 'Unexpected var'), finding('prefer-const', 2, "'b' is never reassigned")];
    const after = [finding('prefer-const', 4, "'b' is never reassigned")];
    const result = compareFindings({ target: 'src/a.js', before, after, targets: [before[0] as Finding], lineMap: lineMapOf(changedHunks(old, now)) });
    expect(result).toMatchObject({ ok: true, fixed: [before[0]], remaining: [], introduced: [] });
  });

  it('lands partial progress: one of two targets gone and nothing new; the rest is listed', () => {
    const before = [finding('no-var', 3, 'Unexpected var'), finding('no-var', 9, 'Unexpected var')];
    const result = compareFindings({ target: 'src/a.js', before, after: [before[1] as Finding], targets: before });
    expect(result).toMatchObject({ ok: true, fixed: [before[0]], remaining: [before[1]] });
    expect(result.reason).toBe('fixed 1 of 2 targeted findings; left for the next run: no-var (line 9)');
  });

  it('refuses a change that fixed none of its targets', () => {
    const before = [finding('no-var', 3, 'Unexpected var')];
    const result = compareFindings({ target: 'src/a.js', before, after: before, targets: before });
    expect(result).toMatchObject({ ok: false, fixed: [], reason: 'none of the 1 targeted finding is gone from src/a.js: no-var (line 3)' });
  });

  it('does not need a fixed finding when told so (llm-tests is measured by its tests)', () => {
    const before = [finding('untested-export', 3, 'no test mentions it', { analyser: 'kaizen' })];
    expect(compareFindings({ target: 'src/a.js', before, after: before, targets: before, requireFixed: false }).ok).toBe(true);
  });

  it('reports a finding at a place that had none of that rule as new, even when another of the rule went', () => {
    const before = [finding('no-var', 3, 'Unexpected var'), finding('eqeqeq', 5, "Expected '==='")];
    const after = [finding('eqeqeq', 5, "Expected '==='"), finding('eqeqeq', 8, "Expected '==='")];
    const result = compareFindings({ target: 'src/a.js', before, after, targets: [before[0] as Finding] });
    expect(result.ok).toBe(false);
    expect(result.introduced.map((f) => f.line)).toEqual([8]);
    expect(result.reason).toBe('the change adds 1 finding to src/a.js: eqeqeq (line 8)');
  });

  it('fails when the file no longer parses', () => {
    const before = [finding('no-var', 3)];
    const result = compareFindings({ target: 'src/a.js', before, after: [finding('parse-error', 6, 'Parsing error: Unexpected token }', { fatal: true, fixable: false })], targets: before });
    expect(result).toMatchObject({ ok: false, parses: false, reason: 'src/a.js no longer parses: line 6: Parsing error: Unexpected token }' });
  });

  it('ignores findings of other files', () => {
    const before = [finding('no-var', 3)];
    const result = compareFindings({ target: 'src/a.js', before: [...before, { ...finding('eqeqeq', 1), file: 'b.js' }], after: [], targets: before });
    expect(result.ok).toBe(true);
  });
});

describe('compareFindings with a capped baseline', () => {
  // 60 no-unused-vars findings before; analyse hands the workflow only 50 of them.
  const all = Array.from({ length: 60 }, (_, i) => finding('no-unused-vars', i + 1));
  const capped = all.slice(0, 50);
  const target = finding('prefer-const', 70);

  it('counts against the full per-rule baseline, so findings that were not listed are not "new"', () => {
    const result = compareFindings({ target: 'src/a.js', before: [...capped, target], beforeRuleCounts: ruleCountsOf([...all, target]), after: all, targets: [target] });
    expect(result).toMatchObject({ ok: true, introduced: [], remaining: [] });
  });

  it('without the full counts the same change would be blamed for 10 new findings', () => {
    const result = compareFindings({ target: 'src/a.js', before: [...capped, target], after: all, targets: [target] });
    expect(result.ok).toBe(false);
    expect(result.introduced).toHaveLength(10);
  });

  it('still catches a finding the change really adds', () => {
    const result = compareFindings({
      target: 'src/a.js',
      before: [...capped, target],
      beforeRuleCounts: ruleCountsOf([...all, target]),
      after: [...all, finding('no-unused-vars', 99, 'new one')],
      targets: [target],
    });
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/adds 1 finding/);
  });
});
