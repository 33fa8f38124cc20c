// The test remote is real git: clone, push and fetch over smart HTTP through git http-backend,
// and the refusals (no token, wrong token, read-only token, protected branch) are the ones
// git prints against GitHub, GitLab or Gitea.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BareRepos, fileUrl } from '../../helpers/bare-repos.js';
import { bearerAuth, credentialHelperAuth, git, runGit, scratchDir } from '../../helpers/git-client.js';
import { startGitHttpRemote, type GitHttpRemote } from '../../helpers/git-http-remote.js';

let remote: GitHttpRemote;
let repoCount = 0;
const scratch: { cleanup(): void }[] = [];

beforeAll(async () => {
  remote = await startGitHttpRemote();
});
afterAll(async () => {
  await remote.close();
});
afterEach(() => {
  for (const dir of scratch.splice(0)) dir.cleanup();
  remote.tokens.add('git-token', 'kaizen-bot', 'write');
});

function newRepo(files?: Record<string, string>): string {
  const name = `acme/app-${++repoCount}`;
  remote.createRepo(name, files);
  return name;
}

async function cloneOf(name: string, auth: string[] = bearerAuth('git-token')): Promise<string> {
  const dir = scratchDir();
  scratch.push(dir);
  await git(dir.path, [...auth, 'clone', '-q', remote.repoUrl(name), 'clone']);
  return join(dir.path, 'clone');
}

async function commitChange(clone: string, file = 'change.txt', content = 'changed\n'): Promise<string> {
  writeFileSync(join(clone, file), content);
  await git(clone, ['add', file]);
  await git(clone, ['commit', '-q', '-m', `add ${file}`]);
  return git(clone, ['rev-parse', 'HEAD']);
}

