// Merging inside a bare repository as a forge's merge button does: the base branch really
// moves, with the commit shape each method produces, and a conflict moves nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BareRepos } from '../../helpers/bare-repos.js';
import { canMerge, commitsAhead, mergeBranches } from '../../helpers/bare-merge.js';
import { PERSON } from '../../helpers/git-client.js';

let repos: BareRepos;
const NAME = 'acme/app';

beforeEach(() => {
  repos = new BareRepos();
  repos.create(NAME, { files: { 'a.txt': 'a\n', 'b.txt': 'b\n' } });
  repos.commitFiles(NAME, 'feature', { 'a.txt': 'a changed\n' }, { message: 'change a', from: 'main', author: PERSON });
  repos.commitFiles(NAME, 'feature', { 'c.txt': 'c\n' }, { message: 'add c', author: PERSON });
  // main moves on too, without touching the feature's files.
  repos.commitFiles(NAME, 'main', { 'b.txt': 'b changed\n' }, { message: 'change b' });
});
afterEach(() => repos.cleanup());

const parentsOf = (sha: string) => repos.git(NAME, ['rev-list', '--parents', '-n', '1', sha]).split(' ').slice(1);
const fileAt = (ref: string, file: string) => repos.git(NAME, ['show', `${ref}:${file}`]);

describe('mergeBranches', () => {
  it('merge: a two-parent commit on the base with both sides', () => {
    const base = repos.branchSha(NAME, 'main')!;
    const head = repos.branchSha(NAME, 'feature')!;
    const result = mergeBranches(repos, NAME, { base: 'main', head: 'feature', method: 'merge', message: 'Merge pull request #1 from acme/feature' });
    expect(result).toMatchObject({ merged: true });
    const sha = repos.branchSha(NAME, 'main')!;
    expect(result.merged && result.sha).toBe(sha);
    expect(parentsOf(sha)).toEqual([base, head]);
    expect([fileAt('main', 'a.txt'), fileAt('main', 'b.txt'), fileAt('main', 'c.txt')]).toEqual(['a changed', 'b changed', 'c']);
    expect(repos.git(NAME, ['log', '-1', '--format=%s', 'main'])).toBe('Merge pull request #1 from acme/feature');
  });

  it("squash: one commit on the base, authored by the pull request's author", () => {
    const base = repos.branchSha(NAME, 'main')!;
    mergeBranches(repos, NAME, { base: 'main', head: 'feature', method: 'squash', message: 'Feature (#1)', author: PERSON });
    const sha = repos.branchSha(NAME, 'main')!;
    expect(parentsOf(sha)).toEqual([base]);
    expect(repos.git(NAME, ['log', '-1', '--format=%an|%cn|%s', 'main'])).toBe('Pat Person|Forge|Feature (#1)');
    expect(fileAt('main', 'c.txt')).toBe('c');
  });

  it('rebase: the head commits replayed on the base, one by one, authors kept', () => {
    const base = repos.branchSha(NAME, 'main')!;
    mergeBranches(repos, NAME, { base: 'main', head: 'feature', method: 'rebase', message: 'unused' });
    const log = repos.git(NAME, ['log', '--format=%an|%s', `${base}..main`]).split('\n');
    expect(log).toEqual(['Pat Person|add c', 'Pat Person|change a']);
    expect(repos.isAncestor(NAME, base, 'refs/heads/main')).toBe(true);
    expect(repos.git(NAME, ['worktree', 'list', '--porcelain']).split('\n').filter((l) => l.startsWith('worktree')).length).toBe(1);
  });

  it('fast-forward: refused when the base has moved, done when it has not', () => {
    expect(mergeBranches(repos, NAME, { base: 'main', head: 'feature', method: 'fast-forward', message: '' })).toEqual({ merged: false, reason: 'not-fast-forward' });
    repos.commitFiles(NAME, 'ff', { 'd.txt': 'd\n' }, { message: 'add d', from: 'main' });
    const head = repos.branchSha(NAME, 'ff');
    expect(mergeBranches(repos, NAME, { base: 'main', head: 'ff', method: 'fast-forward', message: '' })).toEqual({ merged: true, sha: head });
  });

  it('a conflict merges nothing and leaves the base where it was', () => {
    repos.commitFiles(NAME, 'main', { 'a.txt': 'a changed differently\n' }, { message: 'conflicting change' });
    const base = repos.branchSha(NAME, 'main');
    expect(canMerge(repos, NAME, 'main', 'feature')).toBe(false);
    for (const method of ['merge', 'squash', 'rebase'] as const) {
      expect(mergeBranches(repos, NAME, { base: 'main', head: 'feature', method, message: 'x' })).toEqual({ merged: false, reason: 'conflict' });
    }
    expect(repos.branchSha(NAME, 'main')).toBe(base);
  });

  it('refuses when the head moved since the caller looked (expected head sha)', () => {
    expect(mergeBranches(repos, NAME, { base: 'main', head: 'feature', method: 'merge', message: 'x', expectedHeadSha: 'f'.repeat(40) })).toEqual({ merged: false, reason: 'head-moved' });
  });

  it('counts the commits a head has beyond its base', () => {
    expect(commitsAhead(repos, NAME, 'main', 'feature')).toBe(2);
    expect(canMerge(repos, NAME, 'main', 'feature')).toBe(true);
  });
});
