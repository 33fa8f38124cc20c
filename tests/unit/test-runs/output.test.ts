import { describe, expect, it } from 'vitest';
import { parseTestCounts, stripAnsi } from '../../../src/core/test-runs/output.js';

// Tails captured from real runs (node 20, vitest 4, pytest 9); jest and mocha from their docs.
const NODE_TAP = `not ok 4 - bad
  ---
  duration_ms: 1.2
  ...
1..4
# tests 4
# suites 0
# pass 3
# fail 1
# cancelled 0
# skipped 0
# todo 0
# duration_ms 114.025454
`;

const NODE_SPEC_COLOURED =
  '\u001b[34mℹ tests 4\u001b[39m\r\n\u001b[34mℹ suites 0\u001b[39m\r\n\u001b[34mℹ pass 3\u001b[39m\r\n' +
  '\u001b[34mℹ fail 1\u001b[39m\r\n\u001b[34mℹ cancelled 0\u001b[39m\r\n\u001b[34mℹ duration_ms 94.7\u001b[39m\r\n';

const VITEST_COLOURED =
  '\u001b[2m Test Files \u001b[22m \u001b[1m\u001b[31m1 failed\u001b[39m\u001b[22m\u001b[2m | \u001b[22m\u001b[1m\u001b[32m2 passed\u001b[39m\u001b[22m\u001b[90m (3)\u001b[39m\n' +
  '\u001b[2m      Tests \u001b[22m \u001b[1m\u001b[31m1 failed\u001b[39m\u001b[22m\u001b[2m | \u001b[22m\u001b[1m\u001b[32m3 passed\u001b[39m\u001b[22m\u001b[90m (4)\u001b[39m\n' +
  '\u001b[2m   Start at \u001b[22m 04:31:43\n';

const VITEST_GREEN = ` Test Files  2 passed (2)
      Tests  12 passed | 1 skipped (13)
   Start at  10:00:00
   Duration  1.2s
`;

const JEST = `Test Suites: 1 failed, 2 passed, 3 total
Tests:       1 failed, 3 passed, 4 total
Snapshots:   0 total
Time:        1.234 s
Ran all test suites.
`;

const MOCHA = `  3 passing (12ms)
  1 failing

  1) math
       adds:
     AssertionError [ERR_ASSERTION]: 1 == 2
`;

const PYTEST = `FAILED test_a.py::test_d - assert 1 == 2
========================= 1 failed, 3 passed in 0.02s ==========================
`;

describe('parseTestCounts', () => {
  it.each([
    ['node --test TAP', NODE_TAP, { passed: 3, failed: 1 }],
    ['node --test spec reporter with colours and CRLF', NODE_SPEC_COLOURED, { passed: 3, failed: 1 }],
    ['vitest (not the Test Files line)', VITEST_COLOURED, { passed: 3, failed: 1 }],
    ['vitest all green with skips', VITEST_GREEN, { passed: 12, failed: 0 }],
    ['jest (not the Test Suites line)', JEST, { passed: 3, failed: 1 }],
    ['mocha', MOCHA, { passed: 3, failed: 1 }],
    ['mocha all green', '  7 passing (30ms)\n', { passed: 7, failed: 0 }],
    ['pytest', PYTEST, { passed: 3, failed: 1 }],
    ['pytest -q with errors and warnings', '2 passed, 1 error, 3 warnings in 0.50s\n', { passed: 2, failed: 1 }],
    ['pytest all green', '============ 5 passed in 0.01s ============\n', { passed: 5, failed: 0 }],
  ])('%s', (_label, output, expected) => {
    expect(parseTestCounts(output)).toEqual(expected);
  });

  it('returns null when no runner summary is present', () => {
    expect(parseTestCounts('> tsc --noEmit\nsrc/a.ts(1,1): error TS2304\n')).toBeNull();
    expect(parseTestCounts('')).toBeNull();
  });

  it('takes the summary printed last when a script runs two runners', () => {
    expect(parseTestCounts(`${PYTEST}\n> vitest run\n${VITEST_GREEN}`)).toEqual({ passed: 12, failed: 0 });
    expect(parseTestCounts(`${VITEST_GREEN}\n${NODE_TAP}`)).toEqual({ passed: 3, failed: 1 });
  });

  it('does not count pytest xfailed/xpassed as failed/passed', () => {
    expect(parseTestCounts('==== 4 passed, 2 xfailed, 1 xpassed in 0.3s ====')).toEqual({ passed: 4, failed: 0 });
  });
});

describe('stripAnsi', () => {
  it('removes colour codes and keeps the text', () => {
    expect(stripAnsi('\u001b[1m\u001b[31m1 failed\u001b[39m\u001b[22m')).toBe('1 failed');
  });
});
