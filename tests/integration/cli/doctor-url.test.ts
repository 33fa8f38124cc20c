// `kaizen doctor URL` and `kaizen config show|validate URL` for a repository given by its clone
// URL: real bare remotes over file:// and the fake GitHub over smart HTTP (which demands a
// token), a real mirror under a temporary Kaizen home, and the CLI as a real process.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUrlRepository } from '../../../src/cli/doctor/url-checks.js';
import type { DoctorCheck } from '../../../src/cli/doctor/report.js';
import { parseRepoUrl, type RepoUrl } from '../../../src/core/repository/remote-url.js';
import { mirrorPathOf } from '../../../src/activities/workspace/mirror.js';
import type { FakeForge } from '../../helpers/forges/fake-forge.js';
import { startFakeGitHub } from '../../helpers/forges/github.js';
import { credentialHelperAuth, git as clientGit } from '../../helpers/git-client.js';
import { createRepo, GIT_ENV } from '../../helpers/git-repo.js';
import { runKaizen } from '../../helpers/kaizen-process.js';

let github: FakeForge;
const cleanups: string[] = [];
let seq = 0;

beforeAll(async () => {
  github = await startFakeGitHub();
});

afterAll(async () => {
  for (const path of cleanups) rmSync(path, { recursive: true, force: true });
  await github?.close();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(dir);
  return dir;
}

/** A bare remote over file:// holding one commit of `files` on main. */
function fileRemote(files: Record<string, string>): string {
  const work = createRepo(files);
  cleanups.push(work.path);
  const bare = join(tempDir('kaizen-remote-'), 'shop.git');
  execFileSync('git', ['clone', '-q', '--bare', work.path, bare], { env: GIT_ENV });
  return `file://${bare}`;
}

const PACKAGE = JSON.stringify({ name: 'shop', scripts: { test: 'node --test' } });

async function doctorOf(url: string, env: NodeJS.ProcessEnv): Promise<Record<string, DoctorCheck>> {
  const repo = parseRepoUrl(url);
  if (!repo) throw new Error(`not a URL: ${url}`);
  const checks = await checkUrlRepository({ repo, env });
  return Object.fromEntries(checks.map((c) => [c.name, c]));
}

describe('kaizen doctor URL', () => {
  it("mirrors the repository as a worker would and checks the remote's default branch", async () => {
    const url = fileRemote({ 'package.json': PACKAGE, 'kaizen.config.json': JSON.stringify({ mode: 'merge' }) });
    const home = tempDir('kaizen-home-');
    const checks = await doctorOf(url, { ...GIT_ENV, KAIZEN_USER_HOME: home });

    expect(checks.repo).toMatchObject({ ok: true, detail: expect.stringMatching(/\(main at [0-9a-f]{8}\), mirrored at /) });
    expect(checks.repo?.detail).toContain(join(home, 'repos', 'file'));
    expect(checks.config).toMatchObject({ ok: true, detail: 'kaizen.config.json on main is valid' });
    expect(checks['target-branch']).toMatchObject({ ok: true, detail: "'main' (the remote's default branch)" });
    expect(checks.checkout).toMatchObject({ skipped: true });
    expect(checks['test-command']).toMatchObject({ ok: true, detail: expect.stringContaining('`npm test` (from package.json') });
    // merge mode on a URL pushes the fast-forward: the remote is checked even though the mode is not push or pr.
    expect(checks.remote).toMatchObject({ ok: true, detail: expect.stringMatching(/^file:\/\/.*shop\.git answers; main is at [0-9a-f]{8} there$/) });
  });

  it("names each problem of the remote's config and a target branch the remote lacks", async () => {
    const url = fileRemote({ 'package.json': PACKAGE, 'kaizen.config.json': JSON.stringify({ mdoe: 'pr' }) });
    const bad = await doctorOf(url, { ...GIT_ENV, KAIZEN_USER_HOME: tempDir('kaizen-home-') });
    expect(bad.config).toMatchObject({ ok: false, detail: expect.stringContaining('mdoe'), fix: expect.stringContaining('push the fix') });
    expect(bad['test-command']).toMatchObject({ skipped: true });
    expect(bad.remote).toMatchObject({ skipped: true });

    const missing = fileRemote({ 'package.json': PACKAGE, 'kaizen.config.json': JSON.stringify({ targetBranch: 'release' }) });
    const checks = await doctorOf(missing, { ...GIT_ENV, KAIZEN_USER_HOME: tempDir('kaizen-home-') });
    expect(checks['target-branch']).toMatchObject({ ok: false, detail: "'release' (targetBranch in kaizen.config.json) does not exist on the remote" });
  });

  it('a test script committed in the repository must be executable there', async () => {
    const url = fileRemote({ 'kaizen.config.json': JSON.stringify({ test: { command: ['./scripts/test.sh'] } }), 'scripts/test.sh': 'exit 0\n' });
    const checks = await doctorOf(url, { ...GIT_ENV, KAIZEN_USER_HOME: tempDir('kaizen-home-') });
    expect(checks['test-command']).toMatchObject({ ok: false, detail: expect.stringContaining("'./scripts/test.sh'") });
  });

  it('fails on a URL nobody serves, and on a forge remote without its token, saying which variable to set', async () => {
    const gone = await doctorOf('file:///nonexistent/kaizen/gone.git', { ...GIT_ENV, KAIZEN_USER_HOME: tempDir('kaizen-home-') });
    expect(gone.repo).toMatchObject({ ok: false, detail: expect.stringContaining('cannot be mirrored on this machine') });
    expect(gone.config).toMatchObject({ skipped: true });

    const fullName = `acme/doctor-url-${++seq}`;
    github.createRepo(fullName);
    const work = createRepo({ 'package.json': PACKAGE, 'kaizen.config.json': JSON.stringify({ mode: 'pr', forge: { kind: 'github' } }) });
    cleanups.push(work.path);
    await clientGit(work.path, [...credentialHelperAuth('kaizen-bot', github.defaultToken), 'push', '-q', '--force', github.cloneUrl(fullName), 'main']);

    const home = tempDir('kaizen-home-');
    const refused = await doctorOf(github.cloneUrl(fullName), { ...GIT_ENV, KAIZEN_USER_HOME: home, GITHUB_API_URL: github.apiUrl });
    expect(refused.repo).toMatchObject({ ok: false });
    expect(refused.repo?.detail).toContain('KAIZEN_GIT_TOKEN');
    // The refused clone leaves no mirror, nor a half-made one beside where it would be.
    const mirror = mirrorPathOf(parseRepoUrl(github.cloneUrl(fullName)) as RepoUrl, { KAIZEN_USER_HOME: home });
    expect(existsSync(mirror)).toBe(false);
    expect(readdirSync(dirname(mirror)).filter((name) => name.includes('.partial-'))).toEqual([]);

    const checks = await doctorOf(github.cloneUrl(fullName), { ...GIT_ENV, KAIZEN_USER_HOME: home, KAIZEN_GIT_TOKEN: github.defaultToken, GITHUB_TOKEN: github.defaultToken, GITHUB_API_URL: github.apiUrl });
    expect(checks.repo?.ok).toBe(true);
    expect(checks.remote).toMatchObject({ ok: true, detail: expect.stringContaining('answers with') });
    expect(checks.forge).toMatchObject({ ok: true, detail: expect.stringMatching(/^GITHUB_TOKEN has the role write on acme\/doctor-url-\d+/) });
    expect(JSON.stringify(checks)).not.toContain(github.defaultToken);
  });
});

describe('kaizen config show|validate URL', () => {
  it("prints the remote's effective config, and lists the problems of an invalid one (exit 1)", async () => {
    const env = { ...GIT_ENV, KAIZEN_USER_HOME: tempDir('kaizen-home-') };
    const good = fileRemote({ 'kaizen.config.json': JSON.stringify({ mode: 'pr', budget: { maxPerDay: 2 } }) });
    const shown = await runKaizen(['config', 'show', good], env);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ mode: 'pr', budget: { maxPerDay: 2, maxPerFilePerDay: 2 } });
    expect((await runKaizen(['config', 'validate', good], env)).stdout).toContain(`kaizen.config.json on main of ${good} is valid`);

    const bad = fileRemote({ 'kaizen.config.json': JSON.stringify({ budget: { maxPerDay: 'five' } }) });
    const validated = await runKaizen(['config', 'validate', bad], env);
    expect(validated.code).toBe(1);
    expect(validated.stderr).toContain(`kaizen.config.json on main of ${bad} is not valid`);
    expect(validated.stderr).toContain('budget.maxPerDay');
  });
});
