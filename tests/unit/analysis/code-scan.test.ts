import { describe, expect, it } from 'vitest';
import { complexityFindings, errorHandlingFindings, exportedFunctions, untestedExportFindings } from '../../../src/core/analysis/code-findings.js';
import { enclosingRegions, FALLBACK_RADIUS, MAX_REGION_LINES, mergeRegions, scanFunctions } from '../../../src/core/analysis/code-scan.js';

const GRADE = [
  'export function grade(score, bonus = 0) {',
  "  if (score > 90 && bonus) return 'A';",
  "  else if (score > 80 || bonus > 5) return 'B';",
  '  for (const x of [1]) { while (x) { break; } }',
  "  switch (score) { case 1: return 'x'; case 2: return 'y'; default: return 'z'; }",
  "  try { return score ?? 0 ? 'c' : 'd'; } catch (e) { return 'e'; }",
  '}',
  'const helper = () => 1;',
  'class Cart { add(item) { return item ? 1 : 2; } }',
  'export { helper as h };',
  '',
].join('\n');

describe('scanFunctions', () => {
  it("counts decision points like ESLint's complexity rule, each function on its own", () => {
    const functions = scanFunctions('src/grade.js', GRADE);
    // 1 + default parameter + if + && + else if + || + for-of + while + 2 cases + ?? + ?: + catch
    expect(functions?.find((f) => f.name === 'grade')).toMatchObject({ startLine: 1, endLine: 7, complexity: 13, isAsync: false });
    expect(functions?.find((f) => f.name === 'helper')?.complexity).toBe(1);
    expect(functions?.find((f) => f.name === 'Cart.add')).toMatchObject({ startLine: 9, complexity: 2 });
  });

  it('does not count a nested function into its parent', () => {
    const source = 'function outer(a) {\n  const inner = (b) => (b ? (b > 1 ? 1 : 2) : 3);\n  return a ? inner(a) : 0;\n}\n';
    const functions = scanFunctions('x.ts', source) ?? [];
    expect(functions.map((f) => [f.name, f.complexity, f.depth])).toEqual([
      ['outer', 2, 0],
      ['inner', 3, 1],
    ]);
  });

  it('reads TypeScript and returns null for other languages', () => {
    expect(scanFunctions('a.ts', 'export const f = (x: number | null): number => x ?? 0;\n')?.[0]).toMatchObject({ name: 'f', complexity: 2 });
    expect(scanFunctions('a.py', 'def f(): pass')).toBeNull();
  });
});

describe('enclosingRegions', () => {
  it('shows the whole function or class member around each line, merged', () => {
    expect(enclosingRegions('a.js', GRADE, [3, 5, 9])).toEqual([
      { from: 1, to: 7, label: 'function grade' },
      { from: 9, to: 9, label: 'class Cart' },
    ]);
  });

  it('goes inward from a class that is too long to its method', () => {
    const body = Array.from({ length: MAX_REGION_LINES + 20 }, (_, i) => `  m${i}() { return ${i}; }`);
    const source = ['class Big {', ...body, '  target(a) {', '    return a + 1;', '  }', '}', ''].join('\n');
    const line = source.split('\n').indexOf('    return a + 1;') + 1;
    expect(enclosingRegions('big.js', source, [line])).toEqual([{ from: line - 1, to: line + 1, label: 'function Big.target' }]);
  });

  it('falls back to a window when no short enough function holds the line', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `  x${i},`);
    const source = ['const table = [', ...lines, '];', ''].join('\n');
    expect(enclosingRegions('t.js', source, [200])).toEqual([{ from: 200 - FALLBACK_RADIUS, to: 200 + FALLBACK_RADIUS, label: 'lines around 200' }]);
  });

  it('merges overlapping regions and keeps both labels', () => {
    expect(mergeRegions([{ from: 5, to: 9, label: 'b' }, { from: 1, to: 6, label: 'a' }, { from: 20, to: 22, label: 'c' }])).toEqual([
      { from: 1, to: 9, label: 'a, b' },
      { from: 20, to: 22, label: 'c' },
    ]);
  });
});

describe('complexityFindings', () => {
  it('reports functions over the threshold with a message that survives edits elsewhere', () => {
    const findings = complexityFindings('src/grade.js', GRADE, 10);
    expect(findings).toEqual([
      expect.objectContaining({ file: 'src/grade.js', line: 1, endLine: 7, ruleId: 'complexity', analyser: 'kaizen', fixable: false, message: "Function 'grade' has a cyclomatic complexity over 10." }),
    ]);
    expect(complexityFindings('src/grade.js', `\n\n${GRADE}`, 10)[0]?.message).toBe(findings[0]?.message);
    expect(complexityFindings('src/grade.js', GRADE, 13)).toEqual([]);
  });
});

describe('errorHandlingFindings', () => {
  const source = [
    "emitter.on('data', async (d) => { await save(d); });",
    'fetchIt().then((r) => r.json());',
    'fetchIt().then(a).catch(b);',
    'fetchIt().then(a, onError);',
    'export async function load() { return fetchIt().then(a); }',
    'setTimeout(async () => { try { await x(); } catch (e) { report(e); } }, 1);',
    'function start() { setInterval(async () => { await tick(); }, 1000); }',
    '',
  ].join('\n');

  it('finds floating .then() chains and async callbacks that await outside try/catch', () => {
    expect(errorHandlingFindings('a.js', source).map((f) => [f.line, f.message])).toEqual([
      [1, 'An async callback passed to .on() in the module awaits without try/catch: its rejection is unhandled.'],
      [2, 'A promise chain in the module has no .catch(): its rejection is unhandled.'],
      [7, "An async callback passed to setInterval in 'start' awaits without try/catch: its rejection is unhandled."],
    ]);
  });
});

describe('exported functions and tests', () => {
  it('lists declarations, exported arrow functions and export lists by their exported name', () => {
    const source = 'export function a() {}\nexport const b = () => 1;\nfunction c() {}\nconst d = function () {};\nexport { c as see, d };\nexport const notAFunction = 1;\n';
    expect(exportedFunctions('m.js', source)).toEqual([
      { name: 'a', line: 1 },
      { name: 'b', line: 2 },
      { name: 'see', line: 3 },
      { name: 'd', line: 4 },
    ]);
  });

  it('reports the exported functions no test file mentions as a whole word', () => {
    const source = 'export function add() {}\nexport function addAll() {}\nexport function sub() {}\n';
    const tests = ["import { add } from '../src/m.js';\ntest('adds', () => add());", "// subtraction is tested elsewhere: sub"];
    expect(untestedExportFindings('src/m.js', source, tests).map((f) => f.message)).toEqual(["Exported function 'addAll' is not referenced by any test file."]);
  });
});
