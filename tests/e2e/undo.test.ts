// `kaizen undo` as a user runs it: real CLI processes, the real dev server and a worker, real
// git. Changes land through real improvements (autofix, merge mode); undo reverts exactly the
// ones asked for with new revert commits, tested and fast-forwarded, newest first, and refuses
// a revert that conflicts with later commits without touching the repository.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { ImprovementResult } from '../../src/core/types.js';
import type { UndoResult } from '../../src/core/undo/types.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { kaizenBranches, readLedgerLines, snapshotRepo, startKaizen, worktreesLeft, type E2eKaizen } from '../helpers/e2e.js';
import { runKaizen, type CliResult } from '../helpers/kaizen-process.js';
import { credentialHelperAuth, git as clientGit } from '../helpers/git-client.js';
import type { FakeForge } from '../helpers/forges/fake-forge.js';
import { startFakeGitHub } from '../helpers/forges/github.js';
import { BareRepos, fileUrl } from '../helpers/bare-repos.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/notify-servers.js';
import type { WebhookPayload } from '../../src/core/notifications/webhook.js';

const TOKEN = 'github-token';
/** The worker's Kaizen home: mirrors of repositories given by URL, and their ledgers. */
const home = mkdtempSync(join(tmpdir(), 'kaizen-home-'));
const remotes = new BareRepos();
let github: FakeForge;
/** The team's webhook: a channel that listens for undo runs only. */
let hook: HttpReceiver;
const UNDO_CHANNEL = { notifications: { channels: [{ id: 'team', type: 'webhook', events: ['undo'], urlEnv: 'UNDO_HOOK_URL' }] } };
let kaizen: E2eKaizen;
const repos: TempRepo[] = [];

const source = (name: string) => `export function ${name}(a, b) {\n  var result = a + b;\n  return result;\n}\n`;

/** A project with one no-var finding in each of these files, and a test of each. */
function repoWith(names: string[], config: Record<string, unknown> = {}): TempRepo {
  const repo = createRepo(fixtureFiles(names, config));
  repos.push(repo);
  return repo;
}

function fixtureFiles(names: string[], config: Record<string, unknown> = {}): Record<string, string> {
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'undo-fixture', type: 'module', scripts: { test: 'node --test' } }),
    'kaizen.config.json': JSON.stringify({ recentChangeMinutes: 0, ...config }),
  };
  for (const name of names) {
    files[`src/${name}.js`] = source(name);
    files[`test/${name}.test.js`] = `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { ${name} } from '../src/${name}.js';\n\ntest('${name}', () => assert.equal(${name}(2, 3), 5));\n`;
  }
  return files;
}

function kaizenCli(args: string[]): Promise<CliResult> {
  return runKaizen(args, { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), KAIZEN_TASK_QUEUE: kaizen.taskQueue, KAIZEN_USER_HOME: home }, { timeoutMs: 240_000 });
}

async function land(repo: TempRepo | string, name: string): Promise<ImprovementResult> {
  const result = await kaizen.improve({ repoPath: typeof repo === 'string' ? repo : repo.path, strategy: 'autofix', mode: 'merge', file: `src/${name}.js` });
  expect(result.outcome, result.reason).toBe('applied');
  return result;
}

async function undo(args: string[]): Promise<{ cli: CliResult; result: UndoResult }> {
  const cli = await kaizenCli(['undo', ...args, '--wait', '--json']);
  return { cli, result: JSON.parse(cli.stdout) as UndoResult };
}

const onDisk = (repo: TempRepo, file: string) => readFileSync(join(repo.path, file), 'utf8');

beforeAll(async () => {
  [github, hook] = await Promise.all([startFakeGitHub(), startHttpReceiver()]);
  kaizen = await startKaizen('undo', { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl, KAIZEN_USER_HOME: home, UNDO_HOOK_URL: hook.url, KAIZEN_WEBHOOK_SECRET: 'undo-hook-secret' });
});

afterAll(async () => {
  await kaizen?.close();
  await github?.close();
  await hook?.close();
  for (const repo of repos) repo.cleanup();
  remotes.cleanup();
  rmSync(home, { recursive: true, force: true });
});

