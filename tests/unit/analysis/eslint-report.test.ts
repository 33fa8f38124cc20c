import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ESLINT_COMMENT_RULE, EslintReportError, PARSE_ERROR_RULE, parseEslintReport, relativeTo } from '../../../src/core/analysis/eslint-report.js';

// Captured once from ESLint 10 with assets/eslint.default.config.mjs, run in /tmp/kaizen-fixture.
const ROOT = '/tmp/kaizen-fixture';
const report = readFileSync(new URL('../../fixtures/eslint/report.json', import.meta.url), 'utf8');
const dryRun = readFileSync(new URL('../../fixtures/eslint/fix-dry-run.json', import.meta.url), 'utf8');

function reportFor(file: string) {
  const found = parseEslintReport(report, [ROOT]).find((r) => r.file === file);
  if (!found) throw new Error(`no report for ${file}`);
  return found;
}

describe('parseEslintReport', () => {
  it('makes paths repo-relative and keeps every analysed file, even without findings', () => {
    expect(parseEslintReport(report, [ROOT]).map((r) => r.file)).toEqual([
      'src/broken.js',
      'src/cart.js',
      'src/format.js',
      'src/index.js',
      'src/inventory.js',
      'src/legacy.js',
      'src/skus.ts',
    ]);
    expect(reportFor('src/index.js').findings).toEqual([]);
  });

  it('turns a parse error into one fatal, unfixable finding', () => {
    expect(reportFor('src/broken.js').findings).toEqual([
      expect.objectContaining({ file: 'src/broken.js', line: 2, ruleId: PARSE_ERROR_RULE, severity: 'error', fatal: true, fixable: false }),
    ]);
  });

  it('marks findings with an ESLint fix as fixable and keeps rule, position and severity', () => {
    const cart = reportFor('src/cart.js').findings;
    expect(cart).toHaveLength(10);
    expect(cart.every((f) => f.fixable && f.analyser === 'eslint' && f.severity === 'warning')).toBe(true);
    expect(cart[0]).toMatchObject({ ruleId: 'no-var', line: 13, column: 3, endLine: 15, message: 'Unexpected var, use let or const instead.' });
    expect(cart.filter((f) => f.ruleId === 'prefer-const')).toHaveLength(3);
  });

  it('marks findings without a fix as not fixable, and notes suggestions', () => {
    expect(reportFor('src/format.js').findings.find((f) => f.ruleId === 'prefer-rest-params')).toMatchObject({ fixable: false });
    const unused = reportFor('src/inventory.js').findings.find((f) => f.ruleId === 'no-unused-vars');
    expect(unused).toMatchObject({ fixable: false, hasSuggestions: true, line: 50 });
  });

  it('drops "Definition for rule … was not found" reports about disable comments of plugins not loaded', () => {
    expect(reportFor('src/legacy.js').findings).toEqual([]);
  });

  it('reads TypeScript files parsed by typescript-eslint', () => {
    expect(reportFor('src/skus.ts').findings.map((f) => f.ruleId)).toEqual(['prefer-const', 'no-var', 'dot-notation']);
  });

  it('uses the real path of the worktree when the given one is not a prefix, and drops files outside both', () => {
    expect(parseEslintReport(report, ['/elsewhere', ROOT])).toHaveLength(7);
    expect(parseEslintReport(report, ['/elsewhere'])).toEqual([]);
    expect(relativeTo('/tmp/kaizen-fixture-2/a.js', [ROOT])).toBeNull();
    expect(relativeTo('/tmp/kaizen-fixture/a.js', [`${ROOT}/`])).toBe('a.js');
  });

  it('returns the fixed source of --fix-dry-run and the findings left after fixing', () => {
    const [format] = parseEslintReport(dryRun, [ROOT]);
    expect(format?.output).toContain('const symbol = SYMBOLS[currency];');
    expect(format?.output).toContain('return settings.currency ? currency : \'EUR\';');
    expect(format?.findings.map((f) => f.ruleId)).toEqual(['prefer-rest-params']);
  });

  it('names ESLint reports without a rule (an unused disable comment) eslint-comment and skips ignored-file warnings', () => {
    const json = JSON.stringify([
      {
        filePath: `${ROOT}/a.js`,
        messages: [
          { ruleId: null, severity: 1, message: 'Unused eslint-disable directive (no problems were reported).', line: 3, column: 1, fix: { range: [0, 1], text: '' } },
          { ruleId: null, severity: 1, message: 'File ignored because of a matching ignore pattern.' },
        ],
      },
    ]);
    expect(parseEslintReport(json, [ROOT])[0]?.findings).toEqual([
      expect.objectContaining({ ruleId: ESLINT_COMMENT_RULE, fixable: true, severity: 'warning', line: 3 }),
    ]);
  });

  it('reads the report after lines a plugin printed while loading', () => {
    expect(parseEslintReport(`loading plugin x...\nwarning: old node\n${report}`, [ROOT])).toHaveLength(7);
  });

  it('refuses output that is not an ESLint JSON report', () => {
    expect(() => parseEslintReport('Oops! Something went wrong!', [ROOT])).toThrow(EslintReportError);
    expect(() => parseEslintReport('{"filePath":"x"}', [ROOT])).toThrow(EslintReportError);
    expect(() => parseEslintReport('[{"messages":[]}]', [ROOT])).toThrow(EslintReportError);
  });
});
