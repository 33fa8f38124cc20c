// A repository given by URL, as a user runs it: `kaizen improve <url> --mode merge --wait`
// through the CLI, a real worker with its own Kaizen home (its mirror, ledger and logs live
// there), a real dev server and a real bare remote over file:// and over smart HTTP with a
// token. Exactly one commit lands on the remote's main; a main that moved meanwhile is rebased
// onto; the token is nowhere Kaizen writes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitForResult, startImprovement } from '../../src/cli/improvement-client.js';
import { approveSignal, progressQuery } from '../../src/contracts/improvement.js';
import { mirrorRelativePath, parseRepoUrl } from '../../src/core/repository/remote-url.js';
import type { ImprovementResult } from '../../src/core/types.js';
import { BareRepos, fileUrl } from '../helpers/bare-repos.js';
import { startKaizen, type E2eKaizen } from '../helpers/e2e.js';
import { bearerAuth, git as clientGit } from '../helpers/git-client.js';
import { startGitHttpRemote, type GitHttpRemote } from '../helpers/git-http-remote.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { runKaizen, SAMPLE_REPO } from '../helpers/kaizen-process.js';

const TOKEN = 'git-token';
const home = mkdtempSync(join(tmpdir(), 'kaizen-home-'));
const repos = new BareRepos();
const checkouts: TempRepo[] = [];
let kaizen: E2eKaizen;
let http: GitHttpRemote;

beforeAll(async () => {
  http = await startGitHttpRemote();
  kaizen = await startKaizen('remote', { KAIZEN_USER_HOME: home, KAIZEN_GIT_TOKEN: TOKEN });
});

afterAll(async () => {
  await kaizen?.close();
  await http?.close();
  repos.cleanup();
  for (const c of checkouts) c.cleanup();
  rmSync(home, { recursive: true, force: true });
});

/** The sample repository as a team's remote holds it; returns its main. */
async function publishSample(pushUrl: string, config: Record<string, unknown> = {}, auth: string[] = []): Promise<string> {
  const checkout = createRepo({}, { from: SAMPLE_REPO });
  checkouts.push(checkout);
  checkout.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, ...config }));
  const base = checkout.commitAll('the shop');
  await clientGit(checkout.path, [...auth, 'push', '-q', '--force', pushUrl, 'main']);
  return base;
}

function cliEnv(): NodeJS.ProcessEnv {
  return { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), KAIZEN_TASK_QUEUE: kaizen.taskQueue, KAIZEN_USER_HOME: home };
}

function mirrorOf(url: string): string {
  return join(home, 'repos', ...mirrorRelativePath(parseRepoUrl(url)!).split('/'));
}

function ledgerOf(url: string): Record<string, unknown>[] {
  return readFileSync(join(mirrorOf(url), '.kaizen', 'ledger.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Every file below `dir` that holds `needle` (the worker's whole Kaizen home: mirrors, ledgers, logs, caches). */
function filesContaining(dir: string, needles: string[]): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const full = join(d, entry);
      const stats = statSync(full);
      if (stats.isDirectory()) walk(full);
      else if (stats.size < 5_000_000 && needles.some((n) => readFileSync(full).includes(n))) found.push(full);
    }
  };
  walk(dir);
  return found;
}

async function improveByUrl(url: string): Promise<ImprovementResult> {
  const cli = await runKaizen(['improve', url, '--mode', 'merge', '--wait', '--json'], cliEnv());
  expect(cli.code, cli.stderr + cli.stdout).toBe(0);
  expect(cli.stdout + cli.stderr).not.toContain(TOKEN);
  return JSON.parse(cli.stdout) as ImprovementResult;
}