describe('kaizen undo', () => {
  it('reverts exactly the landed change named, leaves later changes in place, records it and tells the team', async () => {
    const repo = repoWith(['add', 'sum'], UNDO_CHANNEL);
    const first = await land(repo, 'add');
    const second = await land(repo, 'sum');
    const fixedSum = onDisk(repo, 'src/sum.js');

    const { cli, result } = await undo([first.workflowId]);

    expect(cli.code, cli.stderr).toBe(0);
    expect(result.workflowId).toBe(`kaizen-undo-${first.workflowId}`);
    expect(result.items).toEqual([expect.objectContaining({ undoes: first.workflowId, undoneCommit: first.commit, outcome: 'applied' })]);
    const revert = result.items[0]?.commit as string;
    // A new commit on top of the later change: history is not rewritten.
    expect(repo.head('main')).toBe(revert);
    expect(repo.git('rev-parse', 'main~1')).toBe(second.commit);
    expect(repo.git('log', '-1', '--format=%B', 'main')).toContain(`This reverts commit ${first.commit}`);
    expect(onDisk(repo, 'src/add.js')).toBe(source('add'));
    expect(onDisk(repo, 'src/sum.js')).toBe(fixedSum);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(worktreesLeft(repo.path)).toEqual([]);
    expect(kaizenBranches(repo.path)).toEqual([]);
    expect(readLedgerLines(repo.path).at(-1)).toMatchObject({ kind: 'undo', workflowId: result.workflowId, undoes: first.workflowId, outcome: 'applied', commit: revert });

    const status = JSON.parse((await kaizenCli(['status', result.workflowId, '--json'])).stdout) as UndoResult & { status: string };
    expect(status).toMatchObject({ status: 'COMPLETED', items: [{ undoes: first.workflowId, outcome: 'applied', commit: revert }] });
    const log = await kaizenCli(['log', repo.path]);
    expect(log.stdout).toContain(`applied      undo ${first.workflowId}`);
    // The channel that listens for undo runs heard of this one (and of no improvement).
    expect(hook.requests.map((r) => r.headers['x-kaizen-event'])).toEqual(['undo']);
    const told = JSON.parse(hook.requests[0]?.body ?? '{}') as WebhookPayload;
    expect(told).toMatchObject({ event: 'undo', title: expect.stringMatching(/^undo: kaizen-repo-\w+ \(1 reverted\)$/), undo: { workflowId: result.workflowId, items: [{ undoes: first.workflowId, outcome: 'applied', commit: revert }] } });
    expect(told.undo?.items[0]?.link).toContain(encodeURIComponent(first.workflowId));
    // Once undone, it is not undone again.
    const again = await undo([first.workflowId]);
    expect(again.result.items).toEqual([expect.objectContaining({ outcome: 'skipped', reason: expect.stringMatching(/^already undone by kaizen-undo-/) })]);
    expect(repo.head('main')).toBe(revert);
    // Nothing was reverted this time: nobody is told.
    expect(hook.requests).toHaveLength(1);
  });

  it('undoes every change of a window newest first, each its own revert commit, skipping one already undone', async () => {
    const repo = repoWith(['one', 'two', 'three']);
    const landed = [await land(repo, 'one'), await land(repo, 'two'), await land(repo, 'three')];
    await undo([landed[1]?.workflowId as string]);

    const { cli, result } = await undo([repo.path, '--since', '1h']);

    expect(cli.code, cli.stderr).toBe(0);
    expect(result.items.map((i) => [i.undoes, i.outcome])).toEqual([
      [landed[1]?.workflowId, 'skipped'],
      [landed[2]?.workflowId, 'applied'],
      [landed[0]?.workflowId, 'applied'],
    ]);
    expect(repo.git('log', '-4', '--format=%s', 'main').split('\n')).toEqual([
      'Revert "kaizen: fix no-var in src/one.js"',
      'Revert "kaizen: fix no-var in src/three.js"',
      'Revert "kaizen: fix no-var in src/two.js"',
      'kaizen: fix no-var in src/three.js',
    ]);
    for (const name of ['one', 'two', 'three']) expect(onDisk(repo, `src/${name}.js`)).toBe(source(name));
  });

  it('refuses a revert that conflicts with a later commit, naming both, and leaves the repository untouched', async () => {
    const repo = repoWith(['add']);
    const landed = await land(repo, 'add');
    repo.write('src/add.js', onDisk(repo, 'src/add.js').replace(/result/g, 'total'));
    const later = repo.commitAll('rename result to total');
    const before = snapshotRepo(repo.path);

    const { cli, result } = await undo([landed.workflowId]);

    expect(cli.code).toBe(1);
    expect(result.items).toEqual([expect.objectContaining({ outcome: 'failed' })]);
    expect(result.items[0]?.reason).toBe(
      `reverting ${landed.commit?.slice(0, 8)} conflicts with later commits in src/add.js (changed since by ${later.slice(0, 8)} "rename result to total"); nothing was changed: revert it by hand (git revert ${landed.commit?.slice(0, 8)}) and resolve the conflict`,
    );
    expect(snapshotRepo(repo.path)).toEqual(before);
    expect(worktreesLeft(repo.path)).toEqual([]);
    expect(kaizenBranches(repo.path)).toEqual([]);
    expect(readLedgerLines(repo.path).at(-1)).toMatchObject({ kind: 'undo', undoes: landed.workflowId, outcome: 'failed', commit: null });
  });
});

