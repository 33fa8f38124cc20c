import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../../src/core/types.js';
import { createRepo, git, type TempRepo } from '../../helpers/git-repo.js';
import { proposalFor, runIdFor, workspaceActivities } from './fixtures.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

const ORIGINAL = 'line 1\nline 2\nline 3\n';

/** A repo with a committed Kaizen change to src/a.js on kaizen/<id>. */
async function committedChange() {
  const r = createRepo({ 'src/a.js': ORIGINAL, 'src/other.js': 'other\n' });
  repos.push(r);
  const acts = workspaceActivities();
  const { workspace } = await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('integrate') });
  const proposal = await proposalFor(workspace, { 'src/a.js': 'line 1 improved\nline 2\nline 3\n' });
  const { commit } = await acts.applyProposal({ workspace, proposal, message: 'kaizen: improve line 1' });
  return { r, acts, workspace, commit };
}

describe('integrate', () => {
  it('leaves the branch for review in branch mode', async () => {
    const { r, acts, workspace, commit } = await committedChange();
    const result = await acts.integrate({ workspace, mode: 'branch', commit });
    expect(result).toEqual({ kind: 'proposed', branch: workspace.branch, commit, reason: `branch ${workspace.branch} is ready for review` });
    expect(r.head('main')).toBe(workspace.baseCommit);
  });

  it('fast-forwards a clean checkout of the target branch, updating the files on disk', async () => {
    const { r, acts, workspace, commit } = await committedChange();
    const result = await acts.integrate({ workspace, mode: 'merge', commit });
    expect(result).toEqual({ kind: 'applied', commit, reason: `fast-forwarded main to ${commit.slice(0, 8)}` });
    expect(r.head('main')).toBe(commit);
    expect(readFileSync(join(r.path, 'src/a.js'), 'utf8')).toBe('line 1 improved\nline 2\nline 3\n');
    expect(r.git('status', '--porcelain')).toBe('');
    // A retry after it landed reports the same outcome.
    expect((await acts.integrate({ workspace, mode: 'merge', commit })).kind).toBe('applied');
    expect(existsSync(join(workspace.stateDir, 'merge.lock'))).toBe(false);
  });

  it('moves a target branch that is not checked out anywhere without touching the checkout', async () => {
    const { r, acts, workspace, commit } = await committedChange();
    r.git('checkout', '-q', '-b', 'user-work');
    const result = await acts.integrate({ workspace, mode: 'merge', commit });
    expect(result.kind).toBe('applied');
    expect(r.head('main')).toBe(commit);
    expect(r.git('symbolic-ref', '--short', 'HEAD')).toBe('user-work');
    expect(readFileSync(join(r.path, 'src/a.js'), 'utf8')).toBe(ORIGINAL);
  });

  it('leaves a checkout with uncommitted changes byte-identical and proposes the branch instead', async () => {
    const { r, acts, workspace, commit } = await committedChange();
    r.write('src/other.js', 'the user is half-way through this\n');
    r.write('scratch.txt', 'notes\n');
    const statusBefore = r.git('status', '--porcelain');
    const result = await acts.integrate({ workspace, mode: 'merge', commit });
    expect(result.kind).toBe('proposed');
    expect(result.reason).toBe(
      `the checkout at ${workspace.repoRoot} has uncommitted changes (src/other.js, scratch.txt); left branch ${workspace.branch} for you to merge`,
    );
    expect(r.head('main')).toBe(workspace.baseCommit);
    expect(readFileSync(join(r.path, 'src/other.js'), 'utf8')).toBe('the user is half-way through this\n');
    expect(readFileSync(join(r.path, 'src/a.js'), 'utf8')).toBe(ORIGINAL);
    expect(r.git('status', '--porcelain')).toBe(statusBefore);
  });

  it('reports a target that moved since the base', async () => {
    const { r, acts, workspace, commit } = await committedChange();
    r.write('src/other.js', 'someone else landed this\n');
    const moved = r.commitAll('meanwhile on main');
    const result = await acts.integrate({ workspace, mode: 'merge', commit });
    expect(result).toMatchObject({ kind: 'target_moved', targetCommit: moved });
    expect(r.head('main')).toBe(moved);
  });
});

describe('rebaseWorkspace', () => {
  it('replays the change onto a target that moved elsewhere, then lands it', async () => {
    const { r, acts, workspace, commit } = await committedChange();
    r.write('src/other.js', 'someone else landed this\n');
    const moved = r.commitAll('meanwhile on main');

    const rebased = await acts.rebaseWorkspace({ workspace });
    expect(rebased).toMatchObject({ ok: true, baseCommit: moved, baseTree: r.git('rev-parse', `${moved}^{tree}`) });
    expect(rebased.commit).not.toBe(commit);
    expect(r.git('rev-parse', `${rebased.commit}^`)).toBe(moved);
    expect(r.git('show', `${rebased.commit}:src/a.js`)).toBe('line 1 improved\nline 2\nline 3');
    expect(r.git('log', '-1', '--format=%cn', rebased.commit as string)).toBe('Kaizen');
    // Retried, it finds the work done.
    expect(await acts.rebaseWorkspace({ workspace })).toEqual(rebased);

    const movedWorkspace: Workspace = { ...workspace, baseCommit: moved, baseTree: rebased.baseTree as string };
    const landed = await acts.integrate({ workspace: movedWorkspace, mode: 'merge', commit: rebased.commit as string });
    expect(landed.kind).toBe('applied');
    expect(readFileSync(join(r.path, 'src/a.js'), 'utf8')).toBe('line 1 improved\nline 2\nline 3\n');
    expect(readFileSync(join(r.path, 'src/other.js'), 'utf8')).toBe('someone else landed this\n');
  });

  it('reports a conflict by file and leaves the worktree clean on its own commit', async () => {
    const { r, acts, workspace, commit } = await committedChange();
    r.write('src/a.js', 'line 1 changed by a human\nline 2\nline 3\n');
    r.commitAll('conflicting change');

    const rebased = await acts.rebaseWorkspace({ workspace });
    expect(rebased.ok).toBe(false);
    expect(rebased.reason).toMatch(/^rebasing kaizen\/\w+ onto main \(\w{8}\) conflicts in src\/a\.js$/);
    expect(git(workspace.worktree, 'rev-parse', 'HEAD')).toBe(commit);
    expect(git(workspace.worktree, 'status', '--porcelain')).toBe('');
    expect(readFileSync(join(workspace.worktree, 'src/a.js'), 'utf8')).toBe('line 1 improved\nline 2\nline 3\n');
  });
});
