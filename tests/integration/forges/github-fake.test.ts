// The fake GitHub accepts exactly what @octokit/rest sends for the endpoints Kaizen needs,
// answers in GitHub's documented shapes, rejects what GitHub's OpenAPI description rejects,
// and its merges move the base branch of the real bare repository.
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerAuth, git, runGit, scratchDir } from '../../helpers/git-client.js';
import { repoWithPushedBranch } from '../../helpers/forges/pushed-branch.js';
import type { FakeForge } from '../../helpers/forges/fake-forge.js';
import { startGitHttpRemote } from '../../helpers/git-http-remote.js';
import { RemoteTokens } from '../../helpers/remote-tokens.js';
import { startFakeGitHub } from '../../helpers/forges/github.js';

const owner = 'acme';
// Octokit logs every failed request; the failures here are the point of the tests.
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let github: FakeForge;
let octokit: Octokit;
let repoCount = 0;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  github = await startFakeGitHub({ validateResponses: true });
  octokit = new Octokit({ auth: 'github-token', baseUrl: github.apiUrl, log: quiet });
});
afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await github.close();
});

/** A repository with a pushed branch `kaizen/fix` one commit ahead of main. */
async function repoWithBranch(forge = github): Promise<{ repo: string; fullName: string; headSha: string }> {
  const repo = `app-${++repoCount}`;
  const pushed = await repoWithPushedBranch(forge, `${owner}/${repo}`);
  cleanups.push(pushed.cleanup);
  return { repo, fullName: pushed.fullName, headSha: pushed.headSha };
}

async function statusOf(promise: Promise<unknown>): Promise<{ status: number; message: string; headers: Record<string, string> }> {
  try {
    await promise;
    return { status: 200, message: '', headers: {} };
  } catch (error) {
    const e = error as { status: number; message: string; response?: { headers: Record<string, string> } };
    return { status: e.status, message: e.message, headers: e.response?.headers ?? {} };
  }
}