describe('kaizen undo of a change that came as a pull request', () => {
  it('opens a tested revert pull request against what the forge merged, and leaves the local checkout alone', async () => {
    github.createRepo('acme/undo');
    const repo = repoWith(['add'], { forge: { kind: 'github' } });
    const base = repo.head('main');
    repo.git('remote', 'add', 'origin', github.cloneUrl('acme/undo'));
    await clientGit(repo.path, [...credentialHelperAuth('x-access-token', TOKEN), 'push', '-q', '--force', 'origin', 'main']);
    const improved = await kaizen.improve({ repoPath: repo.path, strategy: 'autofix', mode: 'pr', file: 'src/add.js' });
    expect(improved.outcome, improved.reason).toBe('proposed');
    // A person squash-merges it on the forge: the change is on the remote's main as another commit.
    const merged = github.mergePull('acme/undo', improved.pullRequest?.number as number, 'squash');

    const { cli, result } = await undo([improved.workflowId]);

    expect(cli.code, cli.stderr).toBe(0);
    const item = result.items[0];
    expect(item, item?.reason).toMatchObject({ undoes: improved.workflowId, outcome: 'proposed', pullRequest: { number: expect.any(Number) } });
    const pull = github.pulls.list('acme/undo').find((p) => p.number === item?.pullRequest?.number);
    expect(pull).toMatchObject({ head: item?.branch, base: 'main', state: 'open' });
    expect(github.pulls.headSha(pull!)).toBe(item?.commit);
    expect(github.repos.git('acme/undo', ['rev-parse', `${item?.commit}~1`])).toBe(merged);
    expect(github.repos.git('acme/undo', ['show', `${item?.commit}:src/add.js`])).toBe(source('add').trimEnd());
    expect(pull?.body).toContain(`Reverts \`${improved.commit?.slice(0, 12)}\``);
    // Nothing lands locally: the local main and checkout are as they were.
    expect(repo.head('main')).toBe(base);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(worktreesLeft(repo.path)).toEqual([]);
  });
});

describe('kaizen undo of a repository given by URL', () => {
  it('reverts what landed on the remote, newest first, and pushes the reverts there', async () => {
    remotes.create('acme/undo-url', { files: fixtureFiles(['add', 'sum']) });
    const url = fileUrl(remotes, 'acme/undo-url');
    const first = await land(url, 'add');
    const second = await land(url, 'sum');
    expect(remotes.branchSha('acme/undo-url', 'main')).toBe(second.commit);

    const { cli, result } = await undo([url, '--since', '1h']);

    expect(cli.code, cli.stderr).toBe(0);
    expect(result.items.map((i) => [i.undoes, i.outcome])).toEqual([
      [second.workflowId, 'applied'],
      [first.workflowId, 'applied'],
    ]);
    const tip = remotes.branchSha('acme/undo-url', 'main') as string;
    expect(tip).toBe(result.items[1]?.commit);
    expect(remotes.git('acme/undo-url', ['rev-parse', `${tip}~2`])).toBe(second.commit);
    for (const name of ['add', 'sum']) expect(remotes.git('acme/undo-url', ['show', `main:src/${name}.js`])).toBe(source(name).trimEnd());
  });
});
