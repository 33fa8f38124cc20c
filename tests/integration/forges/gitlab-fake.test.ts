// The fake GitLab accepts exactly what @gitbeaker/rest sends for the merge-request API Kaizen
// needs, rejects what GitLab's documented parameters rule out, and merges for real.
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeForge } from '../../helpers/forges/fake-forge.js';
import { startFakeGitLab } from '../../helpers/forges/gitlab.js';
import { repoWithPushedBranch, type PushedBranch } from '../../helpers/forges/pushed-branch.js';

let gitlab: FakeForge;
let api: InstanceType<typeof Gitlab<false>>;
let repoCount = 0;
const pushed: PushedBranch[] = [];

beforeAll(async () => {
  gitlab = await startFakeGitLab();
  api = new Gitlab({ host: gitlab.webUrl, token: 'gitlab-token' });
});
afterAll(async () => {
  for (const p of pushed) p.cleanup();
  await gitlab.close();
});

async function newProject(forge = gitlab): Promise<PushedBranch> {
  // GitLab's git takes any user name (oauth2 for OAuth tokens) with the token as the password.
  const branch = await repoWithPushedBranch(forge, `acme/backend/app-${++repoCount}`, { gitUser: 'oauth2' });
  pushed.push(branch);
  return branch;
}

async function failureOf(promise: Promise<unknown>): Promise<{ status: number; description: string }> {
  try {
    await promise;
    return { status: 200, description: '' };
  } catch (error) {
    const cause = (error as { cause?: { response?: Response; description?: string } }).cause;
    return { status: cause?.response?.status ?? 0, description: cause?.description ?? String(error) };
  }
}

