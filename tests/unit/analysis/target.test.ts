import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/core/config/config.js';
import { chooseTarget, MAX_TARGET_FINDINGS, rankCandidates, type FileFacts, type TargetChoiceInput } from '../../../src/core/analysis/target.js';
import type { Finding } from '../../../src/core/types.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const HOURS_AGO = (h: number) => Math.floor((NOW - h * 3_600_000) / 1000);

function finding(file: string, ruleId: string, overrides: Partial<Finding> = {}): Finding {
  return { file, line: 1, column: 1, ruleId, message: `${ruleId} message`, severity: 'warning', analyser: 'eslint', fixable: true, ...overrides };
}

function input(findings: Finding[], overrides: Partial<TargetChoiceInput> = {}): TargetChoiceInput {
  const facts: Record<string, FileFacts> = {};
  for (const f of findings) facts[f.file] = { tracked: true, sizeBytes: 1000, lastCommitAt: HOURS_AGO(48) };
  return {
    findings,
    config: Config.parse({}),
    facts,
    userDirtyFiles: [],
    nowMs: NOW,
    filesAnalysed: 10,
    ...overrides,
  };
}

describe('chooseTarget', () => {
  it('picks the file with the most fixable findings, then the most findings, then by path', () => {
    const findings = [
      finding('a.js', 'no-var'),
      finding('a.js', 'no-unused-vars', { fixable: false }),
      finding('b.js', 'no-var'),
      finding('b.js', 'prefer-const'),
      finding('c.js', 'no-var'),
      finding('c.js', 'prefer-const'),
      finding('c.js', 'no-undef', { fixable: false }),
      finding('d.js', 'no-var'),
      finding('d.js', 'prefer-const'),
      finding('d.js', 'no-undef', { fixable: false }),
    ];
    expect(rankCandidates(findings).map((c) => c.file)).toEqual(['c.js', 'd.js', 'b.js', 'a.js']);
    expect(chooseTarget(input(findings))).toMatchObject({ target: 'c.js', fixableCount: 2 });
  });

  it('ranks unfixable-only files last but still makes them targets when nothing else qualifies', () => {
    const findings = [finding('x.js', 'no-undef', { fixable: false }), finding('x.js', 'prefer-rest-params', { fixable: false })];
    expect(chooseTarget(input(findings))).toMatchObject({ target: 'x.js', fixableCount: 0 });
  });

  it('says there are no findings when there are none', () => {
    expect(chooseTarget(input([]))).toEqual({ target: null, findings: [], fixableCount: 0, reason: 'no findings in 10 analysed files' });
  });

  it('skips files the user is editing, files too large, excluded files and files changed recently, and says why', () => {
    const findings = [
      finding('dirty.js', 'no-var'),
      finding('dirty.js', 'no-var'),
      finding('dirty.js', 'no-var'),
      finding('dirty.js', 'no-var'),
      finding('big.js', 'no-var'),
      finding('big.js', 'no-var'),
      finding('big.js', 'no-var'),
      finding('legacy/old.js', 'no-var'),
      finding('legacy/old.js', 'no-var'),
      finding('fresh.js', 'no-var'),
    ];
    const base = input(findings, { userDirtyFiles: ['dirty.js'], config: Config.parse({ exclude: ['legacy'], maxFileSizeKb: 100 }) });
    (base.facts['big.js'] as FileFacts).sizeBytes = 100 * 1024 + 1;
    (base.facts['fresh.js'] as FileFacts).lastCommitAt = Math.floor((NOW - 10 * 60_000) / 1000);
    expect(chooseTarget(base)).toEqual({
      target: null,
      findings: [],
      fixableCount: 0,
      reason:
        'all 4 files with findings were skipped: dirty.js (uncommitted changes in your checkout), big.js (larger than 100 KB), legacy/old.js (excluded), fresh.js (changed 10 minutes ago)',
    });
    base.findings.push(finding('ok.js', 'prefer-const'));
    base.facts['ok.js'] = { tracked: true, sizeBytes: 10, lastCommitAt: HOURS_AGO(2) };
    expect(chooseTarget(base).target).toBe('ok.js');
  });

  it('treats recentChangeMinutes as a window: older commits qualify, and 0 turns the rule off', () => {
    const findings = [finding('a.js', 'no-var')];
    const recent = input(findings, { config: Config.parse({ recentChangeMinutes: 120 }) });
    (recent.facts['a.js'] as FileFacts).lastCommitAt = HOURS_AGO(1);
    expect(chooseTarget(recent)).toMatchObject({ target: null, reason: 'the only file with findings was skipped: a.js (changed 60 minutes ago)' });
    (recent.facts['a.js'] as FileFacts).lastCommitAt = HOURS_AGO(3);
    expect(chooseTarget(recent).target).toBe('a.js');
    (recent.facts['a.js'] as FileFacts).lastCommitAt = HOURS_AGO(0);
    expect(chooseTarget({ ...recent, config: Config.parse({ recentChangeMinutes: 0 }) }).target).toBe('a.js');
  });

  it('never targets a file that does not parse', () => {
    const findings = [finding('broken.js', 'parse-error', { fixable: false, fatal: true, severity: 'error' })];
    expect(chooseTarget(input(findings)).reason).toBe('the only file with findings was skipped: broken.js (does not parse)');
  });

  it('lists at most five skipped files in the reason', () => {
    const findings = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => finding(`${name}.js`, 'no-var'));
    const all = input(findings, { userDirtyFiles: findings.map((f) => f.file) });
    expect(chooseTarget(all).reason).toMatch(/^all 7 files with findings were skipped: a\.js .*e\.js \(uncommitted changes in your checkout\), … and 2 more$/);
  });

  it('caps the findings of the target, fixable ones first in line order', () => {
    const findings: Finding[] = [];
    for (let line = 1; line <= 60; line++) findings.push(finding('big.js', 'no-undef', { line, fixable: false }));
    for (let line = 61; line <= 70; line++) findings.push(finding('big.js', 'no-var', { line }));
    const choice = chooseTarget(input(findings));
    expect(choice.findings).toHaveLength(MAX_TARGET_FINDINGS);
    expect(choice.fixableCount).toBe(10);
    expect(choice.findings.slice(0, 10).every((f) => f.fixable)).toBe(true);
    expect(choice.findings[10]).toMatchObject({ ruleId: 'no-undef', line: 1 });
  });
});

