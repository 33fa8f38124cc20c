// push and pr modes against a real remote: git over smart HTTP (git http-backend behind a
// token) inside the fake GitHub, whose API requests are validated against GitHub's OpenAPI
// description. The token reaches git only through the environment of each command.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliverActivities } from '../../../src/activities/workspace/deliver.js';
import type { ForgeConfig } from '../../../src/core/config/config.js';
import { Forge } from '../../../src/core/config/forge.js';
import { ErrorType } from '../../../src/core/errors.js';
import type { PullRequestFacts } from '../../../src/core/forge/pull-request-body.js';
import type { Workspace } from '../../../src/core/types.js';
import { activityDeps } from '../../helpers/activity-deps.js';
import { BareRepos, fileUrl } from '../../helpers/bare-repos.js';
import { credentialHelperAuth, git as clientGit, scratchDir } from '../../helpers/git-client.js';
import { GIT_ENV, git } from '../../helpers/git-repo.js';
import type { FakeForge } from '../../helpers/forges/fake-forge.js';
import { startFakeGitHub } from '../../helpers/forges/github.js';
import { proposalFor, runIdFor, workspaceActivities } from '../workspace/fixtures.js';

const TOKEN = 'github-token';
const GITHUB: ForgeConfig = Forge.parse({ kind: 'github' });
let fake: FakeForge;
let count = 0;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  for (const c of cleanups) c();
  await fake.close();
});

function envWith(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...GIT_ENV, GITHUB_API_URL: fake.apiUrl, ...extra };
}

/** A local clone of a new repository on the fake, with a verified Kaizen commit on kaizen/<id>. */
async function checkoutWithChange(env: NodeJS.ProcessEnv = envWith({ GITHUB_TOKEN: TOKEN })) {
  const fullName = `acme/app-${++count}`;
  fake.createRepo(fullName, { 'src/a.js': 'var a = 1;\n' });
  const dir = scratchDir();
  cleanups.push(dir.cleanup);
  await clientGit(dir.path, [...credentialHelperAuth('x-access-token', TOKEN), 'clone', '-q', fake.cloneUrl(fullName), 'clone']);
  const repoRoot = join(dir.path, 'clone');
  const { workspace } = await workspaceActivities().prepareWorkspace({ repoRoot, runId: runIdFor(fullName) });
  const proposal = await proposalFor(workspace, { 'src/a.js': 'const a = 1;\n' });
  const { commit } = await workspaceActivities().applyProposal({ workspace, proposal, message: 'kaizen: fix no-var in src/a.js' });
  const acts = createDeliverActivities(activityDeps({ env }));
  return { fullName, repoRoot, workspace, commit, acts, input: { workspace, commit, remote: 'origin', forge: GITHUB } };
}

function facts(workspace: Workspace, commit: string): PullRequestFacts {
  return {
    workflowId: 'improve-test-1',
    file: 'src/a.js',
    strategy: 'autofix',
    summary: 'eslint --fix: no-var',
    fixedRules: [{ rule: 'no-var', count: 1 }],
    remaining: 0,
    testsBefore: { command: ['npm', 'test'], passed: true, skipped: false, cached: false, durationMs: 1200, passedCount: 4, failedCount: 0 },
    testsAfter: { command: ['npm', 'test'], passed: true, skipped: false, cached: false, durationMs: 1100, passedCount: 4, failedCount: 0 },
    files: ['src/a.js'],
    linesAdded: 1,
    linesRemoved: 1,
    branch: workspace.branch,
    commit,
    targetBranch: workspace.targetBranch,
    baseCommit: workspace.baseCommit,
    remote: 'origin',
  };
}

async function failureOf(p: Promise<unknown>): Promise<Error & { type?: string }> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as Error & { type?: string },
  );
}