describe('fake GitLab with @gitbeaker/rest', () => {
  it('serves the life of a merge request for a nested project path, and the merge moves main', async () => {
    const { fullName, headSha } = await newProject();
    expect((await api.Users.showCurrentUser()).username).toBe('kaizen-bot');
    const project = await api.Projects.show(fullName);
    expect([project.default_branch, (project.permissions as { project_access: { access_level: number } }).project_access.access_level]).toEqual(['main', 30]);

    const created = await api.MergeRequests.create(fullName, 'kaizen/fix', 'main', 'Fix the answer', { description: 'Made by Kaizen', labels: 'kaizen', removeSourceBranch: true });
    expect([created.iid, created.state, created.sha, created.detailed_merge_status, created.labels]).toEqual([1, 'opened', headSha, 'mergeable', ['kaizen']]);
    expect((await api.MergeRequests.all({ projectId: fullName, state: 'opened', sourceBranch: 'kaizen/fix' })).map((mr) => mr.iid)).toEqual([1]);
    await api.MergeRequests.edit(fullName, 1, { addLabels: 'automated' });
    await api.MergeRequestNotes.create(fullName, 1, 'Tests pass.');

    gitlab.protectBranch(fullName, 'main', { requiredChecks: ['ci'] });
    expect((await api.ProtectedBranches.show(fullName, 'main')).push_access_levels?.[0]?.access_level).toBe(0);
    gitlab.setChecks(fullName, 1, 'pending');
    expect((await api.MergeRequests.show(fullName, 1)).detailed_merge_status).toBe('ci_still_running');
    gitlab.setChecks(fullName, 1, 'red');
    const pipelines = await api.MergeRequests.allPipelines(fullName, 1);
    expect(pipelines.map((p) => [p.sha, p.status])).toEqual([[headSha, 'failed']]);
    expect((await api.Commits.allStatuses(fullName, headSha)).map((s) => [s.name, s.status])).toEqual([['ci', 'failed']]);
    expect(await failureOf(api.MergeRequests.accept(fullName, 1, { squash: true }))).toMatchObject({ status: 405 });

    gitlab.setChecks(fullName, 1, 'green');
    const merged = await api.MergeRequests.accept(fullName, 1, { squash: true, sha: headSha, shouldRemoveSourceBranch: true });
    expect([merged.state, merged.merge_commit_sha]).toEqual(['merged', gitlab.repos.branchSha(fullName, 'main')]);
    expect(gitlab.repos.git(fullName, ['show', 'main:index.js'])).toBe('export const answer = 42;');
    expect(gitlab.repos.branchSha(fullName, 'kaizen/fix')).toBeUndefined();
    expect((await api.MergeRequests.show(fullName, 1)).labels).toEqual(['kaizen', 'automated']);
    expect(gitlab.invalidRequests).toEqual([]);
  });

  it('rejects what the documented parameters rule out, with 400 and the field named', async () => {
    const { fullName } = await newProject();
    const before = gitlab.invalidRequests.length;
    // gitbeaker's types require a title; without one its JSON body simply lacks the field.
    const noTitle = await failureOf(api.MergeRequests.create(fullName, 'kaizen/fix', 'main', undefined as never));
    expect(noTitle).toEqual({ status: 400, description: 'title is missing' });
    expect(await failureOf(api.MergeRequests.all({ projectId: fullName, state: 'open' as never }))).toMatchObject({ status: 400 });
    expect(await failureOf(api.MergeRequests.edit(fullName, 1, { stateEvent: 'merge' as never }))).toMatchObject({ status: 400 });
    expect(gitlab.invalidRequests.slice(before).map((r) => [r.operationId, r.issues[0]?.at])).toEqual([
      ['createMergeRequest', '/requestBody'],
      ['listProjectMergeRequests', '/query/state'],
      ['updateMergeRequest', '/requestBody/state_event'],
    ]);
    gitlab.invalidRequests.splice(before);
  });

  it('lets a person push to and close a merge request; a stale sha is refused with 409', async () => {
    const { fullName, headSha } = await newProject();
    await api.MergeRequests.create(fullName, 'kaizen/fix', 'main', 'Fix');
    const newHead = gitlab.pushToPull(fullName, 1, { 'README.md': 'reviewed\n' });
    expect((await api.MergeRequests.show(fullName, 1)).sha).toBe(newHead);
    expect(await failureOf(api.MergeRequests.accept(fullName, 1, { sha: headSha }))).toMatchObject({ status: 409 });
    gitlab.closePull(fullName, 1);
    expect((await api.MergeRequests.show(fullName, 1)).state).toBe('closed');
    expect(gitlab.invalidRequests).toEqual([]);
  });

  it('recovers through gitbeaker’s own retries of 429 and 502, and fails on 500 and a revoked token', async () => {
    const { fullName } = await newProject();
    const requestsBefore = gitlab.requests.length;
    gitlab.rateLimitNext(2, { retryAfterSeconds: 30 });
    gitlab.failNext(1, 502);
    // gitbeaker retries 429 and 502 up to ten times with a short backoff, ignoring Retry-After.
    expect((await api.Projects.show(fullName)).path_with_namespace).toBe(fullName);
    expect(gitlab.requests.slice(requestsBefore).map((r) => r.status)).toEqual([429, 429, 502, 200]);
    gitlab.failNext(1, 500);
    expect(await failureOf(api.Projects.show(fullName))).toMatchObject({ status: 500 });

    gitlab.tokens.add('short-lived', 'kaizen-bot');
    gitlab.revokeToken('short-lived');
    const revoked = new Gitlab({ host: gitlab.webUrl, token: 'short-lived' });
    expect(await failureOf(revoked.Projects.show(fullName))).toMatchObject({ status: 401, description: '401 Unauthorized' });
    const oauth = new Gitlab({ host: gitlab.webUrl, oauthToken: 'gitlab-token' });
    expect((await oauth.Users.showCurrentUser()).username).toBe('kaizen-bot');
  });
});

describe('fake GitLab with a fast-forward-only project', () => {
  it('refuses to merge a branch that is behind with 406, fast-forwards once it is rebased', async () => {
    const ff = await startFakeGitLab({ mergeMethod: 'ff' });
    try {
      const client = new Gitlab({ host: ff.webUrl, token: 'gitlab-token' });
      const { fullName } = await newProject(ff);
      await client.MergeRequests.create(fullName, 'kaizen/fix', 'main', 'Fix');
      ff.repos.commitFiles(fullName, 'main', { 'other.txt': 'moved on\n' }, { message: 'main moves' });
      expect(await failureOf(client.MergeRequests.accept(fullName, 1))).toMatchObject({ status: 406, description: 'Branch cannot be merged' });
      // The branch is rebased onto main (as `git rebase` and a force push would leave it).
      const rebased = ff.repos.commitFiles(fullName, 'rebased', { 'index.js': 'export const answer = 42;\n' }, { message: 'Fix the answer', from: 'main' });
      ff.repos.git(fullName, ['update-ref', 'refs/heads/kaizen/fix', rebased]);
      const merged = await client.MergeRequests.accept(fullName, 1);
      expect(ff.repos.branchSha(fullName, 'main')).toBe(rebased);
      expect(merged.state).toBe('merged');
    } finally {
      await ff.close();
    }
  });
});
