import { describe, expect, it } from 'vitest';
import { findingScopes, importLines } from '../../../src/core/change/scope.js';
import type { Finding } from '../../../src/core/types.js';

const finding = (line: number, extra: Partial<Finding> = {}): Finding => ({
  file: 'src/a.js',
  line,
  column: 3,
  ruleId: 'no-var',
  message: 'Unexpected var, use let or const instead.',
  severity: 'warning',
  analyser: 'eslint',
  fixable: true,
  ...extra,
});

const SOURCE = [
  "import { merge } from './merge.js';", // 1
  '', // 2
  'export function assign(target, source) {', // 3
  '  for (var key in source) {', // 4
  "    if (key === '__proto__' || key === 'constructor') continue;", // 5
  '    target[key] = source[key];', // 6
  '  }', // 7
  '  var count = Object.keys(source).length;', // 8
  '  return count;', // 9
  '}', // 10
  '', // 11
  'var VERSION = 1;', // 12
].join('\n');

describe('findingScopes', () => {
  it('is the innermost statement around the finding for llm', () => {
    const [loop, count, top] = findingScopes('src/a.js', SOURCE, [finding(4), finding(8), finding(12)], 'statement');
    expect(loop).toMatchObject({ from: 4, to: 7, label: 'statement at lines 4–7' });
    expect(count).toMatchObject({ from: 8, to: 8, label: 'statement at line 8' });
    expect(top).toMatchObject({ from: 12, to: 12 });
  });

  it('is the enclosing function for llm-error-handling and the flagged function for llm-complexity', () => {
    expect(findingScopes('src/a.js', SOURCE, [finding(8)], 'function')[0]).toMatchObject({ from: 3, to: 10, label: 'function assign' });
    expect(findingScopes('src/a.js', SOURCE, [finding(3, { endLine: 10, ruleId: 'complexity' })], 'flagged-function')[0]).toMatchObject({ from: 3, to: 10, label: 'function assign' });
  });

  it('is the paragraph around the finding in a language it cannot parse', () => {
    const python = ['import os', '', 'def f(x):', '    if x == None:', '        return 1', '    return 2', '', 'y = 3'].join('\n');
    expect(findingScopes('app.py', python, [finding(4, { file: 'app.py' })], 'statement')[0]).toMatchObject({ from: 3, to: 6, label: 'lines 3–6' });
  });
});

describe('importLines', () => {
  it('covers import declarations and top-level requires, in JS and in Python', () => {
    const js = "import a from 'a';\nconst { b } = require('b');\nconst c = 1;\n";
    expect([...importLines('x.js', js)]).toEqual([1, 2]);
    expect([...importLines('x.py', 'import os\nfrom sys import argv\nx = 1\n')]).toEqual([1, 2]);
  });
});
