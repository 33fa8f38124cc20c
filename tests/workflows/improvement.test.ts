// The improvement saga on the time-skipping server with fake activities: step order,
// outcomes, and what gets cleaned up when a step fails or times out.
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { KaizenActivities } from '../../src/activities/index.js';
import { NothingToProposeError } from '../../src/core/errors.js';
import { LlmAnswerRejectedError } from '../../src/core/llm/errors.js';
import type { ImprovementInput, ImprovementResult } from '../../src/core/types.js';
import { progressQuery } from '../../src/contracts/improvement.js';
import { improvement } from '../../src/workflows/improvement.js';
import {
  FAKE_COMMIT,
  FAKE_FINDINGS,
  FAKE_HOST_QUEUE_SUFFIX,
  FAKE_REBASED_COMMIT,
  FAKE_REPO,
  FAKE_TARGET,
  fakeActivities,
  greenRun,
  heartbeatUntilCancelled,
  integrateProposed,
  redRun,
  type CallLog,
  type FakeOptions,
} from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping();
let seq = 0;

/** Runs one improvement to completion against a fresh set of fakes. */
async function runImprovement(options: FakeOptions = {}, input: Partial<ImprovementInput> = {}): Promise<{ result: ImprovementResult; log: CallLog; taskQueue: string }> {
  const { activities, log } = fakeActivities(options);
  let queue = '';
  const result = await ts.withWorker(activities, (taskQueue) => {
    queue = taskQueue;
    return ts.env.client.workflow.execute(improvement, {
      taskQueue,
      workflowId: `improvement-${++seq}`,
      args: [{ repoPath: FAKE_REPO, ...input }],
    });
  });
  return { result, log, taskQueue: queue };
}

/** Every step up to (and including) the verify tests: autofix on a tree the test cache does not know runs the tests once, on its change. */
const UP_TO_VERIFY = ['locateRepo', 'prepareWorkspace', 'analyse', 'knownTestRun', 'generate', 'applyProposal', 'runTests:verify'];
/** After a red verify with no baseline: back to the untouched tree and test it. */
// The findings gate runs beside the verify tests and has finished before the worktree goes back.
const LATE_BASELINE = ['checkFindings', 'resetWorkspace', 'runTests:baseline'];

describe('the happy path', () => {
  it('runs the steps in saga order and lands the change', async () => {
    const { result, log, taskQueue } = await runImprovement();

    expect(log.names()).toEqual([...UP_TO_VERIFY, 'checkFindings', 'integrate', 'removeWorkspace', 'recordOutcome']);
    expect(result).toMatchObject({ outcome: 'applied', commit: FAKE_COMMIT, findingsFixed: 2, file: FAKE_TARGET, repo: FAKE_REPO });
    expect(result.fixedRules).toEqual(['no-var', 'prefer-const']);

    // The landed branch is spent; the backup ref stays as the way back.
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: false })]);
    // The quality gate compares against what analyse found, and checks what generate meant to fix.
    expect(log.inputsOf('checkFindings')[0]).toMatchObject({ target: FAKE_TARGET, before: FAKE_FINDINGS, targets: FAKE_FINDINGS });
    // What is integrated is the commit apply made, and it was proved first.
    expect(log.inputsOf('integrate')[0]).toMatchObject({ commit: FAKE_COMMIT, mode: 'branch' });

    const [record] = log.inputsOf('recordOutcome');
    expect(record?.repoRoot).toBe(FAKE_REPO);
    expect(record?.entry).toMatchObject({ outcome: 'applied', commit: FAKE_COMMIT, findingsFixed: 2, file: FAKE_TARGET });
    const durations = record?.entry.durationsMs ?? {};
    expect(Object.keys(durations).sort()).toEqual(['analyse', 'apply', 'generate', 'integrate', 'prepare', 'test', 'verify']);
    for (const ms of Object.values(durations)) expect(ms).toBeGreaterThanOrEqual(0);

    // People are told the same outcome, with where the ledger line went.
    // The ledger line and the worker's log in one activity: the log is told where the line went.
    expect(log.inputsOf('recordOutcome')[0]?.notify).toMatchObject({ result: { outcome: 'applied', commit: FAKE_COMMIT } });
    expect(log.has('notify')).toBe(false);

    // Only locating the repo runs on the shared queue; everything touching the worktree runs on its host.
    const queues = new Set(log.calls.filter((c) => c.name !== 'locateRepo').map((c) => c.taskQueue));
    expect(log.calls[0]?.taskQueue).toBe(taskQueue);
    expect([...queues]).toEqual([`${taskQueue}${FAKE_HOST_QUEUE_SUFFIX}`]);
  });

  it('keeps the branch for review when the change is only proposed', async () => {
    const { result, log } = await runImprovement({ overrides: { integrate: integrateProposed } });

    expect(result.outcome).toBe('proposed');
    expect(result.branch).toMatch(/^kaizen\//);
    expect(result.commit).toBe(FAKE_COMMIT);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: false, deleteBackupRef: false })]);
    expect(log.inputsOf('recordOutcome')[0]?.entry).toMatchObject({ outcome: 'proposed', branch: result.branch });
  });
});

