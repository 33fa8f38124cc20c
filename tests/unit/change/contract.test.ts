import { describe, expect, it } from 'vitest';
import { checkChangeContract, type ContractInput } from '../../../src/core/change/contract.js';
import type { Finding } from '../../../src/core/types.js';

const SOURCE = [
  "import { merge } from './merge.js';", // 1
  '', // 2
  'export function assign(target, source) {', // 3
  '  for (const key in source) {', // 4
  "    if (key === '__proto__' || key === 'constructor') continue;", // 5
  '    target[key] = source[key];', // 6
  '  }', // 7
  '  var count = Object.keys(source).length;', // 8
  '  return count;', // 9
  '}', // 10
  '',
].join('\n');

const noVar: Finding = { file: 'src/a.js', line: 8, column: 3, ruleId: 'no-var', message: 'Unexpected var, use let or const instead.', severity: 'warning', analyser: 'eslint', fixable: true };
const isTestFile = (path: string) => path.startsWith('test/');

function check(after: string, extra: Partial<ContractInput> = {}) {
  return checkChangeContract({ strategy: 'llm', target: 'src/a.js', files: [{ path: 'src/a.js', before: SOURCE, after }], findings: [noVar], isTestFile, ...extra });
}

describe('the change contract of llm', () => {
  it('accepts an edit inside the finding\'s statement', () => {
    expect(check(SOURCE.replace('  var count', '  const count'))).toEqual({ ok: true });
  });

  it('accepts the import the fix needs, a declaration right before the statement, and blank-line tidying', () => {
    const after = SOURCE.replace("import { merge } from './merge.js';", "import { merge } from './merge.js';\nimport { size } from './size.js';")
      .replace('  var count = Object.keys(source).length;', '  const keys = Object.keys(source);\n  const count = size(keys);')
      .replace('  return count;\n}\n', '  return count;\n}\n\n');
    expect(check(after)).toEqual({ ok: true });
  });

  it('refuses an edit elsewhere, named by file and line, and says what may change', () => {
    const after = SOURCE.replace("    if (key === '__proto__' || key === 'constructor') continue;", "    if (key === 'constructor') continue;").replace('  var count', '  const count');
    const result = check(after);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.violations).toEqual([{ file: 'src/a.js', line: 5, excerpt: "if (key === '__proto__' || key === 'constructor') continue;", why: 'is outside the scope of every targeted finding' }]);
    expect(result.message).toBe(
      "src/a.js line 5 (`if (key === '__proto__' || key === 'constructor') continue;`) is outside the scope of every targeted finding. Change only the code of the targeted findings (no-var at line 8) and the imports it needs",
    );
  });

  it('refuses any change without a targeted finding', () => {
    const result = check(SOURCE.replace('  var count', '  const count'), { findings: [] });
    expect(result.ok).toBe(false);
  });

  it('refuses a change to a test file, whatever the finding', () => {
    const result = checkChangeContract({ strategy: 'llm', target: 'test/a.test.js', files: [{ path: 'test/a.test.js', before: 'a\n', after: 'b\n' }], findings: [{ ...noVar, file: 'test/a.test.js', line: 1 }], isTestFile });
    expect(result).toMatchObject({ ok: false, violations: [{ file: 'test/a.test.js', why: expect.stringMatching(/is a test file/) }] });
  });

  it('lets llm-complexity rewrite the flagged function but nothing around it', () => {
    const complexity: Finding = { ...noVar, line: 3, endLine: 10, ruleId: 'complexity', analyser: 'kaizen' };
    const inside = SOURCE.replace("    if (key === '__proto__' || key === 'constructor') continue;\n", "    if (isUnsafe(key)) continue;\n");
    expect(checkChangeContract({ strategy: 'llm-complexity', target: 'src/a.js', files: [{ path: 'src/a.js', before: SOURCE, after: inside }], findings: [complexity], isTestFile })).toEqual({ ok: true });
    const outside = SOURCE.replace("import { merge } from './merge.js';", "import { merge } from './merge.js';\nexport const VERSION = 2;");
    expect(checkChangeContract({ strategy: 'llm-complexity', target: 'src/a.js', files: [{ path: 'src/a.js', before: SOURCE, after: outside }], findings: [complexity], isTestFile }).ok).toBe(false);
  });
});

describe('the change contract of llm-tests', () => {
  const TEST = ["import { test } from 'node:test';", "import { add } from '../src/math.js';", '', "test('adds', () => {", '  assert.equal(add(1, 2), 3);', '});', ''].join('\n');
  const tests = (after: string, path = 'test/math.test.js', before: string | null = TEST) =>
    checkChangeContract({ strategy: 'llm-tests', target: 'src/math.js', files: [{ path, before, after }], findings: [], isTestFile });

  it('accepts a new test file and new tests (with their imports) beside the old ones', () => {
    expect(tests('new\n', 'test/sub.test.js', null)).toEqual({ ok: true });
    const after = TEST.replace("import { add } from '../src/math.js';", "import { add, sub } from '../src/math.js';") + "\ntest('subtracts', () => {\n  assert.equal(sub(3, 2), 1);\n});\n";
    expect(tests(after)).toEqual({ ok: true });
  });

  it('refuses a change to an existing test, or an addition inside one', () => {
    expect(tests(TEST.replace('add(1, 2), 3', 'add(1, 1), 2'))).toMatchObject({ ok: false, violations: [{ line: 5, why: expect.stringMatching(/changes or removes existing test code/) }] });
    expect(tests(TEST.replace('  assert.equal', '  return;\n  assert.equal'))).toMatchObject({ ok: false, violations: [{ line: 5, why: expect.stringMatching(/inside an existing test/) }] });
  });

  it('refuses a file that is not a test file', () => {
    expect(tests('x\n', 'src/math.js', 'y\n')).toMatchObject({ ok: false, violations: [{ file: 'src/math.js', why: expect.stringMatching(/not a test file/) }] });
  });
});