describe('kaizen improve <url> --mode merge', () => {
  it('over file:// lands exactly one commit on the remote main, and keeps the ledger beside the mirror', async () => {
    repos.create('acme/shop');
    const url = fileUrl(repos, 'acme/shop');
    const base = await publishSample(url);
    const pushesBefore = repos.pushes('acme/shop').length;

    const result = await improveByUrl(url);
    expect(result, result.reason).toMatchObject({ outcome: 'applied', mode: 'merge', repo: url });
    expect(repos.branchSha('acme/shop', 'main')).toBe(result.commit);
    expect(repos.git('acme/shop', ['rev-parse', `${result.commit}~1`])).toBe(base);
    // One push, of main only: no kaizen/* branch reached the remote.
    const pushes = repos.pushes('acme/shop').slice(pushesBefore);
    expect(pushes.flatMap((p) => p.updates)).toEqual([{ ref: 'refs/heads/main', old: base, new: result.commit }]);
    expect(Object.keys(repos.refs('acme/shop'))).toEqual(['refs/heads/main']);

    // The worker's mirror follows, its worktree is gone, and its ledger has the outcome.
    const mirror = mirrorOf(url);
    expect(execFileSync('git', ['rev-parse', 'refs/heads/main'], { cwd: mirror, encoding: 'utf8' }).trim()).toBe(result.commit);
    expect(readdirSync(join(mirror, '.kaizen', 'worktrees'))).toEqual([]);
    expect(ledgerOf(url)).toMatchObject([{ outcome: 'applied', commit: result.commit }]);
    const log = await runKaizen(['log', url], cliEnv());
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toContain('applied');
  });

  it('without --mode pushes kaizen/<id> to the remote (branch mode would reach nobody) and leaves main alone', async () => {
    repos.create('acme/default');
    const url = fileUrl(repos, 'acme/default');
    const base = await publishSample(url);
    const cli = await runKaizen(['improve', url, '--wait', '--json'], cliEnv());
    expect(cli.code, cli.stderr).toBe(0);
    const result = JSON.parse(cli.stdout) as ImprovementResult;
    expect(result, result.reason).toMatchObject({ outcome: 'proposed', mode: 'push', branch: expect.stringMatching(/^kaizen\//) });
    expect(repos.refs('acme/default')).toEqual({ 'refs/heads/main': base, [`refs/heads/${result.branch}`]: result.commit });
    expect(repos.git('acme/default', ['rev-parse', `${result.commit}~1`])).toBe(base);
  });

  it('names one governor for every spelling of the URL, in the CLI as in the workers', async () => {
    // The file:// test above ran an improvement (with the governor) of acme/shop.
    const spellings = [fileUrl(repos, 'acme/shop'), `file://localhost${repos.path('acme/shop')}/`, fileUrl(repos, 'acme/shop').replace(/\.git$/, '')];
    const views = await Promise.all(spellings.map((url) => runKaizen(['governor', url, '--json'], cliEnv())));
    const parsed = views.map((v) => {
      expect(v.code, v.stderr).toBe(0);
      return JSON.parse(v.stdout) as { governorId: string; exists: boolean; totals?: Record<string, number> };
    });
    expect(new Set(parsed.map((p) => p.governorId)).size).toBe(1);
    expect(parsed[0]).toMatchObject({ exists: true, totals: { applied: 1 } });
  });

  it('refuses --mode branch with the modes that reach the remote', async () => {
    const cli = await runKaizen(['improve', 'file:///nowhere/shop.git', '--mode', 'branch'], cliEnv());
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/--mode push, pr or merge/);
  });

  it('over smart HTTP sends the token to git per command and writes it nowhere', async () => {
    http.createRepo('acme/web');
    const url = http.repoUrl('acme/web');
    const base = await publishSample(url, {}, bearerAuth(TOKEN));

    const result = await improveByUrl(url);
    expect(result, result.reason).toMatchObject({ outcome: 'applied', mode: 'merge' });
    expect(http.repos.branchSha('acme/web', 'main')).toBe(result.commit);
    expect(http.repos.git('acme/web', ['rev-parse', `${result.commit}~1`])).toBe(base);
    expect(http.repos.pushes('acme/web').slice(1).flatMap((p) => p.updates)).toEqual([{ ref: 'refs/heads/main', old: base, new: result.commit }]);
    // Every request of the worker's git carried the token (no anonymous attempt first).
    expect(http.requests.filter((r) => r.path.startsWith('/acme/web.git') && r.user === undefined)).toEqual([]);

    const basic = Buffer.from(`kaizen:${TOKEN}`).toString('base64');
    const history = JSON.stringify(await kaizen.client.workflow.getHandle(result.workflowId).fetchHistory(), (key, value: unknown) =>
      key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
    );
    expect(history).toContain(url);
    expect(history.includes(TOKEN) || history.includes(basic), 'the token in the workflow history').toBe(false);
    expect(filesContaining(home, [TOKEN, basic]), 'files in the worker home that hold the token').toEqual([]);
  });

  it('pushes kaizen/<id> instead when the remote protects main, so the verified change is not lost', async () => {
    http.createRepo('acme/locked');
    const url = http.repoUrl('acme/locked');
    const base = await publishSample(url, {}, bearerAuth(TOKEN));
    http.repos.protectBranch('acme/locked', 'main', 'github');

    const result = await improveByUrl(url);
    expect(result, result.reason).toMatchObject({ outcome: 'proposed', branch: expect.stringMatching(/^kaizen\//) });
    expect(result.reason).toMatch(/refused the fast-forward of main .*GH006.*pushed kaizen\//);
    expect(http.repos.refs('acme/locked')).toEqual({ 'refs/heads/main': base, [`refs/heads/${result.branch}`]: result.commit });
  });

  it('rebases onto a remote main that moved while the change waited, and verifies again', async () => {
    repos.create('acme/moving');
    const url = fileUrl(repos, 'acme/moving');
    const base = await publishSample(url, { approval: { required: true } });
    const { client, taskQueue } = kaizen;
    const handle = await startImprovement(client, { repoPath: url, strategy: 'autofix', mode: 'merge' }, taskQueue);
    for (let i = 0; i < 600; i++) {
      const progress = await handle.query(progressQuery).catch(() => undefined);
      if (progress?.waitingFor?.startsWith('approval')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // A person lands something else on main meanwhile.
    const moved = repos.commitFiles('acme/moving', 'main', { 'NOTES.md': 'a change by a person\n' }, { message: 'notes' });
    await handle.signal(approveSignal, { by: 'the test' });
    const result = await waitForResult(client, handle.workflowId);

    expect(result, result.reason).toMatchObject({ outcome: 'applied' });
    expect(repos.branchSha('acme/moving', 'main')).toBe(result.commit);
    expect(repos.git('acme/moving', ['rev-parse', `${result.commit}~1`])).toBe(moved);
    expect(repos.git('acme/moving', ['rev-parse', `${moved}~1`])).toBe(base);
    expect(repos.git('acme/moving', ['show', `${result.commit}:NOTES.md`])).toBe('a change by a person');
  });
});
