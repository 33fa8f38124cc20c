import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../../../src/activities/workspace/repo-config.js';
import { ConfigInvalidError, GitFailedError, NotAGitRepoError, RepoNotFoundError, TargetBranchMissingError } from '../../../src/core/errors.js';
import { createRepo, git, type TempRepo } from '../../helpers/git-repo.js';
import { runIdFor, workspaceActivities } from './fixtures.js';
import { preparedFixPath, writeProposalBody } from '../../../src/activities/generate/proposal-store.js';

const repos: TempRepo[] = [];
const dirs: string[] = [];
function repo(files: Record<string, string> = { 'src/a.js': 'export const a = 1;\n' }): TempRepo {
  const r = createRepo(files);
  repos.push(r);
  return r;
}
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('locateRepo', () => {
  it('finds the top of the checkout from a sub-folder and names the host queue', async () => {
    const r = repo();
    const located = await workspaceActivities().locateRepo({ repoPath: join(r.path, 'src') });
    expect(located).toEqual({ repoRoot: realpathSync(r.path), hostQueue: 'test-host', heartbeatTimeoutMs: 30_000 });
  });

  it("reads the config's heartbeat timeout for the steps before prepare, and writes nothing", async () => {
    const r = repo();
    r.write('kaizen.config.json', '{"heartbeatTimeout": "5s"}');
    r.commitAll('config');
    expect((await workspaceActivities().locateRepo({ repoPath: r.path })).heartbeatTimeoutMs).toBe(5000);
    // An invalid config is prepare's to report: locate only falls back to the default.
    r.write('kaizen.config.json', '{"heartbeatTimeout": 5}');
    expect((await workspaceActivities().locateRepo({ repoPath: r.path })).heartbeatTimeoutMs).toBeUndefined();
    expect(r.git('status', '--porcelain')).toBe('M kaizen.config.json');
  });

  it('tells a missing path from a folder that is no repository or has no commit', async () => {
    const acts = workspaceActivities();
    const plain = mkdtempSync(join(tmpdir(), 'kaizen-plain-'));
    const empty = mkdtempSync(join(tmpdir(), 'kaizen-empty-'));
    dirs.push(plain, empty);
    git(empty, 'init', '-q');
    await expect(acts.locateRepo({ repoPath: join(plain, 'nope') })).rejects.toBeInstanceOf(RepoNotFoundError);
    await expect(acts.locateRepo({ repoPath: plain })).rejects.toBeInstanceOf(NotAGitRepoError);
    await expect(acts.locateRepo({ repoPath: empty })).rejects.toBeInstanceOf(NotAGitRepoError);
  });
});

