// The workflow that follows one pull request (time-skipping server, fake forge activities):
// it merges only at the verified commit and only once checks are green, closes on a red check
// or when stale, stops touching a pull request a person pushed to, records every end in the
// ledger, tells the governor (open count, learner, cooldown), wakes on a signal, and continues
// as new without losing its place.
import { describe, expect, it } from 'vitest';
import { Forge, type ForgeConfig } from '../../src/core/config/forge.js';
import type { FollowPullRequestInput } from '../../src/core/forge/follow.js';
import type { PullRequestInfo } from '../../src/core/forge/types.js';
import { governorWorkflowId } from '../../src/core/repository/key.js';
import { governorStateQuery } from '../../src/contracts/governor.js';
import { pullRequestChangedSignal } from '../../src/contracts/pull-request.js';
import { followPullRequest } from '../../src/workflows/pull-request.js';
import { governor } from '../../src/workflows/governor.js';
import { FAKE_COMMIT, FAKE_HOST_QUEUE_SUFFIX, FAKE_PULL_REQUEST, fakeActivities, fakePullRequest, type CallLog } from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping();
let seq = 0;

function input(taskQueue: string, forge: Partial<ForgeConfig>, overrides: Partial<FollowPullRequestInput> = {}): FollowPullRequestInput {
  return {
    repoRoot: `/repos/follow-${seq}`,
    hostQueue: `${taskQueue}${FAKE_HOST_QUEUE_SUFFIX}`,
    governed: false,
    improvementWorkflowId: 'improve-1',
    pullRequest: FAKE_PULL_REQUEST,
    branch: 'kaizen/run',
    commit: FAKE_COMMIT,
    file: 'src/a.js',
    family: 'no-var',
    strategy: 'autofix',
    remote: 'origin',
    forge: Forge.parse(forge),
    ...overrides,
  };
}

/** Follows a pull request whose forge answers `looks` in turn (the last one from then on). */
async function follow(looks: Partial<PullRequestInfo>[], forge: Partial<ForgeConfig>, overrides: Partial<FollowPullRequestInput> = {}) {
  let look = 0;
  const { activities, log } = fakeActivities({
    overrides: {
      pullRequestState: async () => fakePullRequest(looks[Math.min(look++, looks.length - 1)]),
    },
  });
  seq++;
  const result = await ts.withWorker(activities, (taskQueue) =>
    ts.env.client.workflow.execute(followPullRequest, { taskQueue, workflowId: `follow-${seq}`, args: [input(taskQueue, forge, overrides)] }),
  );
  return { result, log };
}

function review(log: CallLog) {
  expect(log.count('recordReview')).toBe(1);
  return log.inputsOf('recordReview')[0]?.entry;
}

