// `kaizen doctor REPO`'s delivery checks against a real remote and forge: the fake GitHub and
// GitLab (git over smart HTTP and an OpenAPI-validated API, one token for both), so an
// unreachable remote, a refused token and a token without write access are real answers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRepository } from '../../../src/cli/doctor/repo-checks.js';
import type { DoctorCheck } from '../../../src/cli/doctor/report.js';
import type { FakeForge } from '../../helpers/forges/fake-forge.js';
import { startFakeGitHub } from '../../helpers/forges/github.js';
import { startFakeGitLab } from '../../helpers/forges/gitlab.js';
import { credentialHelperAuth, git as clientGit } from '../../helpers/git-client.js';
import { createRepo, GIT_ENV, type TempRepo } from '../../helpers/git-repo.js';

let github: FakeForge;
let gitlab: FakeForge;
const repos: TempRepo[] = [];
let seq = 0;

beforeAll(async () => {
  [github, gitlab] = await Promise.all([startFakeGitHub(), startFakeGitLab()]);
});

afterAll(async () => {
  for (const repo of repos) repo.cleanup();
  await Promise.all([github?.close(), gitlab?.close()]);
});

/** A team's checkout whose origin is a repository on the fake forge, main pushed there. */
async function checkoutOn(forge: FakeForge, config: Record<string, unknown>): Promise<TempRepo> {
  const fullName = `acme/shop-${++seq}`;
  forge.createRepo(fullName);
  const repo = createRepo({ 'package.json': JSON.stringify({ name: 'shop', scripts: { test: 'node --test' } }), 'kaizen.config.json': JSON.stringify(config) });
  repos.push(repo);
  repo.git('remote', 'add', 'origin', forge.cloneUrl(fullName));
  await clientGit(repo.path, [...credentialHelperAuth('kaizen-bot', forge.defaultToken), 'push', '-q', '--force', 'origin', 'main']);
  return repo;
}

async function deliveryChecks(repo: TempRepo, env: Record<string, string>): Promise<Record<string, DoctorCheck>> {
  const checks = await checkRepository({ repo: repo.path, cwd: '/', env: { ...GIT_ENV, ...env } });
  return Object.fromEntries(checks.filter((c) => c.name === 'remote' || c.name === 'forge').map((c) => [c.name, c]));
}

const githubEnv = (token: string) => ({ GITHUB_TOKEN: token, GITHUB_API_URL: github.apiUrl });

describe('kaizen doctor: the remote and forge pr mode delivers to', () => {
  it('passes when the remote answers with the token and the token may push, open and merge pull requests', async () => {
    const repo = await checkoutOn(github, { mode: 'pr', forge: { kind: 'github' } });
    const checks = await deliveryChecks(repo, githubEnv(github.defaultToken));
    expect(checks.remote).toMatchObject({ ok: true, detail: expect.stringMatching(/^origin \(http:\/\/127\.0\.0\.1:\d+\/acme\/shop-\d+\.git\) answers with GITHUB_TOKEN; main is at [0-9a-f]{8} there$/) });
    expect(checks.forge).toMatchObject({ ok: true, detail: expect.stringMatching(/^GITHUB_TOKEN has the role write on acme\/shop-\d+: it may push, open pull requests and merge$/) });
  });

  it('names what a read-only token may not do, and the token it needs', async () => {
    const repo = await checkoutOn(github, { mode: 'pr', forge: { kind: 'github' } });
    const readOnly = github.tokens.add('github-read-only', 'reader', 'read');
    const checks = await deliveryChecks(repo, githubEnv(readOnly));
    expect(checks.remote?.ok).toBe(true);
    expect(checks.forge).toMatchObject({
      ok: false,
      detail: expect.stringContaining('has the role read on acme/shop-'),
      fix: expect.stringContaining('Contents and Pull requests: Read and write'),
    });
    expect(checks.forge?.detail).toContain('it may not push kaizen/* branches, open pull requests');
  });

  it('fails on a token the remote refuses, naming the variable, and never prints the token', async () => {
    const repo = await checkoutOn(github, { mode: 'pr', forge: { kind: 'github' } });
    const checks = await deliveryChecks(repo, githubEnv('a-token-nobody-issued'));
    expect(checks.remote).toMatchObject({ ok: false, detail: expect.stringContaining('refuses this worker (auth)'), fix: expect.stringContaining('The token in GITHUB_TOKEN was refused') });
    expect(checks.forge).toMatchObject({ skipped: true });
    expect(JSON.stringify(checks)).not.toContain('a-token-nobody-issued');
  });

  it('without a token: the remote says which variable to set; with git credentials of its own, pr mode still needs the token', async () => {
    const pr = await checkoutOn(github, { mode: 'pr', forge: { kind: 'github' } });
    const push = await checkoutOn(github, { mode: 'push', forge: { kind: 'github' } });
    expect((await deliveryChecks(pr, {})).remote).toMatchObject({ ok: false, fix: expect.stringContaining('No token was sent: set GITHUB_TOKEN') });
    // The worker's git has credentials of its own (a credential helper in its config), Kaizen no token.
    const gitconfig = join(pr.path, '.git', 'worker-gitconfig');
    writeFileSync(gitconfig, `[credential]\n\thelper = "!f() { echo username=kaizen-bot; echo password=${github.defaultToken}; }; f"\n`);
    const ownCredentials = { GIT_CONFIG_GLOBAL: gitconfig };
    expect(await deliveryChecks(pr, ownCredentials)).toMatchObject({
      remote: { ok: true },
      forge: { ok: false, detail: expect.stringContaining('GITHUB_TOKEN is not set: mode pr cannot open pull requests on GitHub') },
    });
    expect((await deliveryChecks(push, ownCredentials)).forge).toMatchObject({ ok: true, warning: expect.stringContaining('mode pr would need the token') });
  });

  it("says a GitLab Developer's merges are up to the target branch's protection", async () => {
    const repo = await checkoutOn(gitlab, { mode: 'pr', forge: { kind: 'gitlab' } });
    const checks = await deliveryChecks(repo, { GITLAB_TOKEN: gitlab.defaultToken, GITLAB_API_URL: gitlab.apiUrl });
    expect(checks.forge).toMatchObject({ ok: true, detail: expect.stringMatching(/role Developer \(30\) on acme\/shop-\d+: it may push, open pull requests and merge; whether it may merge is up to the target branch's protection$/) });
  });

  it('skips both without a remote unless the mode pushes, and then says how to add one', async () => {
    const local = createRepo({ 'kaizen.config.json': JSON.stringify({ mode: 'merge' }) });
    const pr = createRepo({ 'kaizen.config.json': JSON.stringify({ mode: 'pr' }) });
    repos.push(local, pr);
    expect(await deliveryChecks(local, {})).toMatchObject({ remote: { skipped: true, detail: expect.stringContaining('only modes push and pr need one') }, forge: { skipped: true } });
    expect((await deliveryChecks(pr, {})).remote).toMatchObject({ ok: false, fix: expect.stringContaining('git remote add origin URL') });
  });

  it('fails on a remote that does not answer', async () => {
    const repo = await checkoutOn(github, { mode: 'push', forge: { kind: 'github' } });
    repo.git('remote', 'set-url', 'origin', 'http://127.0.0.1:9/acme/gone.git');
    const checks = await deliveryChecks(repo, githubEnv(github.defaultToken));
    expect(checks.remote).toMatchObject({ ok: false, detail: expect.stringContaining('does not answer'), fix: expect.stringContaining('Check the URL, the network') });
    expect(checks.forge).toMatchObject({ skipped: true });
  });
});
