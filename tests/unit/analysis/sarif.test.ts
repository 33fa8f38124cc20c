import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSarif, SarifError } from '../../../src/core/analysis/sarif.js';

const ruff = readFileSync(new URL('../../fixtures/sarif/ruff.sarif.json', import.meta.url), 'utf8');
const oxlint = readFileSync(new URL('../../fixtures/sarif/oxlint.sarif.json', import.meta.url), 'utf8');
const semgrep = readFileSync(new URL('../../fixtures/sarif/semgrep.sarif.json', import.meta.url), 'utf8');

describe('parseSarif', () => {
  it('reads ruff-style absolute file:// URIs relative to the worktree and drops files outside it', () => {
    const findings = parseSarif(ruff, { analyser: 'ruff', roots: ['/home/dev/shop'], fixable: true });
    expect(findings).toEqual([
      { file: 'app/main.py', line: 1, column: 8, endLine: 1, ruleId: 'F401', message: '`os` imported but unused', severity: 'error', analyser: 'ruff', fixable: true },
      expect.objectContaining({ file: 'app/main.py', line: 7, ruleId: 'F841', severity: 'error' }),
      expect.objectContaining({ file: 'app/price list.py', line: 3, ruleId: 'D103', severity: 'warning' }),
    ]);
  });

  it('marks findings fixable only when the analyser has a fix command', () => {
    const findings = parseSarif(ruff, { analyser: 'ruff', roots: ['/home/dev/shop'], fixable: false });
    expect(findings.some((f) => f.fixable)).toBe(false);
  });

  it("trusts a rule's own word on its fix: oxlint's suggestions and dangerous fixes are not fixable by --fix", () => {
    const findings = parseSarif(oxlint, { analyser: 'oxlint', roots: ['/repo'], fixable: true });
    expect(findings.map((f) => [f.ruleId, f.fixable])).toEqual([
      ['eslint(prefer-const)', true],
      ['eslint(no-useless-rename)', true],
      ['eslint(no-unneeded-ternary)', false],
      ['eslint(no-debugger)', false],
    ]);
  });

  it('accepts the real path of the worktree as a second root', () => {
    expect(parseSarif(ruff, { analyser: 'ruff', roots: ['/link/shop', '/home/dev/shop'], fixable: false })).toHaveLength(3);
  });

  it('reads semgrep-style relative URIs, rule default levels, message templates and artifact indexes', () => {
    const findings = parseSarif(semgrep, { analyser: 'semgrep', roots: ['/repo'], fixable: false });
    expect(findings).toEqual([
      expect.objectContaining({
        file: 'src/app.js',
        line: 12,
        column: 3,
        ruleId: 'javascript.lang.security.audit.detect-eval-with-expression',
        severity: 'error',
        analyser: 'semgrep',
      }),
      expect.objectContaining({ file: 'src/app.js', line: 20, ruleId: 'javascript.lang.best-practice.no-console', severity: 'info' }),
      expect.objectContaining({
        file: 'src/legacy/loader.js',
        line: 4,
        ruleId: 'javascript.lang.security.audit.detect-eval-with-expression',
        message: 'Detected eval(code) with a non-literal argument',
        severity: 'error',
      }),
    ]);
  });

  it('leaves out suppressed results and paths climbing out of the worktree', () => {
    const findings = parseSarif(semgrep, { analyser: 'semgrep', roots: ['/repo'], fixable: false });
    expect(findings.some((f) => f.line === 30)).toBe(false);
    expect(findings.some((f) => f.file.includes('elsewhere'))).toBe(false);
  });

  it('refuses output that is not a SARIF log, saying why', () => {
    expect(() => parseSarif('error: unknown option --sarif', { analyser: 'x', roots: ['/r'], fixable: false })).toThrow(/not JSON/);
    expect(() => parseSarif('{"version":"2.1.0"}', { analyser: 'x', roots: ['/r'], fixable: false })).toThrow(SarifError);
  });

  it('treats an empty run as no findings', () => {
    expect(parseSarif('{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[]}]}', { analyser: 'x', roots: ['/r'], fixable: false })).toEqual([]);
  });
});