describe('prepareWorkspace and removeWorkspace', () => {
  it('creates a worktree on kaizen/<id> at the target tip and removes it with only its own branch', async () => {
    const r = repo();
    r.git('branch', 'feature');
    const base = r.head('main');
    const acts = workspaceActivities();
    const runId = runIdFor('create');
    const { workspace, config } = await acts.prepareWorkspace({ repoRoot: r.path, runId });

    // No mode in the config: branch for runs started by hand, auto for scheduled cycles (run.ts).
    expect(config.mode).toBeUndefined();
    expect(workspace.branch).toBe(`kaizen/${runId}`);
    expect(workspace.backupRef).toBe(`refs/kaizen/backup/${runId}`);
    expect(workspace.targetBranch).toBe('main');
    expect(workspace.baseCommit).toBe(base);
    expect(workspace.baseTree).toBe(r.git('rev-parse', 'main^{tree}'));
    expect(workspace.worktree).toBe(join(realpathSync(r.path), '.kaizen', 'worktrees', runId));
    expect(git(workspace.worktree, 'symbolic-ref', '--short', 'HEAD')).toBe(`kaizen/${runId}`);
    expect(git(workspace.worktree, 'rev-parse', 'HEAD')).toBe(base);
    expect(readFileSync(join(workspace.worktree, 'src/a.js'), 'utf8')).toBe('export const a = 1;\n');
    // Kaizen's state never shows up in the user's `git status`.
    expect(readFileSync(join(r.path, '.kaizen', '.gitignore'), 'utf8')).toBe('*\n');
    expect(r.git('status', '--porcelain')).toBe('');
    // What generate and analyse left for the run, and another run's proposal.
    const proposal = await writeProposalBody(workspace, { files: [{ path: 'src/a.js', content: 'export const a = 2;\n' }] });
    writeFileSync(preparedFixPath(workspace), '{}');
    const otherRuns = await writeProposalBody({ ...workspace, runId: 'another-run' }, { files: [] });

    await acts.removeWorkspace({ workspace, deleteBranch: true, deleteBackupRef: true });
    expect(existsSync(workspace.worktree)).toBe(false);
    expect(existsSync(proposal)).toBe(false);
    expect(existsSync(preparedFixPath(workspace))).toBe(false);
    expect(existsSync(otherRuns)).toBe(true);
    expect(r.git('branch', '--list', 'kaizen/*')).toBe('');
    expect(r.git('branch', '--format=%(refname:short)').split('\n').sort()).toEqual(['feature', 'main']);
    expect(r.git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    // Idempotent: a second clean-up finds nothing and succeeds.
    await acts.removeWorkspace({ workspace, deleteBranch: true, deleteBackupRef: true });
  });

  it('never deletes a branch that is not the run’s own kaizen/ branch', async () => {
    const r = repo();
    r.git('branch', 'feature');
    const acts = workspaceActivities();
    const { workspace } = await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('foreign') });
    await acts.removeWorkspace({ workspace: { ...workspace, branch: 'feature' }, deleteBranch: true, deleteBackupRef: false });
    await acts.removeWorkspace({ workspace: { ...workspace, worktree: r.path }, deleteBranch: false, deleteBackupRef: false });
    expect(r.git('rev-parse', '--verify', 'refs/heads/feature')).toBe(r.head('main'));
    expect(existsSync(join(r.path, 'src/a.js'))).toBe(true);
    expect(r.git('status', '--porcelain')).toBe('');
  });

  it('succeeds when nothing was created', async () => {
    const r = repo();
    const runId = runIdFor('nothing');
    const stateDir = join(realpathSync(r.path), '.kaizen');
    await workspaceActivities().removeWorkspace({
      workspace: {
        runId,
        repoRoot: realpathSync(r.path),
        worktree: join(stateDir, 'worktrees', runId),
        branch: `kaizen/${runId}`,
        backupRef: `refs/kaizen/backup/${runId}`,
        targetBranch: 'main',
        baseCommit: r.head(),
        baseTree: r.git('rev-parse', 'HEAD^{tree}'),
        stateDir,
        userDirtyFiles: [],
      },
      deleteBranch: true,
      deleteBackupRef: true,
    });
    expect(r.git('branch', '--format=%(refname:short)')).toBe('main');
  });

  it('is idempotent when an activity retry prepares the same run again, following a moved target', async () => {
    const r = repo();
    const acts = workspaceActivities();
    const runId = runIdFor('retry');
    const first = await acts.prepareWorkspace({ repoRoot: r.path, runId });
    const second = await acts.prepareWorkspace({ repoRoot: r.path, runId });
    expect(second.workspace).toEqual(first.workspace);

    r.write('src/b.js', 'export const b = 2;\n');
    const moved = r.commitAll('user moves main');
    const third = await acts.prepareWorkspace({ repoRoot: r.path, runId });
    expect(third.workspace.baseCommit).toBe(moved);
    expect(git(third.workspace.worktree, 'rev-parse', 'HEAD')).toBe(moved);
    expect(existsSync(join(third.workspace.worktree, 'src/b.js'))).toBe(true);

    // A half-made worktree (folder left, git registration gone) is repaired too.
    r.git('worktree', 'remove', '--force', third.workspace.worktree);
    mkdirSync(third.workspace.worktree);
    writeFileSync(join(third.workspace.worktree, 'half-copied.js'), '');
    const fourth = await acts.prepareWorkspace({ repoRoot: r.path, runId });
    expect(git(fourth.workspace.worktree, 'rev-parse', 'HEAD')).toBe(moved);
  });

  it('reuses a branch an earlier attempt left without a worktree, and forgets a worktree deleted by hand', async () => {
    const r = repo();
    const acts = workspaceActivities();
    const runId = runIdFor('leftover');
    const first = await acts.prepareWorkspace({ repoRoot: r.path, runId });
    // The worktree went away but its branch stayed (a clean-up that kept the branch).
    await acts.removeWorkspace({ workspace: first.workspace, deleteBranch: false, deleteBackupRef: false });
    expect(r.git('rev-parse', `kaizen/${runId}`)).toBe(r.head('main'));
    const again = await acts.prepareWorkspace({ repoRoot: r.path, runId });
    expect(git(again.workspace.worktree, 'symbolic-ref', '--short', 'HEAD')).toBe(`kaizen/${runId}`);

    // Someone deleted the folder: the clean-up still leaves no registration and no branch behind.
    rmSync(again.workspace.worktree, { recursive: true, force: true });
    await acts.removeWorkspace({ workspace: again.workspace, deleteBranch: true, deleteBackupRef: true });
    expect(r.git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(r.git('branch', '--list', 'kaizen/*')).toBe('');
  });

  it('refuses to reuse a kaizen branch that already holds commits of its own', async () => {
    const r = repo();
    const runId = runIdFor('own-commits');
    r.git('checkout', '-q', '-b', `kaizen/${runId}`);
    r.write('src/a.js', 'changed\n');
    r.commitAll('work on the kaizen branch');
    r.git('checkout', '-q', 'main');
    await expect(workspaceActivities().prepareWorkspace({ repoRoot: r.path, runId })).rejects.toBeInstanceOf(GitFailedError);
    expect(r.git('rev-parse', `kaizen/${runId}`)).not.toBe(r.head('main'));
  });

  it('reports the user’s uncommitted files, leaving out .kaizen', async () => {
    const r = repo({ 'src/a.js': 'a\n', 'README.md': 'hi\n' });
    r.write('src/a.js', 'edited by the user\n');
    r.write('notes.txt', 'untracked\n');
    const { workspace } = await workspaceActivities().prepareWorkspace({ repoRoot: r.path, runId: runIdFor('dirty') });
    expect(workspace.userDirtyFiles.sort()).toEqual(['notes.txt', 'src/a.js']);
    // The worktree has the committed content, not the user's edit.
    expect(readFileSync(join(workspace.worktree, 'src/a.js'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(r.path, 'src/a.js'), 'utf8')).toBe('edited by the user\n');
  });

  it('uses the requested or configured target branch and explains a missing or undeterminable one', async () => {
    const r = repo();
    r.git('branch', 'develop');
    const acts = workspaceActivities();
    const explicit = await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('explicit'), targetBranch: 'develop' });
    expect(explicit.workspace.targetBranch).toBe('develop');

    await expect(acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('missing'), targetBranch: 'nope' })).rejects.toThrow(
      /Branch 'nope' does not exist.*targetBranch/s,
    );

    r.git('checkout', '-q', '--detach');
    const detached = acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('detached') });
    await expect(detached).rejects.toBeInstanceOf(TargetBranchMissingError);
    await expect(acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('detached2') })).rejects.toThrow(/detached HEAD.*"targetBranch"/s);

    writeFileSync(join(r.path, 'kaizen.config.json'), JSON.stringify({ targetBranch: 'develop' }));
    const configured = await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('configured') });
    expect(configured.workspace.targetBranch).toBe('develop');
  });
});