describe('pushBranch', () => {
  it('pushes kaizen/<id> at the verified commit with the token in the environment only, once however often it is asked', async () => {
    const { fullName, repoRoot, workspace, commit, acts, input } = await checkoutWithChange();
    const mainBefore = fake.repos.branchSha(fullName, 'main');
    expect(await acts.pushBranch(input)).toEqual({ remote: 'origin', branch: workspace.branch, commit, alreadyThere: false });
    expect(fake.repos.branchSha(fullName, workspace.branch)).toBe(commit);
    expect(fake.repos.branchSha(fullName, 'main')).toBe(mainBefore);
    // A retry after a crash: ls-remote sees the commit, nothing is pushed again.
    expect(await acts.pushBranch(input)).toMatchObject({ alreadyThere: true });
    expect(fake.repos.pushes(fullName)).toHaveLength(1);
    const gitCalls = fake.gitRequests.filter((r) => r.path.startsWith(`/${fullName}.git`) && r.service === 'git-receive-pack');
    expect(gitCalls.every((r) => r.basicUser === 'x-access-token' && r.user === 'kaizen-bot')).toBe(true);
    // Nothing of the token is left in the checkout's configuration or its remote URL.
    const stored = readFileSync(join(repoRoot, '.git', 'config'), 'utf8');
    expect(stored).not.toContain(TOKEN);
    expect(stored).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
    expect(git(repoRoot, 'remote', 'get-url', 'origin')).toBe(fake.cloneUrl(fullName));
  });

  it('replaces only what an earlier attempt of the run pushed, with a lease', async () => {
    const { fullName, workspace, commit, acts, input } = await checkoutWithChange();
    // An earlier attempt pushed the commit before it was reworded.
    fake.repos.commitFiles(fullName, workspace.branch, { 'src/a.js': 'let a = 1;\n' }, { message: 'earlier attempt', from: 'main' });
    expect(fake.repos.branchSha(fullName, workspace.branch)).not.toBe(commit);
    expect(await acts.pushBranch(input)).toMatchObject({ alreadyThere: false });
    expect(fake.repos.branchSha(fullName, workspace.branch)).toBe(commit);
  });

  it('a rebased pull request replaces only the commit Kaizen pushed before: a person\'s push is never overwritten', async () => {
    const { fullName, workspace, commit, acts, input } = await checkoutWithChange();
    const pushed = fake.repos.commitFiles(fullName, workspace.branch, { 'src/a.js': 'let a = 1;\n' }, { message: 'what Kaizen pushed before', from: 'main' });
    expect(await acts.pushBranch({ ...input, replaces: pushed })).toMatchObject({ alreadyThere: false });
    expect(fake.repos.branchSha(fullName, workspace.branch)).toBe(commit);
    // A retry after that push landed: done, whatever `replaces` says.
    expect(await acts.pushBranch({ ...input, replaces: pushed })).toMatchObject({ alreadyThere: true });

    const person = fake.repos.commitFiles(fullName, workspace.branch, { 'src/b.js': 'export {};\n' }, { message: 'Review fixes' });
    const refused = await failureOf(acts.pushBranch({ ...input, commit: pushed, replaces: commit }));
    expect(refused.type).toBe(ErrorType.BranchTakenOver);
    expect(refused.message).toContain(`is at ${person.slice(0, 12)}`);
    expect(refused.message).toContain('Kaizen leaves it to them');
    expect(fake.repos.branchSha(fullName, workspace.branch)).toBe(person);
  });

  it('names the problem and the fix: no such remote, no token, a refused token, no write access, a protected branch', async () => {
    const { fullName, workspace, acts, input } = await checkoutWithChange();
    const missing = await failureOf(acts.pushBranch({ ...input, remote: 'upstream' }));
    expect(missing.type).toBe(ErrorType.RemoteMissing);
    expect(missing.message).toContain('git remote add upstream');

    const noToken = createDeliverActivities(activityDeps({ env: envWith() }));
    const auth = await failureOf(noToken.pushBranch(input));
    expect(auth).toMatchObject({ type: ErrorType.PushRefused, refusal: 'auth' });
    expect(auth.message).toContain('set GITHUB_TOKEN');

    fake.tokens.add('stale-token', 'kaizen-bot');
    fake.revokeToken('stale-token');
    const revoked = await failureOf(createDeliverActivities(activityDeps({ env: envWith({ GITHUB_TOKEN: 'stale-token' }) })).pushBranch(input));
    expect(revoked).toMatchObject({ type: ErrorType.PushRefused, refusal: 'auth' });
    expect(revoked.message).toContain('The token in GITHUB_TOKEN was refused');
    expect(revoked.message).not.toContain('stale-token');

    fake.tokens.add('reader-token', 'kaizen-bot');
    fake.makeTokenReadOnly('reader-token');
    const reader = await failureOf(createDeliverActivities(activityDeps({ env: envWith({ GITHUB_TOKEN: 'reader-token' }) })).pushBranch(input));
    expect(reader).toMatchObject({ type: ErrorType.PushRefused, refusal: 'forbidden' });
    expect(reader.message).toContain('write access');

    fake.repos.protectBranch(fullName, workspace.branch, 'github');
    const protectedBranch = await failureOf(acts.pushBranch(input));
    expect(protectedBranch).toMatchObject({ type: ErrorType.PushRefused, refusal: 'protected' });
    expect(protectedBranch.message).toContain('allow pushes to kaizen/* branches');
    expect(fake.repos.branchSha(fullName, workspace.branch)).toBeUndefined();
  });

  it('pushes when the remote target moved on from the base, and refuses to carry unpushed local commits', async () => {
    const moved = await checkoutWithChange();
    // Someone pushed to main after the checkout was made: the base is still in its history.
    fake.repos.commitFiles(moved.fullName, 'main', { 'README.md': 'news\n' }, { message: 'a teammate' });
    expect(await moved.acts.pushBranch(moved.input)).toMatchObject({ alreadyThere: false });
    expect(fake.repos.branchSha(moved.fullName, moved.workspace.branch)).toBe(moved.commit);

    // The change was made on a local commit the remote does not have.
    const ahead = await checkoutWithChange();
    git(ahead.repoRoot, 'commit', '-q', '--allow-empty', '-m', 'local only');
    const { workspace } = await workspaceActivities().prepareWorkspace({ repoRoot: ahead.repoRoot, runId: runIdFor('ahead') });
    const proposal = await proposalFor(workspace, { 'src/a.js': 'const a = 1;\n' });
    const { commit } = await workspaceActivities().applyProposal({ workspace, proposal, message: 'kaizen: fix no-var in src/a.js' });
    const refused = await failureOf(ahead.acts.pushBranch({ ...ahead.input, workspace, commit }));
    expect(refused.type).toBe(ErrorType.BaseNotOnRemote);
    expect(refused.message).toContain('Push main first (git push origin main)');
    expect(fake.repos.branchSha(ahead.fullName, workspace.branch)).toBeUndefined();
  });

  it('pushes to a file:// remote with git\'s own access, no token needed', async () => {
    const bare = new BareRepos();
    cleanups.push(() => bare.cleanup());
    const { repoRoot, workspace, commit, acts, input } = await checkoutWithChange(envWith());
    bare.create('local/app');
    git(repoRoot, 'remote', 'add', 'mirror', fileUrl(bare, 'local/app'));
    git(repoRoot, 'push', '-q', '--force', 'mirror', 'main');
    expect(await acts.pushBranch({ ...input, remote: 'mirror', forge: Forge.parse({}) })).toMatchObject({ remote: 'mirror', alreadyThere: false });
    expect(bare.branchSha('local/app', workspace.branch)).toBe(commit);
  });
});