describe('chooseTarget with an explicit file', () => {
  const findings = [finding('src/a.js', 'no-var'), finding('src/b.js', 'no-var'), finding('src/b.js', 'no-var')];

  it('takes the requested file even when another has more findings, and normalises its path', () => {
    expect(chooseTarget(input(findings, { file: './src/a.js' }))).toMatchObject({ target: 'src/a.js', fixableCount: 1 });
  });

  it('says there is nothing to fix in a requested file without findings: no target, so no model is asked', () => {
    const choice = chooseTarget({ ...input(findings, { file: 'src/c.js' }), facts: { 'src/c.js': { tracked: true, sizeBytes: 5 } } });
    expect(choice).toEqual({ target: null, findings: [], fixableCount: 0, reason: 'nothing to fix in src/c.js: the analysers report no finding there for this strategy' });
  });

  it('says there is nothing to fix for autofix in a requested file whose findings have no automatic fix', () => {
    const unfixable = [{ ...(findings[0] as Finding), file: 'src/c.js', fixable: false }];
    const choice = chooseTarget({ ...input(unfixable, { file: 'src/c.js' }), facts: { 'src/c.js': { tracked: true, sizeBytes: 5 } }, requireFixable: true });
    expect(choice.reason).toBe('nothing to fix in src/c.js: its one finding has no automatic fix (try --strategy llm)');
  });

  it('refuses a file that is missing, untracked, excluded, too large or outside the repository, saying which', () => {
    const facts: Record<string, FileFacts> = {
      'notes.js': { tracked: false, sizeBytes: 10 },
      'dist/app.js': { tracked: true, sizeBytes: 10 },
      'huge.js': { tracked: true, sizeBytes: 600 * 1024 },
    };
    const ask = (file: string) => chooseTarget({ ...input([]), facts, file });
    expect(ask('src/gone.js').reason).toBe('src/gone.js does not exist in the repository');
    expect(ask('notes.js').reason).toBe('notes.js is not tracked by git; commit it first');
    expect(ask('dist/app.js').reason).toMatch(/^dist\/app\.js is excluded/);
    expect(ask('huge.js').reason).toMatch(/^huge\.js is larger than maxFileSizeKb \(500 KB\)/);
    expect(ask('../other/x.js')).toMatchObject({ target: null, reason: expect.stringContaining("climbs out with '..'") });
  });
});

describe('autofix only targets files with fixable findings', () => {
  const base = {
    config: { exclude: [], maxFileSizeKb: 500, recentChangeMinutes: 0 },
    facts: { 'a.js': { tracked: true, sizeBytes: 10 }, 'b.js': { tracked: true, sizeBytes: 10 } },
    userDirtyFiles: [],
    nowMs: 0,
    filesAnalysed: 2,
  };
  const f = (file: string, fixable: boolean) => ({ file, line: 1, column: 1, ruleId: fixable ? 'prefer-const' : 'no-unused-vars', message: 'm', severity: 'warning' as const, analyser: 'eslint', fixable });

  it('skips a file whose findings have no automatic fix', () => {
    const choice = chooseTarget({ ...base, findings: [f('a.js', false), f('a.js', false), f('b.js', true)], requireFixable: true });
    expect(choice.target).toBe('b.js');
  });

  it('says why nothing qualifies when no finding is fixable', () => {
    const choice = chooseTarget({ ...base, findings: [f('a.js', false)], requireFixable: true });
    expect(choice.target).toBeNull();
    expect(choice.reason).toMatch(/no finding in 2 analysed files has an automatic fix .*--strategy llm/);
  });
});

describe('files other runs reserved', () => {
  const findings = [finding('a.js', 'no-var'), finding('a.js', 'prefer-const'), finding('b.js', 'no-var'), finding('c.js', 'no-var'), finding('d.js', 'no-var')];

  it('are never the target; the next eligible files are named as alternatives, best first', () => {
    const choice = chooseTarget(input(findings, { reserved: ['a.js', 'c.js'], alternatives: 2 }));
    expect(choice.target).toBe('b.js');
    expect(choice.alternatives).toEqual(['d.js']);
    expect(chooseTarget(input(findings, { alternatives: 2 })).alternatives).toEqual(['b.js', 'c.js']);
    expect(chooseTarget(input(findings)).alternatives).toBeUndefined();
  });

  it('say why nothing is left when every file is reserved, and refuse a reserved file asked for by name', () => {
    const all = chooseTarget(input(findings, { reserved: ['a.js', 'b.js', 'c.js', 'd.js'] }));
    expect(all.target).toBeNull();
    expect(all.reason).toContain('a.js (being improved by another run)');
    const named = chooseTarget(input(findings, { file: 'a.js', reserved: ['a.js'] }));
    expect(named.target).toBeNull();
    expect(named.reason).toMatch(/a\.js is being improved by another run.*kaizen status/);
  });
});
