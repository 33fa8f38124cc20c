// A pull request's life as a user sees it: `kaizen improve <checkout> --mode pr --wait` through
// the CLI, a real worker and dev server, the fake GitHub (requests validated against GitHub's
// OpenAPI description). The workflow that follows the pull request merges it only once its
// checks are green, closes it on a red check, and records a close by a person, which cools the
// file down in the governor. When the target branch moves on the remote, it rebases Kaizen's
// commit, tests it again and force-pushes (with a lease) only Kaizen's branch; a conflict closes
// the pull request with a comment naming the file.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pullRequestWorkflowId } from '../../src/core/forge/follow.js';
import type { FollowState } from '../../src/core/forge/follow.js';
import type { GovernorView } from '../../src/core/governor/protocol.js';
import type { ImprovementResult } from '../../src/core/types.js';
import { pullRequestStateQuery } from '../../src/contracts/pull-request.js';
import { readLedgerLines, startKaizen, type E2eKaizen } from '../helpers/e2e.js';
import { credentialHelperAuth, git as clientGit } from '../helpers/git-client.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import type { FakeForge } from '../helpers/forges/fake-forge.js';
import { startFakeGitHub } from '../helpers/forges/github.js';
import { moveMainAndAwaitRebase } from '../helpers/forges/moved-target.js';
import { runKaizen, SAMPLE_REPO } from '../helpers/kaizen-process.js';

const TOKEN = 'github-token';
const POLL = { timeout: 90_000, interval: 500 };
let github: FakeForge;
let kaizen: E2eKaizen;
const repos: TempRepo[] = [];
let count = 0;

beforeAll(async () => {
  github = await startFakeGitHub();
  kaizen = await startKaizen('pr-life', { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl });
});

afterAll(async () => {
  await kaizen?.close();
  await github?.close();
  for (const r of repos) r.cleanup();
});

function cli(args: string[]) {
  return runKaizen(args, { ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl, TEMPORAL_ADDRESS: inject('temporalAddress'), KAIZEN_TASK_QUEUE: kaizen.taskQueue });
}

/** A team's checkout on the fake GitHub, improved in pr mode; its pull request is open and followed. */
async function openedPullRequest(forge: Record<string, unknown>): Promise<{ repo: TempRepo; name: string; result: ImprovementResult & { pullRequest: { number: number; url: string } } }> {
  const name = `acme/life-${++count}`;
  github.createRepo(name);
  const repo = createRepo({}, { from: SAMPLE_REPO });
  repos.push(repo);
  repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, forge: { kind: 'github', pollInterval: '1s', ...forge } }));
  repo.commitAll('the shop');
  repo.git('remote', 'add', 'origin', github.cloneUrl(name));
  await clientGit(repo.path, [...credentialHelperAuth('x-access-token', TOKEN), 'push', '-q', '--force', 'origin', 'main']);
  const run = await cli(['improve', repo.path, '--mode', 'pr', '--wait', '--json']);
  expect(run.code, run.stderr).toBe(0);
  const result = JSON.parse(run.stdout) as ImprovementResult & { pullRequest: { number: number; url: string } };
  expect(result, result.reason).toMatchObject({ outcome: 'proposed', pullRequest: { number: expect.any(Number) } });
  return { repo, name, result };
}

/** What the follow workflow last saw, once it has looked at least once. */
async function followerLooked(repoRoot: string, number: number): Promise<FollowState> {
  const handle = kaizen.client.workflow.getHandle(pullRequestWorkflowId(repoRoot, number));
  await expect.poll(async () => (await handle.query(pullRequestStateQuery).catch(() => null))?.checkedAt ?? null, POLL).not.toBeNull();
  return handle.query(pullRequestStateQuery);
}

function reviewLines(repo: TempRepo) {
  return readLedgerLines(repo.path).filter((l) => l.kind === 'review');
}

