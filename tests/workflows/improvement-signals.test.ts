// The improvement saga under outside control: pause/resume and the approval gate.
import { describe, expect, it } from 'vitest';
import type { Progress } from '../../src/core/improvement/progress.js';
import { approveSignal, pauseSignal, progressQuery, rejectSignal, resumeSignal } from '../../src/contracts/improvement.js';
import { improvement } from '../../src/workflows/improvement.js';
import { FAKE_COMMIT, FAKE_REPO, fakeActivities, fakeAnalysis, gate } from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping();
let seq = 0;

const HOUR = 3_600_000;

function messages(progress: Progress): string {
  return progress.updates.map((u) => u.message).join('\n');
}

/** Polls the progress query (in real time, so no time is skipped) until `ok` holds. */
async function progressUntil(query: () => Promise<Progress>, ok: (p: Progress) => boolean, timeoutMs = 20_000): Promise<Progress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = await query();
    if (ok(progress)) return progress;
    if (Date.now() > deadline) throw new Error(`progress never matched; last: ${JSON.stringify(progress)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startOptions(taskQueue: string) {
  return { taskQueue, workflowId: `improvement-signals-${++seq}`, args: [{ repoPath: FAKE_REPO }] as [{ repoPath: string }] };
}

describe('pause and resume', () => {
  it('holds at the next step boundary until resumed, then lands the change', async () => {
    const analysing = gate();
    const { activities, log } = fakeActivities({
      overrides: {
        analyse: async () => {
          await analysing.promise;
          return fakeAnalysis();
        },
      },
    });

    const { result, paused, afterResume } = await ts.withWorker(activities, async (taskQueue) => {
      const handle = await ts.env.client.workflow.start(improvement, startOptions(taskQueue));
      await log.waitFor('analyse');
      await handle.signal(pauseSignal);
      analysing.open();

      const paused = await progressUntil(() => handle.query(progressQuery), (p) => p.paused);
      // A long while of (skipped) time: nothing moves while paused.
      const before = await ts.env.currentTimeMs();
      await ts.env.sleep(6 * HOUR);
      const slept = (await ts.env.currentTimeMs()) - before;
      expect(slept).toBeGreaterThanOrEqual(6 * HOUR);
      // The test cache is asked beside the analysis (it only reads); nothing after the boundary runs.
      expect(log.names()).toEqual(['locateRepo', 'prepareWorkspace', 'analyse', 'knownTestRun']);
      expect((await handle.query(progressQuery)).paused).toBe(true);

      await handle.signal(resumeSignal);
      const result = await handle.result();
      return { result, paused, afterResume: await handle.query(progressQuery) };
    });

    expect(paused).toMatchObject({ paused: true, pausedAt: 'test', step: 'analyse' });
    expect(messages(paused)).toContain('pause requested');
    expect(messages(paused)).toContain('paused before test');
    expect(result.outcome).toBe('applied');
    expect(result.commit).toBe(FAKE_COMMIT);
    expect(log.names().slice(3, 6)).toEqual(['knownTestRun', 'generate', 'applyProposal']);
    expect(afterResume.paused).toBe(false);
    expect(messages(afterResume)).toMatch(/pause requested[\s\S]*paused before test[\s\S]*resumed/);
  });
});

describe('approval', () => {
  const approvalConfig = { approval: { required: true, timeout: '1h' } };

  it('rolls back a change nobody approves within the approval timeout', async () => {
    const { activities, log } = fakeActivities({ config: approvalConfig });
    const result = await ts.withWorker(activities, (taskQueue) => ts.env.client.workflow.execute(improvement, startOptions(taskQueue)));

    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toContain('not approved within 1h');
    // It did wait the (skipped) hour before giving up.
    expect(Date.parse(result.finishedAt) - Date.parse(result.startedAt)).toBeGreaterThanOrEqual(HOUR);
    expect(log.has('integrate')).toBe(false);
    expect(log.names().slice(-3)).toEqual(['checkFindings', 'removeWorkspace', 'recordOutcome']);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
  });

  it('lands the change once approved', async () => {
    const { activities, log } = fakeActivities({ config: approvalConfig });
    const { result, waiting } = await ts.withWorker(activities, async (taskQueue) => {
      const handle = await ts.env.client.workflow.start(improvement, startOptions(taskQueue));
      const waiting = await progressUntil(() => handle.query(progressQuery), (p) => p.waitingFor?.includes('approval') ?? false);
      expect(log.has('integrate')).toBe(false);
      await handle.signal(approveSignal, { by: 'alice' });
      return { result: await handle.result(), waiting };
    });

    expect(waiting.waitingFor).toContain('approval');
    expect(result.outcome).toBe('applied');
    expect(result.commit).toBe(FAKE_COMMIT);
    expect(log.count('integrate')).toBe(1);
  });

  it('rolls back a rejected change with the reviewer\'s reason', async () => {
    const { activities, log } = fakeActivities({ config: approvalConfig });
    const result = await ts.withWorker(activities, async (taskQueue) => {
      const handle = await ts.env.client.workflow.start(improvement, startOptions(taskQueue));
      await progressUntil(() => handle.query(progressQuery), (p) => p.waitingFor?.includes('approval') ?? false);
      await handle.signal(rejectSignal, { by: 'bob', reason: 'touches the billing code' });
      return handle.result();
    });

    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toBe('rejected by bob: touches the billing code');
    expect(log.has('integrate')).toBe(false);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
  });
});
