// Cancelling an improvement: the undo still runs, the outcome is still recorded, and the run
// ends cancelled in Temporal.
//
// On the real (dev) server, not the time-skipping one: a cancel that reaches the saga while it
// waits for two activities at once (tests and findings gate during verify) asks to cancel both,
// and when one of them completed in that same workflow task the test server fails the task
// with ACTIVITY_UNKNOWN and the run hangs (temporalio/sdk-typescript#1058); the real server,
// which users run, carries on. These tests need no timers skipped.
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { progressQuery } from '../../src/contracts/improvement.js';
import { improvement } from '../../src/workflows/improvement.js';
import { FAKE_REPO, fakeActivities, greenRun, heartbeatUntilCancelled, type FakeOptions } from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping('dev');
let seq = 0;

function startOptions(taskQueue: string) {
  return { taskQueue, workflowId: `improvement-cancel-${++seq}`, args: [{ repoPath: FAKE_REPO }] as [{ repoPath: string }] };
}

describe('cancellation', () => {
  it('rolls back a run cancelled during verify, records it, and ends cancelled', async () => {
    let cancelSeenByTests: unknown;
    let testsRunning = false;
    let removedWhileTestsRan: boolean | undefined;
    const options: FakeOptions = {
      overrides: {
        runTests: async (input) => {
          if (input.phase !== 'verify') return greenRun(input.phase);
          testsRunning = true;
          try {
            return await heartbeatUntilCancelled((reason) => {
              cancelSeenByTests = reason;
            });
          } finally {
            testsRunning = false;
          }
        },
        removeWorkspace: async () => {
          removedWhileTestsRan = testsRunning;
        },
      },
    };
    const { activities, log } = fakeActivities(options);

    const { failure, progress } = await ts.withWorker(activities, async (taskQueue) => {
      const handle = await ts.env.client.workflow.start(improvement, startOptions(taskQueue));
      await log.waitFor('runTests:verify');
      await handle.cancel();
      const failure = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
      return { failure, progress: await handle.query(progressQuery) };
    });

    // The running tests were told to stop, and the worktree was removed only after they had.
    expect(cancelSeenByTests).toBeInstanceOf(CancelledFailure);
    expect(removedWhileTestsRan).toBe(false);

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

    const names = log.names();
    expect(names.slice(names.indexOf('runTests:verify'))).toEqual(['runTests:verify', 'checkFindings', 'removeWorkspace', 'recordOutcome']);
    expect(log.has('integrate')).toBe(false);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
    expect(log.inputsOf('recordOutcome')[0]?.entry).toMatchObject({ outcome: 'rolled_back', commit: null });
    expect(log.inputsOf('recordOutcome')[0]?.entry.reason).toMatch(/cancelled during verify.*rolled back/);

    expect(progress.step).toBe('done');
    expect(progress.result).toMatchObject({ outcome: 'rolled_back' });
    expect(progress.result?.reason).toContain('cancelled');
  });

  it('cancelled before any change: nothing to roll back, still recorded', async () => {
    const { activities, log } = fakeActivities({ overrides: { analyse: () => heartbeatUntilCancelled() } });

    const failure = await ts.withWorker(activities, async (taskQueue) => {
      const handle = await ts.env.client.workflow.start(improvement, startOptions(taskQueue));
      await log.waitFor('analyse');
      await handle.cancel();
      return handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
    });

    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    // The test cache was asked beside the analysis; it changes nothing.
    expect(log.names()).toEqual(['locateRepo', 'prepareWorkspace', 'analyse', 'knownTestRun', 'removeWorkspace', 'recordOutcome']);
    expect(log.inputsOf('recordOutcome')[0]?.entry.reason).toMatch(/cancelled during analyse; nothing was changed/);
  });
});
