import { describe, expect, it } from 'vitest';
import {
  changedPaths,
  hasStagedChange,
  parseCheckedOutTip,
  parseCommitFiles,
  parseRefTips,
  parseStatusPorcelainV2Z,
  parseStatusPorcelainZ,
  parseWorktreeListPorcelain,
} from '../../../src/core/repository/git-porcelain.js';
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

describe('parseStatusPorcelainV2Z', () => {
  const c = 'c'.repeat(40);
  it('reads HEAD, the branch and each entry with v1 letters, a rename with its old path and paths with spaces intact', () => {
    const output = [
      `# branch.oid ${c}`,
      '# branch.head kaizen/run 1',
      '1 .M N... 100644 100644 100644 aaaa aaaa src/a b.js',
      '2 R. N... 100644 100644 100644 bbbb bbbb R100 new.js',
      'old.js',
      'u UU N... 100644 100644 100644 100644 x y z conflict.js',
      '? notes.txt',
      '',
    ].join('\0');
    const status = parseStatusPorcelainV2Z(output);
    expect(status.head).toBe(c);
    expect(status.branch).toBe('kaizen/run 1');
    expect(status.entries).toEqual([
      { code: ' M', path: 'src/a b.js' },
      { code: 'R ', path: 'new.js', origPath: 'old.js' },
      { code: 'UU', path: 'conflict.js' },
      { code: '??', path: 'notes.txt' },
    ]);
    expect(hasStagedChange(status.entries)).toBe(true);
  });

  it('tells a clean checkout, a detached HEAD and a repository without commits; unstaged or untracked changes stage nothing', () => {
    expect(parseStatusPorcelainV2Z(`# branch.oid ${c}\0# branch.head (detached)\0`)).toEqual({ head: c, branch: null, entries: [] });
    expect(parseStatusPorcelainV2Z('# branch.oid (initial)\0# branch.head main\0').head).toBeNull();
    expect(hasStagedChange(parseStatusPorcelainV2Z('1 .M N... 100644 100644 100644 a a f.js\0? new.js\0').entries)).toBe(false);
  });
});

describe('parseCommitFiles', () => {
  it('reads the commit, its tree, its parents and its files (the list follows a NUL and a newline)', () => {
    const [c, t, p] = ['c', 't', 'p'].map((x) => x.repeat(40)) as [string, string, string];
    expect(parseCommitFiles(`${c}\0${t}\0${p}\0\nsrc/a.js\0src/b c.js\0`)).toEqual({ commit: c, tree: t, parents: [p], files: ['src/a.js', 'src/b c.js'] });
    expect(parseCommitFiles(`${c}\0${t}\0\0\nroot.js\0`)).toEqual({ commit: c, tree: t, parents: [], files: ['root.js'] });
    expect(parseCommitFiles('')).toBeNull();
  });
});

describe('parseCheckedOutTip', () => {
  it('finds the branch marked as checked out, with its commit and tree; none on a detached HEAD', () => {
    const line = (head: string, ref: string, x: string) => `${head}\0${ref}\0${x.repeat(40)}\0${'e'.repeat(40)}`;
    const output = [line(' ', 'refs/heads/feature', 'a'), `*\0refs/heads/main\0${'c'.repeat(40)}\0${'d'.repeat(40)}`, ''].join('\n');
    expect(parseCheckedOutTip(output)).toEqual({ branch: 'main', commit: 'c'.repeat(40), tree: 'd'.repeat(40) });
    expect(parseCheckedOutTip([line(' ', 'refs/heads/main', 'a'), ''].join('\n'))).toBeNull();
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
