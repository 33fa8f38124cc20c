// `kaizen doctor`'s local and service checks against real things: git repositories in temp
// folders, the scripted OpenAI-compatible server, a real SMTP server and closed ports.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkGit, checkLlm, checkSmtpServer } from '../../../src/cli/doctor/checks.js';
import { checkRepository } from '../../../src/cli/doctor/repo-checks.js';
import type { DoctorCheck } from '../../../src/cli/doctor/report.js';
import { createRepo, GIT_ENV, type TempRepo } from '../../helpers/git-repo.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../helpers/notify-servers.js';
import { freePort } from '../../helpers/ports.js';
import { startScriptedOpenAi, type ScriptedOpenAi } from '../../helpers/scripted-openai.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function repo(files: Record<string, string>): TempRepo {
  const r = createRepo(files);
  cleanups.push(() => r.cleanup());
  return r;
}

const PACKAGE = JSON.stringify({ name: 'x', scripts: { test: 'node --test' } });
const byName = (checks: DoctorCheck[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

describe('repository checks', () => {
  it('a clean repository with a test script passes every check', async () => {
    const r = repo({ 'package.json': PACKAGE, 'kaizen.config.json': '{"mode":"merge"}' });
    const checks = await checkRepository({ repo: r.path, cwd: '/', env: GIT_ENV });
    expect(checks.map((c) => [c.name, c.ok, c.warning, c.skipped])).toEqual([
      ['repo', true, undefined, undefined],
      ['config', true, undefined, undefined],
      ['target-branch', true, undefined, undefined],
      ['checkout', true, undefined, undefined],
      ['test-command', true, undefined, undefined],
      // No remote, and mode merge needs none (doctor-remote.test.ts has the rest).
      ['remote', true, undefined, true],
      ['forge', true, undefined, true],
    ]);
    expect(byName(checks)['test-command']?.detail).toMatch(/^`npm test` \(from package.json\), npm is \/.*npm$/);
    expect(byName(checks)['target-branch']?.detail).toContain("'main'");
  });

  it('uncommitted changes are a warning, not a failure', async () => {
    const r = repo({ 'package.json': PACKAGE, 'a.js': 'x\n' });
    r.write('a.js', 'changed\n');
    r.write('new.js', 'new\n');
    const checkout = byName(await checkRepository({ repo: r.path, cwd: '/', env: GIT_ENV })).checkout;
    expect(checkout).toMatchObject({ ok: true, warning: expect.stringMatching(/^2 uncommitted change\(s\) \(a\.js, new\.js\): Kaizen never writes to a dirty checkout/) });
  });

  it('lists every config problem, and skips the test command it cannot resolve', async () => {
    const r = repo({ 'package.json': PACKAGE, 'kaizen.config.json': JSON.stringify({ mode: 'yolo', test: { timeout: 'soon' }, colour: 'red' }) });
    const checks = byName(await checkRepository({ repo: r.path, cwd: '/', env: GIT_ENV }));
    expect(checks.config).toMatchObject({ ok: false, fix: expect.stringContaining('Correct each key') });
    for (const key of ['mode:', 'test.timeout:', 'colour: unknown key']) expect(checks.config?.detail).toContain(key);
    expect(checks['test-command']).toMatchObject({ skipped: true });
  });

  it('a configured target branch that does not exist fails', async () => {
    const r = repo({ 'package.json': PACKAGE, 'kaizen.config.json': '{"targetBranch":"release"}' });
    expect(byName(await checkRepository({ repo: r.path, cwd: '/', env: GIT_ENV }))['target-branch']).toMatchObject({
      ok: false,
      detail: "'release' (targetBranch in kaizen.config.json) does not exist",
    });
  });

  it('no test command, or one whose binary is not on PATH, fails with the fix', async () => {
    const none = repo({ 'README.md': 'hi' });
    expect(byName(await checkRepository({ repo: none.path, cwd: '/', env: GIT_ENV }))['test-command']).toMatchObject({
      ok: false,
      fix: expect.stringContaining('Add a "test" script to package.json, or set "test.command"'),
    });
    const missing = repo({ 'kaizen.config.json': '{"test":{"command":"no-such-runner --ci"}}' });
    expect(byName(await checkRepository({ repo: missing.path, cwd: '/', env: GIT_ENV }))['test-command']).toMatchObject({
      ok: false,
      detail: expect.stringContaining("'no-such-runner' is not on PATH"),
    });
    const optional = repo({ 'kaizen.config.json': '{"test":{"required":false}}' });
    expect(byName(await checkRepository({ repo: optional.path, cwd: '/', env: GIT_ENV }))['test-command']).toMatchObject({ ok: true, warning: expect.stringContaining('analysis only') });
  });

  it('REPO that is not a repository fails; no REPO outside a repository skips', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaizen-not-repo-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const named = await checkRepository({ repo: dir, cwd: '/', env: GIT_ENV });
    expect(named[0]).toMatchObject({ name: 'repo', ok: false, fix: expect.stringContaining('git init') });
    expect(named.slice(1).every((c) => c.skipped)).toBe(true);
    expect((await checkRepository({ repo: join(dir, 'nope'), cwd: '/', env: GIT_ENV }))[0]).toMatchObject({ ok: false, detail: expect.stringContaining('does not exist') });
    const unnamed = await checkRepository({ cwd: dir, env: GIT_ENV });
    expect(unnamed[0]).toMatchObject({ name: 'repo', ok: true, skipped: true });
  });

  it('an empty repository (no commit) fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaizen-empty-repo-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync('git', ['init', '-q', dir], { env: GIT_ENV });
    expect((await checkRepository({ repo: dir, cwd: '/', env: GIT_ENV }))[0]).toMatchObject({ ok: false, detail: expect.stringContaining('no commit') });
  });
});