describe('following a pull request', () => {
  it('merges with the configured method at the verified commit once the checks turn green, and records it', async () => {
    const { result, log } = await follow([{ checks: 'pending' }, { checks: 'pending', mergeable: null }, { checks: 'success' }], { autoMerge: true, mergeMethod: 'squash' });
    expect(log.count('pullRequestState')).toBe(3);
    expect(log.inputsOf('mergePullRequest')).toEqual([expect.objectContaining({ number: 7, method: 'squash', sha: FAKE_COMMIT })]);
    expect(result).toMatchObject({ review: 'merged', status: expect.stringContaining('Kaizen merged pull request #7 (squash)') });
    expect(review(log)).toMatchObject({ kind: 'review', review: 'merged', outcome: 'applied', pullRequest: FAKE_PULL_REQUEST, commit: FAKE_COMMIT, file: 'src/a.js' });
  });

  it('keeps asking when the forge refuses the merge, and never merges without forge.autoMerge', async () => {
    let merges = 0;
    const { activities, log } = fakeActivities({
      overrides: {
        pullRequestState: async () => fakePullRequest(merges < 2 ? { checks: 'success' } : { status: 'merged' }),
        mergePullRequest: async () => (++merges === 1 ? { merged: false, reason: 'Base branch was modified' } : { merged: true, sha: 'm'.repeat(40) }),
      },
    });
    seq++;
    const result = await ts.withWorker(activities, (q) => ts.env.client.workflow.execute(followPullRequest, { taskQueue: q, workflowId: `follow-${seq}`, args: [input(q, { autoMerge: true })] }));
    expect(log.count('mergePullRequest')).toBe(2);
    expect(result.review).toBe('merged');

    const manual = await follow([{ checks: 'success' }, { checks: 'success' }, { status: 'merged' }], { autoMerge: false });
    expect(manual.log.count('mergePullRequest')).toBe(0);
    expect(review(manual.log)).toMatchObject({ review: 'merged', reason: expect.stringContaining('was merged into main') });
  });

  it('closes the pull request on a red check with a comment naming the failed checks; it counts as rolled back', async () => {
    const { result, log } = await follow([{ checks: 'pending' }, { checks: 'failure', failedChecks: ['ci/test', 'lint'] }], { autoMerge: true });
    expect(log.count('mergePullRequest')).toBe(0);
    expect(log.inputsOf('closePullRequest')).toEqual([expect.objectContaining({ number: 7, comment: expect.stringContaining('ci/test, lint failed') })]);
    expect(result.review).toBe('checks_failed');
    expect(review(log)).toMatchObject({ review: 'checks_failed', outcome: 'rolled_back', reason: expect.stringContaining('Kaizen closed pull request #7: ci/test, lint failed') });
  });

  it('stops touching a pull request a person pushed to: no merge, no close, a ledger line that says so', async () => {
    const { result, log } = await follow([{ checks: 'pending' }, { headSha: 'f'.repeat(40), checks: 'success' }], { autoMerge: true });
    expect(log.count('mergePullRequest') + log.count('closePullRequest')).toBe(0);
    expect(result.review).toBe('taken_over');
    expect(review(log)).toMatchObject({ review: 'taken_over', outcome: null, reason: expect.stringContaining('Kaizen no longer touches pull request #7') });
  });

  it('closes a pull request open longer than forge.staleAfter, continuing as new on the way', async () => {
    const { result, log } = await follow([{ checks: 'pending' }], { staleAfter: '1d', pollInterval: '30m' }, { continueAsNewAfterEvents: 40 });
    expect(log.count('pullRequestState')).toBeGreaterThanOrEqual(48);
    expect(log.inputsOf('closePullRequest')).toEqual([expect.objectContaining({ comment: expect.stringContaining('open for 1 day') })]);
    expect(result.review).toBe('stale');
    const described = await ts.env.client.workflow.getHandle(`follow-${seq}`).describe();
    const firstRunId = described.raw.workflowExecutionInfo?.firstRunId;
    expect(firstRunId).toBeTruthy();
    expect(described.runId).not.toBe(firstRunId);
  });

  it('looks again at once when signalled (a webhook), not only at the next poll', async () => {
    let look = 0;
    const { activities, log } = fakeActivities({ overrides: { pullRequestState: async () => fakePullRequest(look++ === 0 ? { checks: 'pending' } : { status: 'merged' }) } });
    seq++;
    const result = await ts.withWorker(activities, async (q) => {
      // The plain client does not skip time: only the signal can end this before a day has passed.
      const handle = await ts.plainClient.workflow.start(followPullRequest, { taskQueue: q, workflowId: `follow-${seq}`, args: [input(q, { pollInterval: '1d' })] });
      await log.waitFor('pullRequestState', 1);
      await handle.signal(pullRequestChangedSignal);
      return handle.result();
    });
    expect(log.count('pullRequestState')).toBe(2);
    expect(result.review).toBe('merged');
  });

  it('tells the governor: open pull requests count, and a close by a person is a failure that cools the file and rule down', async () => {
    seq++;
    const repoRoot = `/repos/follow-${seq}`;
    let look = 0;
    const { activities } = fakeActivities({ overrides: { pullRequestState: async () => fakePullRequest(look++ === 0 ? { checks: 'pending' } : { status: 'closed' }) } });
    await ts.withWorker(activities, async (q) => {
      const gov = await ts.plainClient.workflow.start(governor, { taskQueue: q, workflowId: governorWorkflowId(repoRoot), args: [{ repoPath: repoRoot }] });
      const handle = await ts.plainClient.workflow.start(followPullRequest, { taskQueue: q, workflowId: `follow-${seq}`, args: [input(q, { pollInterval: '1d', cooldownAfterClose: '7d' }, { repoRoot, governed: true })] });
      await expect.poll(async () => (await gov.query(governorStateQuery)).pullRequests.map((p) => p.number), { timeout: 20_000 }).toEqual([7]);
      await handle.signal(pullRequestChangedSignal);
      expect(await handle.result()).toMatchObject({ review: 'closed' });
      await expect.poll(async () => (await gov.query(governorStateQuery)).cooldowns, { timeout: 20_000 }).toEqual([expect.objectContaining({ file: 'src/a.js', family: 'no-var', number: 7 })]);
      const view = await gov.query(governorStateQuery);
      expect(view.pullRequests).toEqual([]);
      expect(view.strategies).toEqual([expect.objectContaining({ family: 'no-var', strategy: 'autofix', successes: 0, failures: 1 })]);
      const until = Date.parse(view.cooldowns[0]?.until ?? '');
      expect(until - Date.parse(view.now)).toBeGreaterThan(6 * 86_400_000);
      await gov.terminate('test over');
    });
  });
});