describe('fake GitHub with @octokit/rest', () => {
  it('serves the whole life of a pull request in GitHub shapes, and the merge moves main', async () => {
    const { repo, fullName, headSha } = await repoWithBranch();
    expect((await octokit.rest.users.getAuthenticated()).data.login).toBe('kaizen-bot');
    const { data: repository } = await octokit.rest.repos.get({ owner, repo });
    expect([repository.default_branch, repository.permissions?.push]).toEqual(['main', true]);

    const { data: created } = await octokit.rest.pulls.create({ owner, repo, head: 'kaizen/fix', base: 'main', title: 'Fix the answer', body: 'Made by Kaizen' });
    expect(created).toMatchObject({ number: 1, state: 'open', mergeable: null, head: { ref: 'kaizen/fix', sha: headSha }, base: { ref: 'main' } });
    // GitHub computes mergeability in the background: null first, then the answer.
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: 1 })).data.mergeable).toBe(true);

    const listed = await octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:kaizen/fix` });
    expect(listed.data.map((p) => p.number)).toEqual([1]);
    await octokit.rest.issues.addLabels({ owner, repo, issue_number: 1, labels: ['kaizen'] });
    await octokit.rest.issues.createComment({ owner, repo, issue_number: 1, body: 'Tests pass.' });

    github.protectBranch(fullName, 'main', { requiredChecks: ['ci'] });
    expect((await octokit.rest.repos.getBranchProtection({ owner, repo, branch: 'main' })).data.required_status_checks?.contexts).toEqual(['ci']);
    github.setChecks(fullName, 1, 'red');
    github.setChecks(fullName, 1, 'pending', { names: ['lint'], kind: 'status' });
    const runs = await octokit.rest.checks.listForRef({ owner, repo, ref: headSha });
    expect(runs.data.check_runs.map((r) => [r.name, r.status, r.conclusion])).toEqual([['ci', 'completed', 'failure']]);
    const combined = await octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref: 'kaizen/fix' });
    expect([combined.data.state, combined.data.statuses.map((s) => s.context)]).toEqual(['pending', ['lint']]);
    expect((await octokit.rest.repos.listCommitStatusesForRef({ owner, repo, ref: headSha })).data[0]?.state).toBe('pending');
    const blocked = await octokit.rest.pulls.get({ owner, repo, pull_number: 1 });
    expect(blocked.data.mergeable_state).toBe('blocked');

    const refused = await statusOf(octokit.rest.pulls.merge({ owner, repo, pull_number: 1, merge_method: 'squash' }));
    expect(refused.status).toBe(405);
    expect(refused.message).toContain('Required status check "ci" is expected.');

    github.setChecks(fullName, 1, 'green');
    const mainBefore = github.repos.branchSha(fullName, 'main')!;
    const merged = await octokit.rest.pulls.merge({ owner, repo, pull_number: 1, merge_method: 'squash', sha: headSha });
    expect(merged.data.merged).toBe(true);
    expect(github.repos.branchSha(fullName, 'main')).toBe(merged.data.sha);
    expect(github.repos.git(fullName, ['rev-list', '--parents', '-n', '1', 'main']).split(' ').slice(1)).toEqual([mainBefore]);
    expect(github.repos.git(fullName, ['show', 'main:index.js'])).toBe('export const answer = 42;');
    const after = (await octokit.rest.pulls.get({ owner, repo, pull_number: 1 })).data;
    expect([after.state, after.merged, after.merge_commit_sha, after.labels.map((l) => l.name)]).toEqual(['closed', true, merged.data.sha, ['kaizen']]);

    await octokit.rest.git.deleteRef({ owner, repo, ref: 'heads/kaizen/fix' });
    expect(github.repos.branchSha(fullName, 'kaizen/fix')).toBeUndefined();
    expect(github.invalidRequests).toEqual([]);
    expect(github.invalidResponses).toEqual([]);
  });

  it('rejects a request the description rejects, with 422, and records it', async () => {
    const { repo } = await repoWithBranch();
    const before = github.invalidRequests.length;
    // octokit's types would refuse these; its untyped form sends them as a buggy caller would.
    const missingBase = await statusOf(octokit.request({ method: 'POST', url: '/repos/{owner}/{repo}/pulls', owner, repo, title: 'No base', head: 'kaizen/fix' }));
    expect(missingBase.status).toBe(422);
    expect(missingBase.message).toContain("must have required property 'base'");
    const badState = await statusOf(octokit.request({ method: 'GET', url: '/repos/{owner}/{repo}/pulls', owner, repo, state: 'merged' }));
    expect(badState.status).toBe(422);
    expect(github.invalidRequests.slice(before).map((r) => [r.kind, r.operationId, r.issues[0]?.at])).toEqual([
      ['validation', 'pulls/create', '/requestBody'],
      ['validation', 'pulls/list', '/query/state'],
    ]);
    github.invalidRequests.splice(before);
  });

  it('answers 404 for a route GitHub does not have and 501 for one the fake lacks, recording both', async () => {
    const before = github.invalidRequests.length;
    expect((await statusOf(octokit.request('GET /repos/{owner}/{repo}/no-such-thing', { owner, repo: 'x' }))).status).toBe(404);
    expect((await statusOf(octokit.rest.repos.listForAuthenticatedUser())).status).toBe(501);
    expect(github.invalidRequests.slice(before).map((r) => r.kind)).toEqual(['unknown-route', 'not-implemented']);
    github.invalidRequests.splice(before);
  });

  it('lets a test act as a person: push to the pull request, close it, merge it by rebase', async () => {
    const { repo, fullName, headSha } = await repoWithBranch();
    await octokit.rest.pulls.create({ owner, repo, head: 'kaizen/fix', base: 'main', title: 'Fix' });
    const pushed = github.pushToPull(fullName, 1, { 'index.js': 'export const answer = 43;\n' });
    expect(pushed).not.toBe(headSha);
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: 1 })).data.head.sha).toBe(pushed);
    const stale = await statusOf(octokit.rest.pulls.merge({ owner, repo, pull_number: 1, sha: headSha }));
    expect(stale.status).toBe(409);

    github.closePull(fullName, 1);
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: 1 })).data).toMatchObject({ state: 'closed', merged: false });
    await octokit.rest.pulls.update({ owner, repo, pull_number: 1, state: 'open' });
    const newMain = github.mergePull(fullName, 1, 'rebase');
    expect(github.repos.git(fullName, ['log', '-1', '--format=%an|%s', newMain])).toBe('Pat Person|Review fixes');
    expect(github.invalidRequests).toEqual([]);
  });

  it('refuses a bad or revoked token with 401 and a read-only one with 403, on the API and on git', async () => {
    const { repo, fullName } = await repoWithBranch();
    const wrong = new Octokit({ auth: 'not-a-token', baseUrl: github.apiUrl, log: quiet });
    expect(await statusOf(wrong.rest.repos.get({ owner, repo }))).toMatchObject({ status: 401, message: expect.stringContaining('Bad credentials') });

    github.tokens.add('reader-token', 'reader', 'read');
    const reader = new Octokit({ auth: 'reader-token', baseUrl: github.apiUrl, log: quiet });
    expect((await reader.rest.repos.get({ owner, repo })).data.permissions?.push).toBe(false);
    expect((await statusOf(reader.rest.pulls.create({ owner, repo, head: 'kaizen/fix', base: 'main', title: 'x' }))).status).toBe(403);
    const dir = scratchDir();
    cleanups.push(dir.cleanup);
    await git(dir.path, [...bearerAuth('reader-token'), 'clone', '-q', github.cloneUrl(fullName), 'clone']);
    const push = await runGit(`${dir.path}/clone`, [...bearerAuth('reader-token'), 'push', 'origin', 'HEAD:refs/heads/x']);
    expect(push.stderr).toContain('The requested URL returned error: 403');

    github.tokens.add('short-lived', 'kaizen-bot', 'write');
    github.revokeToken('short-lived');
    const revoked = new Octokit({ auth: 'short-lived', baseUrl: github.apiUrl, log: quiet });
    expect((await statusOf(revoked.rest.users.getAuthenticated())).status).toBe(401);
  });

  it('injects server errors and both kinds of rate limit with their headers', async () => {
    const { repo } = await repoWithBranch();
    github.failNext(1, 502);
    expect((await statusOf(octokit.rest.repos.get({ owner, repo }))).status).toBe(502);
    github.rateLimitNext(1, { retryAfterSeconds: 7 });
    const secondary = await statusOf(octokit.rest.repos.get({ owner, repo }));
    expect([secondary.status, secondary.headers['retry-after']]).toEqual([403, '7']);
    expect(secondary.message).toContain('secondary rate limit');
    github.rateLimitNext(1, { resetInSeconds: 30 });
    const primary = await statusOf(octokit.rest.repos.get({ owner, repo }));
    expect([primary.status, primary.headers['x-ratelimit-remaining']]).toEqual([403, '0']);
    expect(Number(primary.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    const served = await octokit.rest.repos.get({ owner, repo });
    expect(Number(served.headers['x-ratelimit-remaining'])).toBeLessThan(5000);
  });
});

describe('fake GitHub Enterprise Server', () => {
  it('serves the API under /api/v3 with the GHES description', async () => {
    const ghes = await startFakeGitHub({ description: 'ghes-3.19', mergeableComputedLazily: false });
    try {
      expect(ghes.apiUrl).toMatch(/\/api\/v3$/);
      const { repo } = await repoWithBranch(ghes);
      const client = new Octokit({ auth: 'github-token', baseUrl: ghes.apiUrl, log: quiet });
      const { data } = await client.rest.pulls.create({ owner, repo, head: 'kaizen/fix', base: 'main', title: 'Fix' });
      expect([data.number, data.mergeable]).toEqual([1, true]);
      expect(ghes.invalidRequests).toEqual([]);
    } finally {
      await ghes.close();
    }
  });
});

describe('a fake sharing the bare repositories of a standalone git remote', () => {
  it('opens a pull request for a branch pushed to the remote, and the merge shows in a fetch', async () => {
    const remote = await startGitHttpRemote({ tokens: new RemoteTokens({ 'shared-token': { user: 'kaizen-bot', access: 'write' } }) });
    const shared = await startFakeGitHub({ repos: remote.repos, tokens: remote.tokens, mergeableComputedLazily: false });
    try {
      remote.createRepo('acme/shared', { 'a.txt': 'a\n' });
      shared.createRepo('acme/shared');
      const dir = scratchDir();
      cleanups.push(dir.cleanup);
      await git(dir.path, [...bearerAuth('shared-token'), 'clone', '-q', remote.repoUrl('acme/shared'), 'clone']);
      const work = `${dir.path}/clone`;
      dir.write('clone/a.txt', 'b\n');
      await git(work, ['commit', '-qam', 'b']);
      await git(work, [...bearerAuth('shared-token'), 'push', '-q', 'origin', 'HEAD:refs/heads/kaizen/shared']);

      const client = new Octokit({ auth: 'shared-token', baseUrl: shared.apiUrl, log: quiet });
      await client.rest.pulls.create({ owner, repo: 'shared', head: 'kaizen/shared', base: 'main', title: 'b' });
      const { data } = await client.rest.pulls.merge({ owner, repo: 'shared', pull_number: 1, merge_method: 'rebase' });
      await git(work, [...bearerAuth('shared-token'), 'fetch', '-q', 'origin']);
      expect(await git(work, ['rev-parse', 'origin/main'])).toBe(data.sha);
      expect(shared.invalidRequests).toEqual([]);
    } finally {
      await shared.close();
      await remote.close();
    }
  });
});