describe('rollback', () => {
  it('rolls back when the verify tests run past their time limit', async () => {
    const { result, log } = await runImprovement({
      // The test server does not skip time while an activity runs, so this limit is real time.
      config: { timeouts: { verify: '2s' }, retries: { verify: { maximumAttempts: 1 } } },
      overrides: {
        runTests: async (input) => (input.phase === 'verify' ? heartbeatUntilCancelled() : greenRun(input.phase)),
      },
    });

    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toMatch(/runTests timed out \(start-to-close\)/);
    expect(log.count('runTests:verify')).toBe(1);
    expect(log.has('integrate')).toBe(false);
    // The worktree, its branch and the backup ref all go: nothing of the change is left.
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
    expect(log.inputsOf('recordOutcome')[0]?.entry).toMatchObject({ outcome: 'rolled_back', commit: null });
    expect(result.commit).toBeUndefined();
  });

  it('undoes the change after red verify tests on a green untouched tree, before recording and notifying', async () => {
    const { result, log } = await runImprovement({
      overrides: { runTests: async (input) => (input.phase === 'verify' ? redRun('verify') : greenRun(input.phase)) },
    });

    expect(log.names()).toEqual([...UP_TO_VERIFY, ...LATE_BASELINE, 'removeWorkspace', 'recordOutcome']);
    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toContain('tests failed after the change');
    expect(result.reason).toContain('expected 3, got 4');
    expect(result.findingsFixed).toBe(0);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
    expect(log.inputsOf('recordOutcome')[0]?.notify?.result).toMatchObject({ outcome: 'rolled_back' });
  });

  it('rolls back when the change leaves findings behind', async () => {
    const { result, log } = await runImprovement({
      overrides: { checkFindings: async () => ({ ok: false, parses: true, remaining: [], introduced: [], reason: '1 new finding: no-undef' }) },
    });

    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toContain('1 new finding: no-undef');
    expect(log.has('integrate')).toBe(false);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
  });
});

describe('partial progress', () => {
  it('lands a change that fixed one of two targets, with the rest listed in the reason and the commit message', async () => {
    const [fixed, left] = FAKE_FINDINGS as [(typeof FAKE_FINDINGS)[number], (typeof FAKE_FINDINGS)[number]];
    const { result, log } = await runImprovement({
      overrides: {
        checkFindings: async () => ({ ok: true, parses: true, fixed: [fixed], remaining: [left], introduced: [], reason: 'fixed 1 of 2 targeted findings; left for the next run: prefer-const (line 3)' }),
        rewordCommit: async () => ({ commit: FAKE_REBASED_COMMIT }),
      },
    });

    expect(result).toMatchObject({ outcome: 'applied', findingsFixed: 1, fixedRules: ['no-var'], commit: FAKE_REBASED_COMMIT });
    expect(result.reason).toMatch(/; fixed 1 of 2 targeted findings; left for the next run: prefer-const \(line 3\)$/);
    expect(log.names()).toEqual([...UP_TO_VERIFY, 'checkFindings', 'rewordCommit', 'integrate', 'removeWorkspace', 'recordOutcome']);
    const [reword] = log.inputsOf('rewordCommit');
    expect(reword?.commit).toBe(FAKE_COMMIT);
    expect(reword?.message).toMatch(/^kaizen: fix no-var in src\/a\.js\n[\s\S]*Findings fixed \(1\):\n- src\/a\.js:1:1 no-var[\s\S]*Left for the next run \(1\):\n- src\/a\.js:3:5 prefer-const/);
    expect(log.inputsOf('integrate')[0]?.commit).toBe(FAKE_REBASED_COMMIT);
  });
});

