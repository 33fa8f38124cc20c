import { describe, expect, it } from 'vitest';
import { describeUncovered, mappedLinesExecuted, unexecutedLines, type V8ScriptCoverage } from '../../../src/core/change/line-coverage.js';
import { assessRisk } from '../../../src/core/improvement/risk.js';
import type { TestRun } from '../../../src/core/types.js';

// What `node --test` with NODE_V8_COVERAGE wrote for this file when a test called used(1).
const SOURCE = 'export function used(a) {\n  if (a > 10) {\n    return "big";\n  }\n  return "small";\n}\n\nexport function unused() {\n  return 42;\n}\n';
const RAN: V8ScriptCoverage = {
  url: 'file:///repo/m.js',
  functions: [
    { functionName: '', ranges: [{ startOffset: 0, endOffset: 127, count: 1 }] },
    { functionName: 'used', ranges: [{ startOffset: 7, endOffset: 83, count: 1 }, { startOffset: 40, endOffset: 63, count: 0 }] },
    { functionName: 'unused', ranges: [{ startOffset: 92, endOffset: 126, count: 0 }] },
  ],
};

describe('changed lines against V8 coverage', () => {
  it('a line runs when the innermost range holding it ran; blank lines are not code', () => {
    expect(unexecutedLines(SOURCE, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [RAN])).toEqual([3, 4, 8, 9, 10]);
  });

  it('another process that ran the block makes it run; a file nobody loaded ran nothing', () => {
    const other: V8ScriptCoverage = { ...RAN, functions: [{ functionName: 'used', ranges: [{ startOffset: 7, endOffset: 83, count: 1 }, { startOffset: 40, endOffset: 63, count: 2 }] }] };
    expect(unexecutedLines(SOURCE, [3], [RAN, other])).toEqual([]);
    expect(unexecutedLines(SOURCE, [2, 3, 7], [])).toEqual([2, 3]);
  });

  it('names the lines as ranges, per file', () => {
    expect(describeUncovered([{ file: 'src/a.js', lines: [9, 3, 4, 5] }, { file: 'src/b.js', lines: [2] }])).toBe('src/a.js lines 3–5, 9; src/b.js line 2');
  });
});

describe('risk in mode auto', () => {
  const verify = (changedLines?: TestRun['changedLines']): TestRun => ({ phase: 'verify', passed: true, skipped: false, command: ['npm', 'test'], exitCode: 0, timedOut: false, durationMs: 1, cached: false, outputTail: '', ...(changedLines ? { changedLines } : {}) });

  it('merges an autofix, and an LLM change whose every line the tests ran', () => {
    expect(assessRisk('autofix', undefined).lowRisk).toBe(true);
    expect(assessRisk('llm', verify({ covered: 3, uncovered: [] }))).toEqual({ lowRisk: true, reason: 'auto: merged, the tests run every changed line (3)' });
  });

  it('leaves for review what the tests do not run, unknown coverage and untested repositories, saying which', () => {
    expect(assessRisk('llm', verify({ covered: 1, uncovered: [{ file: 'src/a.js', lines: [7] }] })).reason).toBe('auto: left for review, changed lines no test runs: src/a.js line 7');
    expect(assessRisk('llm', verify()).lowRisk).toBe(false);
    expect(assessRisk('llm', { ...verify(), skipped: true }).reason).toMatch(/no tests ran/);
    expect(assessRisk('llm-tests', verify({ covered: 0, uncovered: [] })).lowRisk).toBe(false);
  });
});

describe('changed lines of transformed code (TypeScript through tsx)', () => {
  it('the counts its source maps give per line decide; lines without code do not count; a line with code the maps miss did not run', () => {
    const source = ['interface Opts { twice: boolean }', '', 'export function add(a: number, b: number, o?: Opts): number {', '  // sum it', '  if (o?.twice) {', '    return (a + b) * 2;', '  }', '  return a + b;', '}'].join('\n');
    const hits = new Map([
      [1, 1],
      [3, 1],
      [5, 1],
      [6, 0],
      [7, 0],
      [8, 1],
    ]);
    expect(mappedLinesExecuted(source, [2, 4, 5, 6, 7, 8, 9], hits)).toEqual({ withCode: 3, missed: [6] });
    expect(mappedLinesExecuted(source, [8], new Map())).toEqual({ withCode: 1, missed: [8] });
  });
});
