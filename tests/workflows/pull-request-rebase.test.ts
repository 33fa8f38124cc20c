// A followed pull request whose target branch moved, or that conflicts (time-skipping server,
// fake activities): Kaizen rebases its commit in a fresh worktree on the host queue, verifies it
// again with the same activities as the improvement, pushes with a lease on the commit it pushed
// before, and keeps following; a conflict or a red verify closes it with a comment that says
// why; a person's push is never replaced; the worktree is removed in every outcome.
import { describe, expect, it } from 'vitest';
import { Forge } from '../../src/core/config/forge.js';
import type { FollowPullRequestInput } from '../../src/core/forge/follow.js';
import { BranchTakenOverError } from '../../src/core/forge/errors.js';
import type { PullRequestInfo } from '../../src/core/forge/types.js';
import type { KaizenActivities } from '../../src/activities/index.js';
import { followPullRequest } from '../../src/workflows/pull-request.js';
import { FAKE_COMMIT, FAKE_HOST_QUEUE_SUFFIX, FAKE_PULL_REQUEST, FAKE_REBASED_COMMIT, fakeActivities, fakePullRequest, type CallLog } from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping();
const BASE = 'ba5e00000000000000000000000000000000000a';
const MOVED = 'ba5e00000000000000000000000000000000000b';
let seq = 0;

function input(taskQueue: string): FollowPullRequestInput {
  return {
    repoRoot: `/repos/rebase-${seq}`,
    hostQueue: `${taskQueue}${FAKE_HOST_QUEUE_SUFFIX}`,
    governed: false,
    improvementWorkflowId: 'improve-1',
    pullRequest: FAKE_PULL_REQUEST,
    branch: 'kaizen/run1',
    commit: FAKE_COMMIT,
    baseCommit: BASE,
    verify: { before: [], beforeRuleCounts: { 'no-var': 2 }, targets: [], analysedCommit: BASE, testCommand: ['node', '--test'] },
    file: 'src/a.js',
    family: 'no-var',
    strategy: 'autofix',
    remote: 'origin',
    forge: Forge.parse({ autoMerge: true, pollInterval: '1m' }),
  };
}

/**
 * The forge shows the pull request at Kaizen's commit, green, until a push moves its head; then
 * `after` (merged by default). The remote's main is at MOVED; the branch's head at `head`.
 */
async function follow(overrides: Partial<KaizenActivities> = {}, after: Partial<PullRequestInfo> = { status: 'merged' }) {
  let head = FAKE_COMMIT;
  const { activities, log } = fakeActivities({
    overrides: {
      pullRequestState: async () => (head === FAKE_COMMIT ? fakePullRequest({ checks: 'success', headSha: FAKE_COMMIT }) : fakePullRequest({ headSha: head, ...after })),
      remoteBranchTip: async () => MOVED,
      fetchRemoteTarget: async (i) => ({ commit: i.branch ? head : MOVED, tree: 't'.repeat(40) }),
      rebaseWorkspace: async () => ({ ok: true, commit: FAKE_REBASED_COMMIT, baseCommit: MOVED, baseTree: 't'.repeat(40) }),
      pushBranch: async (i) => {
        head = i.commit;
        return { remote: i.remote, branch: i.workspace.branch, commit: i.commit, alreadyThere: false };
      },
      ...overrides,
    },
  });
  seq++;
  const result = await ts.withWorker(activities, (taskQueue) => ts.env.client.workflow.execute(followPullRequest, { taskQueue, workflowId: `rebase-${seq}`, args: [input(taskQueue)] }));
  return { result, log };
}

function review(log: CallLog) {
  expect(log.count('recordReview')).toBe(1);
  return log.inputsOf('recordReview')[0]?.entry;
}

/** The worktree a rebase made is removed with its branch (and only that branch). */
function expectCleanedUp(log: CallLog): void {
  const prepared = log.inputsOf('prepareWorkspace');
  expect(prepared).toHaveLength(1);
  expect(prepared[0]).toMatchObject({ repoRoot: `/repos/rebase-${seq}`, targetBranch: 'main', runId: expect.stringMatching(/^run1-rebase-/) });
  expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, workspace: expect.objectContaining({ runId: prepared[0]?.runId }) })]);
}

