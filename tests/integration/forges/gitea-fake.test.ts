// The fake Gitea accepts what gitea-js (generated from Gitea's own swagger description) and
// plain fetch send, rejects what the vendored description rejects, and merges for real.
import { giteaApi } from 'gitea-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeForge } from '../../helpers/forges/fake-forge.js';
import { startFakeGitea } from '../../helpers/forges/gitea.js';
import { repoWithPushedBranch, type PushedBranch } from '../../helpers/forges/pushed-branch.js';

const owner = 'acme';
let gitea: FakeForge;
let repoCount = 0;
const pushed: PushedBranch[] = [];

beforeAll(async () => {
  gitea = await startFakeGitea();
});
afterAll(async () => {
  for (const p of pushed) p.cleanup();
  await gitea.close();
});

async function newRepo(): Promise<PushedBranch & { repo: string }> {
  const repo = `app-${++repoCount}`;
  // Gitea's git accepts the user name with the token as the password.
  const branch = await repoWithPushedBranch(gitea, `${owner}/${repo}`, { gitUser: 'kaizen-bot' });
  pushed.push(branch);
  return { ...branch, repo };
}

/** gitea-js resolves with the response for 2xx and throws it (with .status) otherwise. */
async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    return ((await promise) as Response).status;
  } catch (error) {
    return (error as Response).status;
  }
}

describe('fake Gitea with gitea-js', () => {
  const api = () => giteaApi(gitea.webUrl, { token: 'gitea-token' });

  it('serves the life of a pull request, and the merge moves main', async () => {
    const { repo, fullName, headSha } = await newRepo();
    expect((await api().user.userGetCurrent()).data.login).toBe('kaizen-bot');
    expect((await api().repos.repoGet(owner, repo)).data.permissions).toMatchObject({ push: true });

    const created = await api().repos.repoCreatePullRequest(owner, repo, { head: 'kaizen/fix', base: 'main', title: 'Fix the answer', body: 'Made by Kaizen' });
    expect([created.status, created.data.number, created.data.head?.sha, created.data.mergeable]).toEqual([201, 1, headSha, true]);
    expect((await api().repos.repoListPullRequests(owner, repo, { state: 'open' })).data.map((p) => p.head?.ref)).toEqual(['kaizen/fix']);

    const { data: label } = await api().repos.issueCreateLabel(owner, repo, { name: 'kaizen', color: '#00aabb' });
    await api().repos.issueAddLabel(owner, repo, 1, { labels: [label.id!] });
    await api().repos.issueCreateComment(owner, repo, 1, { body: 'Tests pass.' });

    gitea.protectBranch(fullName, 'main', { requiredChecks: ['ci'] });
    expect((await api().repos.repoGetBranchProtection(owner, repo, 'main')).data.status_check_contexts).toEqual(['ci']);
    expect((await api().repos.repoGetCombinedStatusByRef(owner, repo, headSha)).data.total_count).toBe(0);
    gitea.setChecks(fullName, 1, 'red');
    // gitea-js puts path parameters in as they are: a branch name with a slash must be encoded.
    expect((await api().repos.repoGetCombinedStatusByRef(owner, repo, encodeURIComponent('kaizen/fix'))).data.state).toBe('failure');
    expect(await statusOf(api().repos.repoMergePullRequest(owner, repo, 1, { Do: 'squash' }))).toBe(405);

    gitea.setChecks(fullName, 1, 'green');
    expect((await api().repos.repoListStatusesByRef(owner, repo, headSha)).data.map((s) => [s.context, s.status])).toEqual([['ci', 'success']]);
    expect(await statusOf(api().repos.repoMergePullRequest(owner, repo, 1, { Do: 'squash', head_commit_id: headSha, delete_branch_after_merge: true }))).toBe(200);
    expect(gitea.repos.git(fullName, ['show', 'main:index.js'])).toBe('export const answer = 42;');
    expect(gitea.repos.branchSha(fullName, 'kaizen/fix')).toBeUndefined();
    expect(await statusOf(api().repos.repoPullRequestIsMerged(owner, repo, 1))).toBe(204);
    const after = (await api().repos.repoGetPullRequest(owner, repo, 1)).data;
    expect([after.state, after.merged, after.merge_commit_sha, after.labels?.map((l) => l.name)]).toEqual(['closed', true, gitea.repos.branchSha(fullName, 'main'), ['kaizen']]);
    expect(gitea.invalidRequests).toEqual([]);
  });

  it('rejects what the description rejects: a merge without Do, labels by name (Gitea 1.20 takes IDs)', async () => {
    const { repo } = await newRepo();
    await api().repos.repoCreatePullRequest(owner, repo, { head: 'kaizen/fix', base: 'main', title: 'Fix' });
    const before = gitea.invalidRequests.length;
    expect(await statusOf(api().repos.repoMergePullRequest(owner, repo, 1, {} as never))).toBe(422);
    expect(await statusOf(api().repos.issueAddLabel(owner, repo, 1, { labels: ['kaizen'] }))).toBe(422);
    // An unencoded slash makes another route, which Gitea does not have.
    expect(await statusOf(api().repos.repoGetCombinedStatusByRef(owner, repo, 'kaizen/fix'))).toBe(404);
    expect(gitea.invalidRequests.slice(before).map((r) => [r.kind, r.operationId, r.issues[0]?.message])).toEqual([
      ['validation', 'repoMergePullRequest', "must have required property 'Do'"],
      ['validation', 'issueAddLabel', 'must be integer'],
      ['unknown-route', undefined, undefined],
    ]);
    gitea.invalidRequests.splice(before);
  });
});

describe('fake Gitea with plain fetch', () => {
  it('accepts `Authorization: token`, refuses a revoked token, injects 429 and 5xx', async () => {
    const { repo } = await newRepo();
    const get = (token: string) => fetch(`${gitea.apiUrl}/repos/${owner}/${repo}`, { headers: { Authorization: `token ${token}` } });
    expect((await get('gitea-token')).status).toBe(200);
    gitea.rateLimitNext(1, { retryAfterSeconds: 3 });
    const limited = await get('gitea-token');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
    gitea.failNext(1, 503);
    expect((await get('gitea-token')).status).toBe(503);

    gitea.tokens.add('temporary', 'kaizen-bot');
    gitea.revokeToken('temporary');
    const revoked = await get('temporary');
    expect(revoked.status).toBe(401);
    const before = gitea.invalidRequests.length;
    expect(await fetch(`${gitea.apiUrl}/repos/${owner}/${repo}/nothing-here`, { headers: { Authorization: 'token gitea-token' } }).then((r) => r.status)).toBe(404);
    expect(gitea.invalidRequests.splice(before).map((r) => r.kind)).toEqual(['unknown-route']);
  });
});
