import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NothingToProposeError } from '../../../src/core/errors.js';
import { LlmAnswerRejectedError } from '../../../src/core/llm/errors.js';
import { createRepo, git, GIT_ENV, type TempRepo } from '../../helpers/git-repo.js';
import { proposalFor, runIdFor, workspaceActivities } from './fixtures.js';

const repos: TempRepo[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function prepared(env?: NodeJS.ProcessEnv) {
  const r = createRepo({ 'src/a.js': 'var a = 1;\n', 'src/b.js': 'var b = 2;\n' });
  repos.push(r);
  const acts = workspaceActivities(env);
  const { workspace } = await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('apply') });
  return { r, acts, workspace };
}

describe('applyProposal', () => {
  it('commits exactly the proposed file in the worktree, as Kaizen, with a backup ref at the base', async () => {
    const { r, acts, workspace } = await prepared();
    writeFileSync(join(workspace.worktree, 'junk.log'), 'left by a test run\n');
    writeFileSync(join(workspace.worktree, 'src/b.js'), 'modified by an install script\n');
    const proposal = await proposalFor(workspace, { 'src/a.js': 'const a = 1;\n' });

    const result = await acts.applyProposal({ workspace, proposal, message: 'kaizen: prefer const in src/a.js' });

    expect(result.filesChanged).toEqual(['src/a.js']);
    expect(result.backupRef).toBe(workspace.backupRef);
    expect(r.git('rev-parse', workspace.backupRef)).toBe(workspace.baseCommit);
    expect(r.git('rev-parse', workspace.branch)).toBe(result.commit);
    expect(r.git('rev-parse', `${result.commit}^`)).toBe(workspace.baseCommit);
    expect(r.git('show', '--name-only', '--format=', result.commit)).toBe('src/a.js');
    expect(r.git('show', `${result.commit}:src/a.js`)).toBe('const a = 1;');
    expect(r.git('log', '-1', '--format=%an <%ae>|%cn <%ce>|%s', result.commit)).toBe('Kaizen <kaizen@localhost>|Kaizen <kaizen@localhost>|kaizen: prefer const in src/a.js');
    // The user's checkout and branch are untouched.
    expect(readFileSync(join(r.path, 'src/a.js'), 'utf8')).toBe('var a = 1;\n');
    expect(r.head('main')).toBe(workspace.baseCommit);
    expect(r.git('status', '--porcelain')).toBe('');
  });

  it('returns the same commit when retried after it already committed', async () => {
    const { r, acts, workspace } = await prepared();
    const proposal = await proposalFor(workspace, { 'src/a.js': 'const a = 1;\n' });
    const first = await acts.applyProposal({ workspace, proposal, message: 'fix' });
    const second = await acts.applyProposal({ workspace, proposal, message: 'fix' });
    expect(second).toEqual(first);
    expect(r.git('rev-list', '--count', `${workspace.baseCommit}..${workspace.branch}`)).toBe('1');
  });

  it('uses the identity from KAIZEN_GIT_AUTHOR_NAME/EMAIL and keeps the repository’s hooks', async () => {
    const env = { ...GIT_ENV, KAIZEN_GIT_AUTHOR_NAME: 'Robo Fixer', KAIZEN_GIT_AUTHOR_EMAIL: 'robo@example.com' };
    const { r, acts, workspace } = await prepared(env);
    const marker = join(r.path, '.git', 'hook-ran');
    writeFileSync(join(r.path, '.git', 'hooks', 'pre-commit'), `#!/bin/sh\necho ran > "${marker}"\n`);
    chmodSync(join(r.path, '.git', 'hooks', 'pre-commit'), 0o755);
    const proposal = await proposalFor(workspace, { 'src/a.js': 'const a = 1;\n' });
    const { commit } = await acts.applyProposal({ workspace, proposal, message: 'fix' });
    expect(r.git('log', '-1', '--format=%an <%ae>', commit)).toBe('Robo Fixer <robo@example.com>');
    expect(existsSync(marker)).toBe(true);
  });

  it('leaves out of the commit what an attempt that died before committing had staged', async () => {
    const { r, acts, workspace } = await prepared();
    writeFileSync(join(workspace.worktree, 'src/b.js'), 'var b = 3;\n');
    git(workspace.worktree, 'add', 'src/b.js');
    const proposal = await proposalFor(workspace, { 'src/a.js': 'const a = 1;\n' });
    const result = await acts.applyProposal({ workspace, proposal, message: 'fix a' });
    expect(result.filesChanged).toEqual(['src/a.js']);
    expect(r.git('show', '--name-only', '--format=', result.commit)).toBe('src/a.js');
    expect(r.git('show', `${result.commit}:src/b.js`)).toBe('var b = 2;');
  });

  it('fails naming the hook when the repository refuses the commit, and commits nothing', async () => {
    const { r, acts, workspace } = await prepared();
    writeFileSync(join(r.path, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\necho "lint-staged: refused" >&2\nexit 1\n');
    chmodSync(join(r.path, '.git', 'hooks', 'pre-commit'), 0o755);
    const proposal = await proposalFor(workspace, { 'src/a.js': 'const a = 1;\n' });
    await expect(acts.applyProposal({ workspace, proposal, message: 'fix' })).rejects.toThrow(/lint-staged: refused/);
    expect(r.git('rev-parse', workspace.branch)).toBe(workspace.baseCommit);
  });

  it('refuses paths that leave the worktree or touch git or Kaizen state, writing nothing', async () => {
    const { r, acts, workspace } = await prepared();
    const outside = mkdtempSync(join(tmpdir(), 'kaizen-outside-'));
    dirs.push(outside);
    symlinkSync(outside, join(workspace.worktree, 'escape'));
    for (const path of ['../outside.js', 'src/../../x.js', '/etc/kaizen-test', 'C:\\evil.js', '.git/config', 'src/.git/hooks/x', '.kaizen/ledger.jsonl', 'escape/evil.js']) {
      const proposal = await proposalFor(workspace, { 'src/a.js': 'const a = 1;\n', [path]: 'pwned\n' });
      const error = await acts.applyProposal({ workspace, proposal, message: 'evil' }).catch((e: unknown) => e);
      expect(error, path).toBeInstanceOf(LlmAnswerRejectedError);
      expect((error as LlmAnswerRejectedError).rejection, path).toBe('path_outside_repo');
    }
    expect(existsSync(join(outside, 'evil.js'))).toBe(false);
    expect(readFileSync(join(workspace.worktree, 'src/a.js'), 'utf8')).toBe('var a = 1;\n');
    expect(r.git('rev-parse', workspace.branch)).toBe(workspace.baseCommit);
  });

  it('normalises harmless path spellings and refuses a proposal that changes nothing', async () => {
    const { acts, workspace } = await prepared();
    const same = await proposalFor(workspace, { './src/a.js': 'var a = 1;\n' });
    await expect(acts.applyProposal({ workspace, proposal: same, message: 'noop' })).rejects.toBeInstanceOf(NothingToProposeError);
    const proposal = await proposalFor(workspace, { 'src//b.js': 'const b = 2;\n' });
    const result = await acts.applyProposal({ workspace, proposal, message: 'fix b' });
    expect(result.filesChanged).toEqual(['src/b.js']);
    expect(git(workspace.worktree, 'status', '--porcelain')).toBe('');
  });
});

describe('rewordCommit', () => {
  it('gives the verified commit a new message with the same tree and parent, without running hooks again, and is safe to retry', async () => {
    const { r, acts, workspace } = await prepared();
    const proposal = await proposalFor(workspace, { 'src/a.js': 'const a = 1;\n' });
    const applied = await acts.applyProposal({ workspace, proposal, message: 'kaizen: fix 2 findings' });
    // A hook that would fail now: the commit was already checked by the hooks on apply.
    const hooks = join(r.path, '.git', 'hooks');
    writeFileSync(join(hooks, 'pre-commit'), '#!/bin/sh\nexit 1\n');
    chmodSync(join(hooks, 'pre-commit'), 0o755);

    const first = await acts.rewordCommit({ workspace, commit: applied.commit, message: 'kaizen: fix 1 finding\n\nLeft for the next run (1)' });
    const again = await acts.rewordCommit({ workspace, commit: applied.commit, message: 'kaizen: fix 1 finding\n\nLeft for the next run (1)' });

    expect(again.commit).toBe(first.commit);
    expect(first.commit).not.toBe(applied.commit);
    expect(r.git('rev-parse', workspace.branch)).toBe(first.commit);
    expect(r.git('rev-parse', `${first.commit}^{tree}`)).toBe(r.git('rev-parse', `${applied.commit}^{tree}`));
    expect(r.git('rev-parse', `${first.commit}^`)).toBe(workspace.baseCommit);
    expect(r.git('log', '-1', '--format=%B', first.commit)).toBe('kaizen: fix 1 finding\n\nLeft for the next run (1)');
    expect(r.git('log', '-1', '--format=%an', first.commit)).toBe('Kaizen');
    expect(r.git('-C', workspace.worktree, 'status', '--porcelain')).toBe('');
  });
});
