// push and pr modes in the saga (time-skipping server, fake activities): after verify the
// branch is pushed, in pr mode its pull request opened; the outcome, the ledger line and the
// notification carry the pull request; a failed delivery keeps the branch that holds the change.
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ErrorType } from '../../src/core/errors.js';
import type { ImprovementInput, ImprovementResult } from '../../src/core/types.js';
import { improvement } from '../../src/workflows/improvement.js';
import { pullRequestWorkflowId } from '../../src/core/forge/follow.js';
import { FAKE_COMMIT, FAKE_PULL_REQUEST, FAKE_REPO, fakeActivities, type CallLog, type FakeOptions } from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping();
let seq = 0;

async function runImprovement(options: FakeOptions = {}, input: Partial<ImprovementInput> = {}): Promise<{ result: ImprovementResult; log: CallLog }> {
  const { activities, log } = fakeActivities(options);
  const result = await ts.withWorker(activities, (taskQueue) =>
    ts.env.client.workflow.execute(improvement, { taskQueue, workflowId: `delivery-${++seq}`, args: [{ repoPath: FAKE_REPO, ...input }] }),
  );
  return { result, log };
}

const UP_TO_CHECKS = ['locateRepo', 'prepareWorkspace', 'analyse', 'knownTestRun', 'generate', 'applyProposal', 'runTests:verify', 'checkFindings'];
const AFTER = ['removeWorkspace', 'recordOutcome'];
/** The follow workflow's activities: it runs beside the saga, so its calls interleave with the saga's. */
const FOLLOW = ['pullRequestState', 'mergePullRequest', 'closePullRequest', 'recordReview'];

describe('pr mode', () => {
  it('pushes the verified commit, opens its pull request, and says so in the result, the ledger and the notification', async () => {
    const { result, log } = await runImprovement({}, { mode: 'pr' });
    expect(log.names(FOLLOW)).toEqual([...UP_TO_CHECKS, 'pushBranch', 'openPullRequest', ...AFTER]);
    expect(result).toMatchObject({ outcome: 'proposed', mode: 'pr', commit: FAKE_COMMIT, branch: expect.stringMatching(/^kaizen\//), pullRequest: FAKE_PULL_REQUEST });
    expect(result.reason).toContain(`opened pull request #7 (${FAKE_PULL_REQUEST.url})`);

    expect(log.inputsOf('pushBranch')[0]).toMatchObject({ commit: FAKE_COMMIT, remote: 'origin', forge: { labels: ['kaizen'] } });
    // The body's facts: what verify saw fixed, counted per rule, and the test evidence.
    const facts = log.inputsOf('openPullRequest')[0]?.facts;
    expect(facts).toMatchObject({ commit: FAKE_COMMIT, file: 'src/a.js', strategy: 'autofix', targetBranch: 'main', remote: 'origin', linesAdded: 2, linesRemoved: 2 });
    expect(facts?.fixedRules).toEqual([
      { rule: 'no-var', count: 1 },
      { rule: 'prefer-const', count: 1 },
    ]);
    expect(facts?.testsAfter).toMatchObject({ command: ['npm', 'test'], passed: true });
    expect(JSON.stringify(facts)).not.toContain('outputTail');

    // The worktree goes, the local branch stays, as in branch mode.
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: false, deleteBackupRef: false })]);
    expect(log.inputsOf('recordOutcome')[0]?.entry).toMatchObject({ outcome: 'proposed', mode: 'pr', pullRequest: FAKE_PULL_REQUEST });
    expect(log.inputsOf('recordOutcome')[0]?.notify?.result).toMatchObject({ pullRequest: FAKE_PULL_REQUEST });

    // One workflow follows the pull request, named by the repository and its number; it outlives the run.
    const follower = ts.env.client.workflow.getHandle(pullRequestWorkflowId(FAKE_REPO, FAKE_PULL_REQUEST.number));
    expect(await follower.result()).toMatchObject({ review: 'merged', pullRequest: FAKE_PULL_REQUEST });
  });

  it('starts no second follower when the same pull request is found again', async () => {
    const follower = ts.env.client.workflow.getHandle(pullRequestWorkflowId(FAKE_REPO, FAKE_PULL_REQUEST.number));
    const before = (await follower.describe()).runId;
    const { result } = await runImprovement({}, { mode: 'pr' });
    expect(result.outcome).toBe('proposed');
    expect((await follower.describe()).runId).toBe(before);
  });

  it('takes the mode from the config too', async () => {
    const { result, log } = await runImprovement({ config: { mode: 'pr', remote: 'upstream', forge: { kind: 'gitlab', labels: ['bot'] } } });
    expect(result).toMatchObject({ outcome: 'proposed', mode: 'pr', pullRequest: FAKE_PULL_REQUEST });
    expect(log.inputsOf('openPullRequest')[0]).toMatchObject({ remote: 'upstream', forge: { kind: 'gitlab', labels: ['bot'] } });
  });

  it('fails with the pushed branch named and kept when no pull request can be opened', async () => {
    const { result, log } = await runImprovement(
      {
        overrides: {
          openPullRequest: async () => {
            throw ApplicationFailure.create({ type: ErrorType.ForgeAuthFailed, message: 'GitHub refused the token in GITHUB_TOKEN (HTTP 401: Bad credentials).', nonRetryable: true });
          },
        },
      },
      { mode: 'pr' },
    );
    expect(log.count('openPullRequest')).toBe(1);
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/^pushed kaizen\/\w+ to origin, but no pull request could be opened: GitHub refused the token in GITHUB_TOKEN/);
    expect(result.reason).toContain('open one from kaizen/');
    expect(result.pullRequest).toBeUndefined();
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: false })]);
  });
});

describe('push mode', () => {
  it('pushes the branch and opens no pull request', async () => {
    const { result, log } = await runImprovement({}, { mode: 'push' });
    expect(log.names()).toEqual([...UP_TO_CHECKS, 'pushBranch', ...AFTER]);
    expect(result).toMatchObject({ outcome: 'proposed', mode: 'push', branch: expect.stringMatching(/^kaizen\//) });
    expect(result.reason).toMatch(/^pushed kaizen\/\w+ to origin: open a pull request from it to main/);
    expect(result.pullRequest).toBeUndefined();
  });

  it('keeps the local branch and names the fix when the remote refuses the push', async () => {
    const { result, log } = await runImprovement(
      {
        overrides: {
          pushBranch: async () => {
            throw ApplicationFailure.create({ type: ErrorType.PushRefused, message: 'The remote refused the push of kaizen/x (auth): … Set GITHUB_TOKEN', nonRetryable: true });
          },
        },
      },
      { mode: 'push' },
    );
    expect(log.count('pushBranch')).toBe(1);
    expect(log.has('openPullRequest')).toBe(false);
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/^the verified change is on the local branch kaizen\/\w+, not pushed: The remote refused the push/);
    expect(result.reason).toContain('git push origin kaizen/');
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: false })]);
  });
});