describe('config loading', () => {
  it('lists every problem of kaizen.config.json by dotted path', async () => {
    const r = repo();
    writeFileSync(join(r.path, 'kaizen.config.json'), JSON.stringify({ mode: 'sideways', budget: { maxPerDay: -1 }, bogus: 1 }));
    const attempt = workspaceActivities().prepareWorkspace({ repoRoot: r.path, runId: runIdFor('config') });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigInvalidError);
    const { source, problems } = error as ConfigInvalidError;
    expect(source).toBe(join(realpathSync(r.path), 'kaizen.config.json'));
    expect(problems.some((p) => p.startsWith('mode:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('budget.maxPerDay:'))).toBe(true);
    expect(problems).toContain('bogus: unknown key');
    // Nothing was created for a run that could not start.
    expect(r.git('branch', '--list', 'kaizen/*')).toBe('');
  });

  it('applies overrides and blames bad ones on the command line', async () => {
    const r = repo();
    writeFileSync(join(r.path, 'kaizen.config.json'), JSON.stringify({ mode: 'merge', budget: { maxPerDay: 9 } }));
    const config = await loadRepoConfig(r.path, { mode: 'branch' });
    expect(config.mode).toBe('branch');
    expect(config.budget.maxPerDay).toBe(9);
    const error = await loadRepoConfig(r.path, { budget: { maxPerDay: -3 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as ConfigInvalidError).source).toBe('command-line options');
    expect((error as ConfigInvalidError).problems[0]).toMatch(/^budget\.maxPerDay:/);
  });

  it('reports a file that is not JSON', async () => {
    const r = repo();
    writeFileSync(join(r.path, 'kaizen.config.json'), '{ "mode": ');
    await expect(loadRepoConfig(r.path)).rejects.toThrow(/not valid JSON/);
  });
});
