import { describe, expect, it } from 'vitest';
import { compareFindings, ruleCountsOf } from '../../../src/core/analysis/finding-match.js';
import type { Finding } from '../../../src/core/types.js';

const finding = (ruleId: string, line: number, message = `${ruleId} here`): Finding => ({
  file: 'src/a.js',
  line,
  column: 1,
  ruleId,
  message,
  severity: 'warning',
  analyser: 'eslint',
  fixable: true,
});

describe('compareFindings with a capped baseline', () => {
  // 60 no-unused-vars findings before; analyse hands the workflow only 50 of them.
  const all = Array.from({ length: 60 }, (_, i) => finding('no-unused-vars', i + 1));
  const capped = all.slice(0, 50);
  const target = finding('prefer-const', 70);

  it('counts against the full per-rule baseline, so untouched findings are not "new"', () => {
    const result = compareFindings({
      target: 'src/a.js',
      before: [...capped, target],
      beforeRuleCounts: ruleCountsOf([...all, target]),
      after: all,
      targets: [target],
    });
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
