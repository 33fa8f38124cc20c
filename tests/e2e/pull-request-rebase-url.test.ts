// A pull request of a repository given by URL whose target moves: `kaizen improve <url> --mode pr`
// through the CLI, a worker with its own Kaizen home (the bare mirror, its ledger and worktrees
// live there), the fake GitHub over smart HTTP. When main moves on the remote, the follower
// rebases in a worktree made from this worker's mirror, tests again and force-pushes only
// kaizen/<id>; the mirror keeps no worktree or branch of the rebase.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pullRequestStateQuery } from '../../src/contracts/pull-request.js';
import { pullRequestWorkflowId } from '../../src/core/forge/follow.js';
import { mirrorRelativePath, parseRepoUrl } from '../../src/core/repository/remote-url.js';
import type { ImprovementResult } from '../../src/core/types.js';
import { startKaizen, type E2eKaizen } from '../helpers/e2e.js';
import { credentialHelperAuth, git as clientGit } from '../helpers/git-client.js';
import { createRepo, git, type TempRepo } from '../helpers/git-repo.js';
import type { FakeForge } from '../helpers/forges/fake-forge.js';
import { startFakeGitHub } from '../helpers/forges/github.js';
import { moveMainAndAwaitRebase } from '../helpers/forges/moved-target.js';
import { runKaizen, SAMPLE_REPO } from '../helpers/kaizen-process.js';

const TOKEN = 'github-token';
const POLL = { timeout: 90_000, interval: 500 };
const home = mkdtempSync(join(tmpdir(), 'kaizen-home-'));
let github: FakeForge;
let kaizen: E2eKaizen;
let checkout: TempRepo | undefined;

beforeAll(async () => {
  github = await startFakeGitHub();
  kaizen = await startKaizen('pr-url', { KAIZEN_USER_HOME: home, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl, KAIZEN_GIT_TOKEN: TOKEN });
});

afterAll(async () => {
  await kaizen?.close();
  await github?.close();
  checkout?.cleanup();
  rmSync(home, { recursive: true, force: true });
});

describe('a pull request of a repository given by URL', () => {
  it('is rebased from the worker\'s mirror when main moves on the remote: one Kaizen commit on the new main, tested again', async () => {
    const name = 'acme/mirrored';
    github.createRepo(name);
    checkout = createRepo({}, { from: SAMPLE_REPO });
    checkout.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, forge: { kind: 'github', pollInterval: '1s' } }));
    checkout.commitAll('the shop');
    const url = github.cloneUrl(name);
    await clientGit(checkout.path, [...credentialHelperAuth('x-access-token', TOKEN), 'push', '-q', '--force', url, 'main']);

    const cli = await runKaizen(['improve', url, '--mode', 'pr', '--wait', '--json'], { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), KAIZEN_TASK_QUEUE: kaizen.taskQueue, KAIZEN_USER_HOME: home });
    expect(cli.code, cli.stderr).toBe(0);
    const result = JSON.parse(cli.stdout) as ImprovementResult & { pullRequest: { number: number } };
    expect(result, result.reason).toMatchObject({ outcome: 'proposed', pullRequest: { number: 1 } });
    const branch = String(result.branch);
    const follower = kaizen.client.workflow.getHandle(pullRequestWorkflowId(parseRepoUrl(url)!.url, 1));
    await expect.poll(async () => (await follower.query(pullRequestStateQuery).catch(() => null))?.checkedAt ?? null, POLL).not.toBeNull();

    const { moved, head } = await moveMainAndAwaitRebase(github, name, branch, String(result.commit), String(result.file));
    await expect.poll(async () => (await follower.query(pullRequestStateQuery)).rebases?.length ?? 0, POLL).toBe(1);
    expect((await follower.query(pullRequestStateQuery)).rebases?.[0]).toMatchObject({ onto: moved, commit: head, tests: { passed: true, cached: false } });
    expect(github.pull(name, 1).state).toBe('open');
    expect(github.repos.branchSha(name, 'main')).toBe(moved);

    // The rebase worked in this worker's mirror and left nothing there.
    const mirror = join(home, 'repos', ...mirrorRelativePath(parseRepoUrl(url)!).split('/'));
    const worktrees = join(mirror, '.kaizen', 'worktrees');
    await expect.poll(() => (existsSync(worktrees) ? readdirSync(worktrees) : []).filter((f) => f.includes('-rebase-')), POLL).toEqual([]);
    expect(git(mirror, 'branch', '--list', 'kaizen/*-rebase-*')).toBe('');
    // The token stays out of the mirror's config.
    expect(readFileSync(join(mirror, 'config'), 'utf8')).not.toContain(TOKEN);
    expect(github.invalidRequests).toEqual([]);
    github.closePull(name, 1);
  });
});