describe('nothing to do', () => {
  it('skips a repo whose tests are red without the change too, and keeps nothing of the change', async () => {
    const { result, log } = await runImprovement({
      overrides: { runTests: async (input) => redRun(input.phase, 'Error: Cannot find module ./db\n1 failing') },
    });

    expect(result.outcome).toBe('skipped');
    expect(result.reason).toContain('baseline tests are red');
    expect(result.reason).toContain('Cannot find module ./db');
    expect(log.names()).toEqual([...UP_TO_VERIFY, ...LATE_BASELINE, 'removeWorkspace', 'recordOutcome']);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
    expect(result.commit).toBeUndefined();
  });

  it('skips with the analyser\'s reason when no file qualifies', async () => {
    const reason = 'no fixable findings in 12 files';
    const { result, log } = await runImprovement({
      overrides: {
        analyse: async () => ({ target: null, findings: [], fixableCount: 0, targetRuleCounts: {}, totalFindings: 0, filesAnalysed: 12, analysers: ['eslint'], reason }),
      },
    });

    expect(result).toMatchObject({ outcome: 'skipped', reason, findingsFixed: 0 });
    expect(log.has('runTests:baseline')).toBe(false);
    expect(log.has('generate')).toBe(false);
    expect(log.has('removeWorkspace')).toBe(true);
    expect(log.inputsOf('recordOutcome')[0]?.entry).toMatchObject({ outcome: 'skipped', reason });
  });

  it('skips when the strategy has nothing to propose', async () => {
    const { result, log } = await runImprovement({
      overrides: {
        generate: async () => {
          throw new NothingToProposeError('eslint --fix changed nothing in src/a.js');
        },
      },
    });

    expect(result.outcome).toBe('skipped');
    expect(result.reason).toContain('eslint --fix changed nothing');
    expect(log.count('generate')).toBe(1);
    expect(log.has('applyProposal')).toBe(false);
    expect(log.has('removeWorkspace')).toBe(true);
  });
});

describe('failures', () => {
  const rejected: Record<string, KaizenActivities['generate']> = {
    'the real error class': async () => {
      throw new LlmAnswerRejectedError('other_file', 'the answer changed src/b.js');
    },
    'a non-retryable ApplicationFailure': async () => {
      throw ApplicationFailure.create({ type: 'LlmAnswerRejected', message: 'LLM answer rejected (other_file): the answer changed src/b.js', nonRetryable: true });
    },
  };

  it.each(Object.entries(rejected))('fails without changing anything when the LLM answer is rejected (%s)', async (_kind, generate) => {
    const { result, log } = await runImprovement({ overrides: { generate } }, { strategy: 'llm' });

    expect(result.outcome).toBe('failed');
    expect(result.reason).toContain('other_file');
    expect(log.count('generate')).toBe(1); // not retried
    expect(log.has('applyProposal')).toBe(false);
    expect(log.names().slice(-2)).toEqual(['removeWorkspace', 'recordOutcome']);
    expect(log.inputsOf('recordOutcome')[0]?.entry).toMatchObject({ outcome: 'failed', strategy: 'llm' });
  });

  it('keeps the outcome when the ledger and notifying fail, telling the log on its own without the ledger path', async () => {
    const { activities, log } = fakeActivities({
      overrides: {
        recordOutcome: async () => {
          throw new Error('EROFS: read-only file system');
        },
        notify: async () => {
          throw new Error('SMTP 550: mailbox unavailable');
        },
      },
    });
    const { result, progress } = await ts.withWorker(activities, async (taskQueue) => {
      const handle = await ts.env.client.workflow.start(improvement, { taskQueue, workflowId: `improvement-${++seq}`, args: [{ repoPath: FAKE_REPO }] });
      const result = await handle.result();
      return { result, progress: await handle.query(progressQuery) };
    });

    expect(result.outcome).toBe('applied');
    expect(result.commit).toBe(FAKE_COMMIT);
    expect(log.inputsOf('notify')[0]).toMatchObject({ result: { outcome: 'applied' }, ledgerPath: null });
    const notes = progress.updates.map((u) => u.message).join('\n');
    expect(notes).toContain('ledger not written');
    expect(notes).toContain('notification failed');
  });

  it('notes a notifier that failed while the ledger line was written', async () => {
    const { activities } = fakeActivities({
      overrides: { recordOutcome: async (input) => ({ ledgerPath: `${input.repoRoot}/.kaizen/ledger.jsonl`, notified: { delivered: [], failed: [{ id: 'log', error: 'stream closed' }] } }) },
    });
    const { result, progress } = await ts.withWorker(activities, async (taskQueue) => {
      const handle = await ts.env.client.workflow.start(improvement, { taskQueue, workflowId: `improvement-${++seq}`, args: [{ repoPath: FAKE_REPO }] });
      const result = await handle.result();
      return { result, progress: await handle.query(progressQuery) };
    });
    expect(result.outcome).toBe('applied');
    expect(progress.updates.map((u) => u.message).join('\n')).toContain('not delivered to log');
  });
});