describe('a followed pull request whose target moved', () => {
  it('is rebased onto the remote target, verified again, pushed with a lease on Kaizen\'s commit, and followed to its merge', async () => {
    const { result, log } = await follow();
    expect(log.names(['pullRequestState', 'remoteBranchTip'])).toEqual([
      'prepareWorkspace',
      'fetchRemoteTarget',
      'fetchRemoteTarget',
      'resetWorkspace',
      'rebaseWorkspace',
      'runTests:verify',
      'checkFindings',
      'pushBranch',
      'removeWorkspace',
      'commentOnPullRequest',
      'recordReview',
    ]);
    expect(log.inputsOf('rebaseWorkspace')[0]).toMatchObject({ onto: MOVED, workspace: expect.objectContaining({ baseCommit: BASE }) });
    expect(log.inputsOf('runTests')[0]).toMatchObject({ phase: 'verify', command: ['node', '--test'], workspace: expect.objectContaining({ baseCommit: MOVED }) });
    expect(log.inputsOf('checkFindings')[0]).toMatchObject({ target: 'src/a.js', analysedCommit: BASE, beforeRuleCounts: { 'no-var': 2 } });
    expect(log.inputsOf('pushBranch')[0]).toMatchObject({ commit: FAKE_REBASED_COMMIT, replaces: FAKE_COMMIT, workspace: expect.objectContaining({ branch: 'kaizen/run1' }) });
    expect(log.inputsOf('commentOnPullRequest')[0]?.comment).toContain('Kaizen rebased this pull request onto main');
    expect(log.inputsOf('mergePullRequest')).toEqual([]);
    expectCleanedUp(log);
    expect(result.rebases).toEqual([expect.objectContaining({ onto: MOVED, commit: FAKE_REBASED_COMMIT, tests: expect.objectContaining({ passed: true }) })]);
    expect(review(log)).toMatchObject({ review: 'merged', commit: FAKE_REBASED_COMMIT });
  });

  it('closes it with a comment naming the files in conflict, and removes the worktree', async () => {
    const { result, log } = await follow({ rebaseWorkspace: async () => ({ ok: false, reason: 'rebasing kaizen/run1-rebase-x onto main (ba5e0000) conflicts in src/a.js' }) });
    expect(log.inputsOf('closePullRequest')).toEqual([expect.objectContaining({ comment: expect.stringContaining('conflicts in src/a.js') })]);
    expect(log.count('runTests:verify') + log.count('pushBranch')).toBe(0);
    expectCleanedUp(log);
    expect(result.review).toBe('conflict');
    expect(review(log)).toMatchObject({ review: 'conflict', outcome: null, reason: expect.stringContaining('Kaizen closed pull request #7') });
  });

  it('closes it when the rebased change fails the tests that pass on the target without it: rolled back, the command named', async () => {
    const red = { passed: false, exitCode: 1, timedOut: false, failedTests: ['cart totals'] };
    const { result, log } = await follow({
      runTests: async (i) => ({ phase: i.phase, command: ['node', '--test'], passed: i.phase === 'baseline', skipped: false, cached: false, durationMs: 5, exitCode: i.phase === 'baseline' ? 0 : 1, timedOut: false, outputTail: '', ...(i.phase === 'verify' ? red : {}) }),
    });
    const comment = log.inputsOf('closePullRequest')[0]?.comment ?? '';
    expect(comment).toContain('`node --test` exited with 1');
    expect(comment).toContain('cart totals');
    expect(log.count('runTests:baseline')).toBe(1);
    expect(log.count('pushBranch')).toBe(0);
    expectCleanedUp(log);
    expect(result.review).toBe('verify_failed');
    expect(review(log)).toMatchObject({ review: 'verify_failed', outcome: 'rolled_back' });
  });

  it('never replaces a person\'s push: the lease refuses, and Kaizen hands the pull request over', async () => {
    const { result, log } = await follow({
      pushBranch: async () => {
        throw new BranchTakenOverError('kaizen/run1', FAKE_COMMIT, 'f'.repeat(40));
      },
    });
    expect(log.count('pushBranch')).toBe(1);
    expect(log.count('closePullRequest') + log.count('mergePullRequest')).toBe(0);
    expectCleanedUp(log);
    expect(result.review).toBe('taken_over');
    expect(review(log)).toMatchObject({ review: 'taken_over', outcome: null });
  });

  it('leaves the pull request alone when the tests are red on the moved target without the change too, and does not try that target again', async () => {
    let looks = 0;
    const { result, log } = await follow({
      pullRequestState: async () => fakePullRequest(++looks < 4 ? { checks: 'success', headSha: FAKE_COMMIT } : { status: 'merged', headSha: FAKE_COMMIT }),
      runTests: async (i) => ({ phase: i.phase, command: ['node', '--test'], passed: false, skipped: false, cached: false, durationMs: 5, exitCode: 1, timedOut: false, outputTail: 'not ok 1' }),
    });
    expect(log.count('pullRequestState')).toBe(4);
    // One rebase for that target: red there too, so nothing is closed and nothing pushed.
    expect(log.count('prepareWorkspace')).toBe(1);
    expect(log.count('runTests:baseline')).toBe(1);
    expect(log.count('closePullRequest') + log.count('pushBranch')).toBe(0);
    expectCleanedUp(log);
    expect(result.review).toBe('merged');
  });
});