describe('the life of a pull request Kaizen opened', () => {
  it('forge.autoMerge merges it only after its checks are green, at the verified commit, and records the merge', async () => {
    const { repo, name, result } = await openedPullRequest({ autoMerge: true, mergeMethod: 'squash' });
    const number = result.pullRequest.number;
    const repoRoot = String(readLedgerLines(repo.path)[0]?.repo);

    github.setChecks(name, number, 'pending');
    const waiting = await followerLooked(repoRoot, number);
    expect(waiting.review).toBeNull();
    expect(github.pull(name, number).state).toBe('open');

    github.setChecks(name, number, 'green');
    await expect.poll(() => reviewLines(repo), POLL).toHaveLength(1);
    expect(github.pull(name, number).state).toBe('merged');
    expect(github.repos.git(name, ['log', '-1', '--format=%s', 'main'])).toContain(`(#${number})`);
    expect(reviewLines(repo)[0]).toMatchObject({ kind: 'review', review: 'merged', outcome: 'applied', commit: result.commit, pullRequest: result.pullRequest });
    expect(github.invalidRequests).toEqual([]);
  });

  it('closes it on a red check with a comment naming the failed check; it counts as rolled back', async () => {
    const { repo, name, result } = await openedPullRequest({ autoMerge: true });
    const number = result.pullRequest.number;
    github.setChecks(name, number, 'red', { names: ['ci/unit-tests'] });
    await expect.poll(() => reviewLines(repo), POLL).toHaveLength(1);
    const pull = github.pull(name, number);
    expect(pull.state).toBe('closed');
    expect(pull.comments.map((c) => c.body).join('\n')).toContain('ci/unit-tests failed');
    expect(reviewLines(repo)[0]).toMatchObject({ review: 'checks_failed', outcome: 'rolled_back' });
    expect(github.repos.branchSha(name, 'main')).toBe(repo.head('main'));
    expect(github.invalidRequests).toEqual([]);
  });

  it('records a close by a person, learns from it, and cools the file and rule down in the governor', async () => {
    const { repo, name, result } = await openedPullRequest({ cooldownAfterClose: '7d' });
    const number = result.pullRequest.number;
    github.closePull(name, number);
    await expect.poll(() => reviewLines(repo), POLL).toHaveLength(1);
    expect(reviewLines(repo)[0]).toMatchObject({ review: 'closed', outcome: 'rolled_back', file: result.file, reason: expect.stringContaining('closed without merging') });
    // Kaizen said nothing on a pull request a person closed.
    expect(github.pull(name, number).comments).toEqual([]);

    const governor = await cli(['governor', repo.path, '--json']);
    expect(governor.code, governor.stderr).toBe(0);
    const view = JSON.parse(governor.stdout) as GovernorView;
    expect(view.cooldowns).toEqual([expect.objectContaining({ file: result.file, number })]);
    expect(view.pullRequests).toEqual([]);
    expect(view.strategies).toEqual(expect.arrayContaining([expect.objectContaining({ strategy: result.strategy, failures: 1 })]));
    const text = await cli(['governor', repo.path]);
    expect(text.stdout).toContain(`cooling down: ${result.file}`);
    expect(text.stdout).toContain(`after #${number} was closed`);
  });
});

/** Worktrees and branches a rebase made in the checkout (none once it has ended, whatever the outcome). */
function rebaseLeftovers(repo: TempRepo): string[] {
  const worktrees = join(repo.path, '.kaizen', 'worktrees');
  const folders = existsSync(worktrees) ? readdirSync(worktrees).filter((f) => f.includes('-rebase-')) : [];
  const branches = repo.git('branch', '--list', 'kaizen/*-rebase-*').split('\n').map((l) => l.trim()).filter(Boolean);
  return [...folders, ...branches];
}

describe('a pull request whose target branch moved', () => {
  it('is rebased onto the new main, tested again and force-pushed as exactly one Kaizen commit; it stays open', async () => {
    const { repo, name, result } = await openedPullRequest({ autoMerge: false });
    const number = result.pullRequest.number;
    const branch = String(result.branch);
    const repoRoot = String(readLedgerLines(repo.path)[0]?.repo);
    expect(github.repos.branchSha(name, branch)).toBe(result.commit);
    await followerLooked(repoRoot, number);

    // A teammate's unrelated commit lands on main on the remote.
    const { moved, head } = await moveMainAndAwaitRebase(github, name, branch, String(result.commit), String(result.file));
    expect(github.repos.git(name, ['log', '-1', '--format=%an%n%s', head])).toBe(repo.git('log', '-1', '--format=%an%n%s', String(result.commit)));

    const handle = kaizen.client.workflow.getHandle(pullRequestWorkflowId(repoRoot, number));
    await expect.poll(async () => (await handle.query(pullRequestStateQuery)).rebases?.length ?? 0, POLL).toBe(1);
    const state = await handle.query(pullRequestStateQuery);
    // The tests ran again on the rebased tree (not a cache hit of the old one).
    expect(state.rebases?.[0]).toMatchObject({ onto: moved, commit: head, tests: { command: ['npm', 'test'], passed: true, cached: false } });
    expect(state.review).toBeNull();
    await expect.poll(() => github.pull(name, number).comments.map((c) => c.body).join('\n'), POLL).toContain('Kaizen rebased this pull request onto main');
    expect(github.pull(name, number).comments.at(-1)?.body).toContain('`npm test` green');
    expect(github.pull(name, number).state).toBe('open');
    // main itself was never pushed to by Kaizen.
    expect(github.repos.branchSha(name, 'main')).toBe(moved);
    await expect.poll(() => rebaseLeftovers(repo), POLL).toEqual([]);
    expect(github.invalidRequests).toEqual([]);
    github.closePull(name, number);
    await expect.poll(() => reviewLines(repo), POLL).toHaveLength(1);
  });

  it('closes it with a comment naming the file in conflict when main changed the same lines, and leaves no worktree behind', async () => {
    const { repo, name, result } = await openedPullRequest({ autoMerge: true });
    const number = result.pullRequest.number;
    const file = String(result.file);
    await followerLooked(String(readLedgerLines(repo.path)[0]?.repo), number);

    github.repos.commitFiles(name, 'main', { [file]: 'export const rewritten = true;\n' }, { message: `Rewrite ${file}` });
    await expect.poll(() => reviewLines(repo), POLL).toHaveLength(1);
    const pull = github.pull(name, number);
    expect(pull.state).toBe('closed');
    expect(pull.comments.map((c) => c.body).join('\n')).toMatch(new RegExp(`conflicts in .*${file.replace(/[.]/g, '\\.')}`));
    expect(reviewLines(repo)[0]).toMatchObject({ review: 'conflict', reason: expect.stringContaining(file) });
    // Kaizen's branch on the remote is left as it was verified.
    expect(github.repos.branchSha(name, String(result.branch))).toBe(result.commit);
    expect(rebaseLeftovers(repo)).toEqual([]);
    expect(github.invalidRequests).toEqual([]);
  });
});