describe('integration', () => {
  it('rebases and verifies again when the target branch moved, then lands', async () => {
    let integrations = 0;
    const { result, log } = await runImprovement({
      overrides: {
        integrate: async (input) => {
          integrations++;
          return integrations === 1
            ? { kind: 'target_moved', targetCommit: 'f00d000000000000000000000000000000000001', reason: 'main moved' }
            : { kind: 'applied', commit: input.commit, reason: 'fast-forwarded main' };
        },
      },
    });

    expect(log.names()).toEqual([
      ...UP_TO_VERIFY,
      'checkFindings',
      'integrate',
      'rebaseWorkspace',
      'runTests:verify',
      'checkFindings',
      'integrate',
      'removeWorkspace',
      'recordOutcome',
    ]);
    // The rebased commit is what gets proved and landed, on top of the moved base.
    expect(log.inputsOf('integrate').map((i) => i.commit)).toEqual([FAKE_COMMIT, FAKE_REBASED_COMMIT]);
    expect(log.inputsOf('runTests')[1]?.workspace.baseCommit).toBe('ba5e000000000000000000000000000000000002');
    expect(result).toMatchObject({ outcome: 'applied', commit: FAKE_REBASED_COMMIT });
  });

  it('rolls back when the rebase onto the moved target conflicts', async () => {
    const { result, log } = await runImprovement({
      overrides: {
        integrate: async () => ({ kind: 'target_moved', targetCommit: 'f00d000000000000000000000000000000000001', reason: 'main moved' }),
        rebaseWorkspace: async () => ({ ok: false, reason: 'conflict in src/a.js' }),
      },
    });

    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toContain('conflict in src/a.js');
    expect(log.count('integrate')).toBe(1);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
  });

  it('skips a change main already contains (another run landed the same fix) instead of rolling it back', async () => {
    const { result, log } = await runImprovement({
      overrides: {
        integrate: async () => ({ kind: 'target_moved', targetCommit: 'f00d000000000000000000000000000000000001', reason: 'main moved' }),
        rebaseWorkspace: async () => ({ ok: false, alreadyOnTarget: true, reason: 'main already contains this change' }),
      },
    });

    expect(result.outcome).toBe('skipped');
    expect(result.reason).toBe('already on main: main already contains this change');
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
  });

  it('gives up when the target keeps moving', async () => {
    const { result, log } = await runImprovement({
      overrides: { integrate: async () => ({ kind: 'target_moved', targetCommit: 'f00d000000000000000000000000000000000001', reason: 'main moved' }) },
    });

    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toContain('kept moving');
    expect(log.count('integrate')).toBe(3);
    expect(log.count('rebaseWorkspace')).toBe(2);
    expect(log.inputsOf('removeWorkspace')).toEqual([expect.objectContaining({ deleteBranch: true, deleteBackupRef: true })]);
  });
});