describe('git check', () => {
  it('passes with the installed git and fails with the install advice when git is missing', async () => {
    expect(await checkGit(GIT_ENV, tmpdir())).toMatchObject({ ok: true, detail: expect.stringMatching(/^git \d+\.\d+/) });
    expect(await checkGit({ ...GIT_ENV, PATH: '/nonexistent' }, tmpdir())).toMatchObject({ ok: false, fix: expect.stringContaining('Install git 2.25.0 or newer') });
  });
});

describe('LLM endpoint check', () => {
  async function llm(): Promise<ScriptedOpenAi> {
    const server = await startScriptedOpenAi();
    cleanups.push(() => server.close());
    return server;
  }

  it('is skipped when nothing is configured', async () => {
    expect(await checkLlm({})).toMatchObject({ ok: true, skipped: true, detail: expect.stringContaining('llm strategy') });
  });

  it('passes when the endpoint lists the model, sending the key', async () => {
    const server = await llm();
    const check = await checkLlm({ OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-good', KAIZEN_MODEL: 'scripted-model' });
    expect(check).toMatchObject({ ok: true, detail: `${server.baseUrl} answers (1 models), model 'scripted-model' available` });
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/v1/models', headers: { authorization: 'Bearer sk-good' } });
  });

  it('warns when the model is not listed', async () => {
    const server = await llm();
    server.setModels(['llama3']);
    expect(await checkLlm({ OPENAI_BASE_URL: server.baseUrl, KAIZEN_MODEL: 'gpt-4o-mini' })).toMatchObject({ ok: true, warning: expect.stringContaining("not with the model 'gpt-4o-mini'"), fix: expect.stringContaining('KAIZEN_MODEL') });
  });

  it('401 fails naming OPENAI_API_KEY', async () => {
    const server = await llm();
    server.setModels({ kind: 'status', status: 401, body: { error: { message: 'Incorrect API key provided' } } });
    const check = await checkLlm({ OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-bad' });
    expect(check).toMatchObject({ ok: false, detail: expect.stringContaining('HTTP 401: Incorrect API key provided'), fix: expect.stringContaining('OPENAI_API_KEY') });
  });

  it('an endpoint nobody listens on fails naming OPENAI_BASE_URL', async () => {
    const base = `http://127.0.0.1:${await freePort()}/v1`;
    const check = await checkLlm({ OPENAI_BASE_URL: base });
    expect(check).toMatchObject({ ok: false, detail: expect.stringContaining(`cannot reach ${base}`), fix: expect.stringContaining('OPENAI_BASE_URL') });
  });
});

describe('SMTP check', () => {
  async function smtp(options: Parameters<typeof startSmtpReceiver>[0] = {}): Promise<SmtpReceiver> {
    const server = await startSmtpReceiver(options);
    cleanups.push(() => server.close());
    return server;
  }

  it('is skipped when nothing is configured', async () => {
    expect(await checkSmtpServer({})).toMatchObject({ ok: true, skipped: true });
  });

  it('passes against a real SMTP server, with and without a login', async () => {
    const open = await smtp();
    expect(await checkSmtpServer({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(open.port) })).toMatchObject({ ok: true, detail: `smtp://127.0.0.1:${open.port} answers` });
    const guarded = await smtp({ auth: { user: 'kaizen', pass: 's3cret' } });
    expect(await checkSmtpServer({ SMTP_URL: `smtp://kaizen:s3cret@127.0.0.1:${guarded.port}` })).toMatchObject({ ok: true, detail: expect.stringContaining('accepts the login') });
  });

  it('a wrong password fails naming the credentials, without printing them', async () => {
    const guarded = await smtp({ auth: { user: 'kaizen', pass: 's3cret' } });
    const check = await checkSmtpServer({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(guarded.port), SMTP_USER: 'kaizen', SMTP_PASSWORD: 'wrong-password' });
    expect(check).toMatchObject({ ok: false, fix: expect.stringContaining('SMTP_PASSWORD') });
    expect(JSON.stringify(check)).not.toContain('wrong-password');
  });

  it('a closed port fails fast naming the settings', async () => {
    const port = await freePort();
    const started = Date.now();
    const check = await checkSmtpServer({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    expect(check).toMatchObject({ ok: false, detail: expect.stringContaining(`cannot talk to smtp://127.0.0.1:${port}`), fix: expect.stringContaining('SMTP_URL') });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('a malformed SMTP_URL fails naming the variable', async () => {
    expect(await checkSmtpServer({ SMTP_URL: 'mail.example.com' })).toMatchObject({ ok: false, fix: 'Correct SMTP_URL.' });
  });
});
