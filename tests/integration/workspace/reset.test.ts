import { afterEach, describe, expect, it } from 'vitest';
import { createRepo, type TempRepo } from '../../helpers/git-repo.js';
import { proposalFor, runIdFor, workspaceActivities } from './fixtures.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

describe('resetWorkspace (before a repair attempt)', () => {
  it("puts Kaizen's own worktree back on the base commit and leaves the user's checkout alone", async () => {
    const r = createRepo({ 'src/a.js': 'var a = 1;\n' });
    repos.push(r);
    const acts = workspaceActivities();
    const { workspace } = await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('reset') });
    const proposal = await proposalFor(workspace, { 'src/a.js': 'const a = 1;\n' });
    await acts.applyProposal({ workspace, proposal, message: 'try 1' });
    r.write('notes.txt', 'my unsaved notes\n');
    const userHead = r.head('main');

    expect(await acts.resetWorkspace({ workspace })).toEqual({ head: workspace.baseCommit });
    expect(r.git('rev-parse', workspace.branch)).toBe(workspace.baseCommit);
    expect(r.git('-C', workspace.worktree, 'status', '--porcelain')).toBe('');
    expect(r.head('main')).toBe(userHead);
    expect(r.git('status', '--porcelain')).toBe('?? notes.txt');
  });

  it('refuses a workspace that does not point at a worktree Kaizen made', async () => {
    const r = createRepo({ 'src/a.js': 'var a = 1;\n' });
    repos.push(r);
    const acts = workspaceActivities();
    const { workspace } = await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('reset') });
    const before = r.head('main');
    await expect(acts.resetWorkspace({ workspace: { ...workspace, worktree: r.path } })).rejects.toThrow(/not a worktree Kaizen made/);
    await expect(acts.resetWorkspace({ workspace: { ...workspace, branch: 'main' } })).rejects.toThrow(/refusing to reset/);
    expect(r.head('main')).toBe(before);
  });
});