describe('openPullRequest', () => {
  it('opens one labelled pull request a reviewer can decide from, and finds it again on a retry', async () => {
    const { fullName, workspace, commit, acts, input } = await checkoutWithChange();
    await acts.pushBranch(input);
    const opened = await acts.openPullRequest({ ...input, facts: facts(workspace, commit) });
    expect(opened).toMatchObject({ number: expect.any(Number), reused: false });
    expect(opened.url).toContain(`/${fullName}/pull/${opened.number}`);
    const pull = fake.pull(fullName, opened.number);
    expect(pull).toMatchObject({ head: workspace.branch, base: 'main', title: 'kaizen: fix no-var in src/a.js', labels: ['kaizen'] });
    expect(fake.pulls.headSha(pull)).toBe(commit);
    for (const part of ['### What was fixed', '`no-var` × 1', '### Test evidence', 'command: `npm test`', 'baseline): green, 4 passed, 0 failed', '+1 −1', 'strategy: autofix', 'improve-test-1', '### How to undo', `git push origin --delete ${workspace.branch}`]) {
      expect(pull.body).toContain(part);
    }
    const again = await acts.openPullRequest({ ...input, facts: facts(workspace, commit) });
    expect(again).toEqual({ ...opened, reused: true });
    expect(fake.pulls.list(fullName)).toHaveLength(1);
    expect(fake.invalidRequests).toEqual([]);
    expect(JSON.stringify(fake.pulls.list(fullName))).not.toContain(TOKEN);
  });

  it('says which variable to set when the forge has no token', async () => {
    const { workspace, commit, input } = await checkoutWithChange();
    const noToken = createDeliverActivities(activityDeps({ env: envWith() }));
    const failure = await failureOf(noToken.openPullRequest({ ...input, facts: facts(workspace, commit) }));
    expect(failure.type).toBe(ErrorType.ForgeNotConfigured);
    expect(failure.message).toContain('Set GITHUB_TOKEN');
  });
});
