// Kaizen's Forge adapters (src/adapters/forges) against the fake GitHub, GitLab and Gitea:
// every request is one the real forge accepts (OpenAPI-validated), opening twice opens one
// pull request, checks and merges read as a reviewer sees them, and failures become the
// errors that say what to do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectForge } from '../../../src/adapters/forges/index.js';
import type { Forge } from '../../../src/contracts/ports.js';
import { ForgeAuthFailedError, ForgeRequestRejectedError, ForgeUnavailableError } from '../../../src/core/forge/errors.js';
import type { ForgeKind } from '../../../src/core/forge/target.js';
import type { FakeForge } from '../../helpers/forges/fake-forge.js';
import { startFakeGitea } from '../../helpers/forges/gitea.js';
import { startFakeGitHub } from '../../helpers/forges/github.js';
import { startFakeGitLab } from '../../helpers/forges/gitlab.js';
import { repoWithPushedBranch } from '../../helpers/forges/pushed-branch.js';

const FAKES: Record<ForgeKind, () => Promise<FakeForge>> = {
  github: () => startFakeGitHub(),
  gitlab: () => startFakeGitLab(),
  gitea: () => startFakeGitea(),
};

describe.each(['github', 'gitlab', 'gitea'] as const)('the %s adapter', (kind) => {
  let fake: FakeForge;
  let count = 0;
  const cleanups: (() => void)[] = [];
  const variable = `${kind.toUpperCase()}_TOKEN`;

  beforeAll(async () => {
    fake = await FAKES[kind]();
  });
  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    await fake.close();
  });

  async function repoWithBranch(): Promise<{ forge: Forge; fullName: string; headSha: string }> {
    const pushed = await repoWithPushedBranch(fake, `acme/app-${++count}`, { branch: 'kaizen/abc123' });
    cleanups.push(pushed.cleanup);
    const forge = connectForge({ kind, repo: pushed.fullName, apiUrl: fake.apiUrl }, { token: fake.defaultToken, variable });
    return { forge, fullName: pushed.fullName, headSha: pushed.headSha };
  }

  it('opens one labelled pull request per branch, however often it is asked, and merges it once checks are green', async () => {
    const { forge, fullName, headSha } = await repoWithBranch();
    expect(await forge.findOpenPullRequest('kaizen/abc123')).toBeNull();
    const request = { head: 'kaizen/abc123', base: 'main', title: 'Kaizen: fix the answer', body: 'Made by Kaizen', labels: ['kaizen'] };
    const opened = await forge.openPullRequest(request);
    expect(opened).toMatchObject({ status: 'open', headBranch: 'kaizen/abc123', headSha, baseBranch: 'main', title: request.title, labels: ['kaizen'], checks: 'none' });
    expect(opened.url).toMatch(/^http/);
    // A retry after a crash: found by branch, and opening again opens nothing new.
    expect((await forge.findOpenPullRequest('kaizen/abc123'))?.number).toBe(opened.number);
    expect((await forge.openPullRequest(request)).number).toBe(opened.number);
    expect(fake.pulls.list(fullName).length).toBe(1);

    fake.setChecks(fullName, opened.number, 'red');
    expect(await forge.pullRequest(opened.number)).toMatchObject({ checks: 'failure', failedChecks: ['ci'] });
    fake.setChecks(fullName, opened.number, 'green');
    await forge.comment(opened.number, 'Checks are green.');
    expect(await forge.merge(opened.number, { method: 'squash', sha: headSha })).toMatchObject({ merged: true });
    expect((await forge.pullRequest(opened.number)).status).toBe('merged');
    expect(fake.repos.git(fullName, ['show', 'main:index.js'])).toBe('export const answer = 42;');
    expect(fake.invalidRequests).toEqual([]);
  });

  it("reads the token's role in the repository: write may push, open and merge; read-only may not", async () => {
    const { fullName } = await repoWithBranch();
    const connect = (token: string) => connectForge({ kind, repo: fullName, apiUrl: fake.apiUrl }, { token, variable });
    const writer = await connect(fake.defaultToken).access();
    expect(writer).toMatchObject({ push: true, openPullRequests: true });
    // GitLab's Developer merges into a protected branch only when its protection says so.
    expect(writer.merge).toBe(kind === 'gitlab' ? null : true);
    expect(writer.role).toBe(kind === 'gitlab' ? 'Developer (30)' : 'write');
    const reader = await connect(fake.tokens.add(`${kind}-reader`, 'reader', 'read')).access();
    expect(reader).toMatchObject({ push: false, openPullRequests: false, merge: false });
    expect(fake.invalidRequests).toEqual([]);
  });

  it('refuses to merge a head someone pushed to after the verified commit, and closes', async () => {
    const { forge, fullName, headSha } = await repoWithBranch();
    const opened = await forge.openPullRequest({ head: 'kaizen/abc123', base: 'main', title: 'Kaizen: fix', body: 'b', labels: [] });
    fake.pushToPull(fullName, opened.number, { 'other.js': 'x\n' });
    expect(await forge.merge(opened.number, { method: 'merge', sha: headSha })).toMatchObject({ merged: false });
    await forge.close(opened.number);
    expect((await forge.pullRequest(opened.number)).status).toBe('closed');
    expect(await forge.findOpenPullRequest('kaizen/abc123')).toBeNull();
    expect(fake.invalidRequests).toEqual([]);
  });

  it('says which token to fix, waits as long as a rate limit asks, and retries a 5xx', async () => {
    const { forge, fullName } = await repoWithBranch();
    fake.failNext(1, 503);
    await expect(forge.findOpenPullRequest('kaizen/abc123')).rejects.toBeInstanceOf(ForgeUnavailableError);
    if (kind !== 'gitlab') {
      // gitbeaker retries 429 itself (ignoring Retry-After); the others leave the wait to Kaizen.
      fake.rateLimitNext(1, { retryAfterSeconds: 7 });
      const limited = await forge.findOpenPullRequest('kaizen/abc123').catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(ForgeUnavailableError);
      expect((limited as ForgeUnavailableError).retryAfterMs).toBe(7000);
    }
    const missing = connectForge({ kind, repo: 'acme/nothing-here', apiUrl: fake.apiUrl }, { token: fake.defaultToken, variable });
    await expect(missing.findOpenPullRequest('kaizen/abc123')).rejects.toBeInstanceOf(ForgeRequestRejectedError);
    fake.tokens.add('revoked-token', 'kaizen-bot');
    fake.revokeToken('revoked-token');
    const revoked = connectForge({ kind, repo: fullName, apiUrl: fake.apiUrl }, { token: 'revoked-token', variable });
    const refused = await revoked.findOpenPullRequest('kaizen/abc123').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForgeAuthFailedError);
    expect((refused as Error).message).toContain(variable);
    expect((refused as Error).message).not.toContain('revoked-token');
  });
});

describe('the github adapter on GitHub Enterprise Server', () => {
  it('talks to GITHUB_API_URL under /api/v3', async () => {
    const ghes = await startFakeGitHub({ description: 'ghes-3.19' });
    const pushed = await repoWithPushedBranch(ghes, 'acme/app', { branch: 'kaizen/e1' });
    try {
      expect(ghes.apiUrl).toMatch(/\/api\/v3$/);
      const forge = connectForge({ kind: 'github', repo: 'acme/app', apiUrl: ghes.apiUrl }, { token: ghes.defaultToken, variable: 'GITHUB_TOKEN' });
      const opened = await forge.openPullRequest({ head: 'kaizen/e1', base: 'main', title: 't', body: 'b', labels: ['kaizen'] });
      expect((await forge.findOpenPullRequest('kaizen/e1'))?.number).toBe(opened.number);
      expect(ghes.invalidRequests).toEqual([]);
    } finally {
      pushed.cleanup();
      await ghes.close();
    }
  });
});