describe('git over smart HTTP with a token', () => {
  it('clones, pushes and fetches with a Bearer header, and records the push as the token user', async () => {
    const name = newRepo({ 'index.js': 'export const x = 1;\n' });
    const clone = await cloneOf(name);
    const pushed = await commitChange(clone);
    await git(clone, [...bearerAuth('git-token'), 'push', '-q', 'origin', 'HEAD:refs/heads/kaizen/one']);

    expect(remote.repos.branchSha(name, 'kaizen/one')).toBe(pushed);
    expect(remote.repos.pushes(name)).toEqual([{ user: 'kaizen-bot', updates: [{ ref: 'refs/heads/kaizen/one', old: '0'.repeat(40), new: pushed }] }]);

    const other = await cloneOf(name);
    await git(other, [...bearerAuth('git-token'), 'fetch', '-q', 'origin']);
    expect(await git(other, ['rev-parse', 'origin/kaizen/one'])).toBe(pushed);
  });

  it("answers git's 401 challenge through a credential helper with the token as the password", async () => {
    const name = newRepo();
    const clone = await cloneOf(name, credentialHelperAuth('x-access-token', 'git-token'));
    await commitChange(clone);
    await git(clone, [...credentialHelperAuth('x-access-token', 'git-token'), 'push', '-q', 'origin', 'HEAD:main']);

    const authenticated = remote.requests.filter((r) => r.path.startsWith(`/${name}.git`) && r.user);
    expect(authenticated.length).toBeGreaterThan(0);
    expect(authenticated.every((r) => r.scheme === 'basic' && r.basicUser === 'x-access-token')).toBe(true);
    expect(remote.requests.some((r) => r.path.startsWith(`/${name}.git`) && r.status === 401)).toBe(true);
  });

  it('streams gzip-encoded request bodies to the backend (git gzips bodies over 1 KiB)', async () => {
    const name = newRepo();
    // Forty branches at forty commits: a fresh clone's fetch then sends ~2 KiB of wants.
    for (let i = 0; i < 40; i++) remote.repos.commitFiles(name, `b${i}`, { [`f${i}.txt`]: `${i}\n` }, { message: `b${i}`, from: 'main' });
    const clone = await cloneOf(name);
    expect(await git(clone, ['rev-parse', 'origin/b39'])).toBe(remote.repos.branchSha(name, 'b39'));
    expect(remote.requests.some((r) => r.path === `/${name}.git/git-upload-pack` && r.contentEncoding === 'gzip' && r.status === 200)).toBe(true);
  });

  it('streams a chunked push body larger than http.postBuffer', async () => {
    const name = newRepo();
    const clone = await cloneOf(name);
    const incompressible = randomBytes(200_000).toString('base64');
    const pushed = await commitChange(clone, 'big.txt', incompressible);
    await git(clone, [...bearerAuth('git-token'), '-c', 'http.postBuffer=65520', 'push', '-q', 'origin', 'HEAD:main']);
    expect(remote.repos.branchSha(name, 'main')).toBe(pushed);
    expect(remote.requests.some((r) => r.path === `/${name}.git/git-receive-pack` && r.transferEncoding === 'chunked' && r.status === 200)).toBe(true);
  });

  it('refuses a clone without credentials the way git reports a private repository', async () => {
    const name = newRepo();
    const dir = scratchDir();
    scratch.push(dir);
    const run = await runGit(dir.path, ['clone', remote.repoUrl(name), 'clone']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('could not read Username');
  });

  it('refuses a wrong token with "Authentication failed"', async () => {
    const name = newRepo();
    const dir = scratchDir();
    scratch.push(dir);
    const run = await runGit(dir.path, [...credentialHelperAuth('x-access-token', 'not-the-token'), 'clone', remote.repoUrl(name), 'clone']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`Authentication failed for '${remote.repoUrl(name)}/'`);
  });

  it('refuses a push with a read-only token with 403, while fetch still works', async () => {
    const name = newRepo();
    const clone = await cloneOf(name);
    await commitChange(clone);
    remote.tokens.makeReadOnly('git-token');

    const push = await runGit(clone, [...bearerAuth('git-token'), 'push', 'origin', 'HEAD:main']);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain(`Permission to ${name}.git denied to kaizen-bot.`);
    expect(push.stderr).toContain('The requested URL returned error: 403');
    expect(remote.repos.pushes(name)).toEqual([]);
    await git(clone, [...bearerAuth('git-token'), 'fetch', '-q', 'origin']);
  });

  it('refuses everything once the token is revoked', async () => {
    const name = newRepo();
    const clone = await cloneOf(name, credentialHelperAuth('oauth2', 'git-token'));
    remote.tokens.revoke('git-token');
    const fetch = await runGit(clone, [...credentialHelperAuth('oauth2', 'git-token'), 'fetch', 'origin']);
    expect(fetch.code).not.toBe(0);
    expect(fetch.stderr).toContain('Authentication failed');
  });

  it.each([
    ['github', 'error: GH006: Protected branch update failed for refs/heads/main.'],
    ['gitlab', 'GitLab: You are not allowed to push code to protected branches on this project.'],
    ['gitea', 'Gitea: Not allowed to push to protected branch main'],
  ] as const)('a protected branch refuses the push with the %s message', async (style, message) => {
    const name = newRepo();
    const before = remote.repos.branchSha(name, 'main');
    remote.repos.protectBranch(name, 'main', style);
    const clone = await cloneOf(name);
    await commitChange(clone);

    const push = await runGit(clone, [...bearerAuth('git-token'), 'push', 'origin', 'HEAD:main']);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain(`remote: ${message}`);
    expect(push.stderr).toContain('[remote rejected] HEAD -> main (pre-receive hook declined)');
    expect(remote.repos.branchSha(name, 'main')).toBe(before);
    // Other branches still take pushes.
    await git(clone, [...bearerAuth('git-token'), 'push', '-q', 'origin', 'HEAD:refs/heads/kaizen/ok']);
  });

  it('answers 404 "Repository not found" for a repository that does not exist', async () => {
    const dir = scratchDir();
    scratch.push(dir);
    const run = await runGit(dir.path, [...bearerAuth('git-token'), 'clone', remote.repoUrl('acme/missing'), 'clone']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Repository not found.');
  });
});

describe('git over file://', () => {
  it('clones and pushes, and the same hooks protect branches', async () => {
    const repos = new BareRepos();
    try {
      repos.create('local/app');
      const dir = scratchDir();
      scratch.push(dir);
      await git(dir.path, ['clone', '-q', fileUrl(repos, 'local/app'), 'clone']);
      const clone = join(dir.path, 'clone');
      const pushed = await commitChange(clone);
      await git(clone, ['push', '-q', 'origin', 'HEAD:refs/heads/kaizen/file']);
      expect(repos.branchSha('local/app', 'kaizen/file')).toBe(pushed);
      expect(repos.pushes('local/app')[0]?.user).toBe('-');

      repos.protectBranch('local/app', 'main', 'gitlab');
      const refused = await runGit(clone, ['push', 'origin', 'HEAD:main']);
      expect(refused.stderr).toContain('remote: GitLab: You are not allowed to push code to protected branches on this project.');
    } finally {
      repos.cleanup();
    }
  });
});
