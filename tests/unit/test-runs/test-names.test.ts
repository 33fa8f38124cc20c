import { describe, expect, it } from 'vitest';
import { describeFailingTests, parseTestNames } from '../../../src/core/test-runs/test-names.js';

describe('parseTestNames', () => {
  it("reads node --test's TAP, with suites", () => {
    const tap = [
      'TAP version 13',
      '# Subtest: math',
      '    # Subtest: adds',
      '    ok 1 - adds',
      '    # Subtest: subtracts',
      '    not ok 2 - subtracts',
      '      ---',
      '      duration_ms: 1.2',
      '      ...',
      '    # Subtest: later',
      '    ok 3 - later # SKIP not yet',
      'not ok 1 - math',
      '# Subtest: top',
      'ok 2 - top',
      '# pass 2',
      '# fail 1',
    ].join('\n');
    expect(parseTestNames(tap)).toEqual({ failed: ['math > subtracts'], passed: ['math > adds', 'top'] });
  });

  it("reads node --test's spec reporter and mocha's spec list", () => {
    const spec = ['▶ math', '  ✔ adds (0.51ms)', '  ✖ subtracts (1.2ms)', '▶ math (3ms)', '✖ failing tests:', '', '✖ subtracts (1.2ms)'].join('\n');
    expect(parseTestNames(spec)).toEqual({ failed: ['subtracts'], passed: ['adds'] });
    const mocha = ['  cart', '    ✔ adds an item', '    1) totals the lines', '', '  1 passing (8ms)', '  1 failing', '', '  1) cart', '       totals the lines:', '     AssertionError: 3 == 4'].join('\n');
    expect(parseTestNames(mocha)).toEqual({ failed: ['totals the lines'], passed: ['adds an item'] });
  });

  it('reads vitest and jest failures, and their verbose passes', () => {
    const vitest = [' ✓ test/a.test.ts (2 tests) 3ms', ' ❯ test/b.test.ts (2 tests | 1 failed) 5ms', '   ✓ b > keeps 1ms', '   × b > breaks 2ms', ' FAIL  test/b.test.ts > b > breaks'].join('\n');
    expect(parseTestNames(vitest)).toEqual({ failed: ['test/b.test.ts > b > breaks'], passed: ['b > keeps'] });
    const jest = ['PASS src/a.test.js', 'FAIL src/b.test.js', '  cart', '    ✓ adds (3 ms)', '    ✕ totals (5 ms)', '  ● cart › totals', '    expect(received).toBe(expected)'].join('\n');
    expect(parseTestNames(jest)).toEqual({ failed: ['cart > totals'], passed: ['adds'] });
  });

  it("reads pytest's short summary and -v lines", () => {
    const pytest = ['tests/test_a.py::test_ok PASSED', 'tests/test_a.py::test_bad FAILED', '=== short test summary info ===', 'FAILED tests/test_a.py::test_bad - assert 1 == 2', '==== 1 failed, 1 passed in 0.12s ===='].join('\n');
    expect(parseTestNames(pytest)).toEqual({ failed: ['tests/test_a.py::test_bad'], passed: ['tests/test_a.py::test_ok'] });
  });

  it('finds nothing in output that names no tests', () => {
    expect(parseTestNames('npm ERR! Test failed.\nsegmentation fault')).toEqual({ failed: [], passed: [] });
  });
});

describe('describeFailingTests', () => {
  it('names the first few and counts the rest', () => {
    expect(describeFailingTests(['a', 'b', 'c'], 2)).toBe('failing: a, b (+1 more)');
    expect(describeFailingTests([])).toBeNull();
  });
});
