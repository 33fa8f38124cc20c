import { describe, expect, it } from 'vitest';
import { changedPaths, parseRefTips, parseStatusPorcelainZ, parseWorktreeListPorcelain } from '../../../src/core/repository/git-porcelain.js';
import { normaliseRepoPath } from '../../../src/core/repository/path.js';

describe('parseStatusPorcelainZ', () => {
  it('reads modified, untracked and renamed entries, paths with spaces intact', () => {
    const output = ' M src/a.js\0?? notes with space.txt\0R  new.js\0old.js\0?? .kaizen/\0';
    const entries = parseStatusPorcelainZ(output);
    expect(entries).toEqual([
      { code: ' M', path: 'src/a.js' },
      { code: '??', path: 'notes with space.txt' },
      { code: 'R ', path: 'new.js', origPath: 'old.js' },
      { code: '??', path: '.kaizen/' },
    ]);
    expect(changedPaths(entries)).toEqual(['src/a.js', 'notes with space.txt', 'new.js']);
  });

  it('returns nothing for a clean tree', () => {
    expect(parseStatusPorcelainZ('')).toEqual([]);
  });
});

describe('parseRefTips', () => {
  it('reads each ref its commit and tree by exact name', () => {
    const output = ['refs/heads/main\0' + 'c'.repeat(40) + '\0' + 'd'.repeat(40), ''].join('\n');
    expect(parseRefTips(output).get('refs/heads/main')).toEqual({ commit: 'c'.repeat(40), tree: 'd'.repeat(40) });
  });

  it('does not take a ref below the pattern (refs/heads/main/x when main does not exist) for the branch', () => {
    const output = 'refs/heads/main/x\0' + 'a'.repeat(40) + '\0' + 'b'.repeat(40) + '\n';
    expect(parseRefTips(output).get('refs/heads/main')).toBeUndefined();
  });

  it('reads nothing from an empty answer (no such ref)', () => {
    expect(parseRefTips('').size).toBe(0);
  });
});

describe('parseWorktreeListPorcelain', () => {
  it('reads branches, detached and prunable worktrees', () => {
    const output = [
      'worktree /repo',
      'HEAD 1111111111111111111111111111111111111111',
      'branch refs/heads/main',
      '',
      'worktree /repo/.kaizen/worktrees/ab12',
      'HEAD 2222222222222222222222222222222222222222',
      'detached',
      'locked',
      '',
      'worktree /gone',
      'HEAD 3333333333333333333333333333333333333333',
      'branch refs/heads/kaizen/zz',
      'prunable gitdir file points to non-existent location',
      '',
    ].join('\n');
    expect(parseWorktreeListPorcelain(output)).toEqual([
      { path: '/repo', head: '1'.repeat(40), branch: 'refs/heads/main', bare: false, detached: false, locked: false, prunable: false },
      { path: '/repo/.kaizen/worktrees/ab12', head: '2'.repeat(40), branch: null, bare: false, detached: true, locked: true, prunable: false },
      { path: '/gone', head: '3'.repeat(40), branch: 'refs/heads/kaizen/zz', bare: false, detached: false, locked: false, prunable: true },
    ]);
  });
});

describe('normaliseRepoPath', () => {
  it('normalises harmless spellings', () => {
    expect(normaliseRepoPath('./src//a.js')).toEqual({ ok: true, path: 'src/a.js' });
    expect(normaliseRepoPath('src\\lib\\b.ts')).toEqual({ ok: true, path: 'src/lib/b.ts' });
    expect(normaliseRepoPath('.github/workflows/ci.yml')).toEqual({ ok: true, path: '.github/workflows/ci.yml' });
  });

  it.each([
    ['', /empty/],
    ['/etc/passwd', /absolute/],
    ['C:/Windows/x', /absolute/],
    ['\\\\server\\share', /absolute/],
    ['../x.js', /climbs out/],
    ['src/../../x.js', /climbs out/],
    ['.git/hooks/pre-commit', /inside \.git/],
    ['vendor/.GIT/config', /inside \.GIT/],
    ['.kaizen/ledger.jsonl', /inside \.kaizen/],
    ['./', /repository root/],
    ['a\0b', /NUL/],
  ])('refuses %j', (raw, problem) => {
    const check = normaliseRepoPath(raw);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problem).toMatch(problem);
  });
});
