// The undo workflow on the time-skipping server with fake activities: each planned change is
// reverted in its own worktree, tested, and fast-forwarded under the governor's merge lock,
// newest first; a conflict, a revert that breaks the tests and a change that never landed end
// cleanly with their worktree removed; every change gets a ledger line; a landed revert teaches
// the governor's learner a failure of the undone change's rule family and strategy.
import { describe, expect, it } from 'vitest';
import { governorStateQuery } from '../../src/contracts/governor.js';
import { governorWorkflowId } from '../../src/core/repository/key.js';
import type { UndoInput, UndoResult, UndoTarget } from '../../src/core/undo/types.js';
import type { KaizenActivities } from '../../src/activities/index.js';
import { undo } from '../../src/workflows/undo.js';
import { continuousFakes, until } from '../helpers/continuous.js';
import { FAKE_PULL_REQUEST, FAKE_REMOTE_TIP, FAKE_REPO, FAKE_REVERT_COMMIT, fakeActivities, greenRun, redRun, type CallLog } from '../helpers/fake-activities.js';
import { useTimeSkipping } from '../helpers/time-skipping.js';

const ts = useTimeSkipping();
let seq = 0;

function target(id: string, overrides: Partial<UndoTarget> = {}): UndoTarget {
  return { workflowId: id, commit: `${id.slice(-1)}`.repeat(40), timestamp: '2025-03-10T10:00:00.000Z', outcome: 'applied', mode: 'merge', strategy: 'autofix', file: 'src/a.js', family: 'no-var', branch: null, ...overrides };
}

const planned = (...targets: UndoTarget[]): Partial<KaizenActivities> => ({ planUndo: async () => ({ targets, skipped: [] }) });

async function runUndo(overrides: Partial<KaizenActivities>, input: Partial<UndoInput> = {}): Promise<{ result: UndoResult; log: CallLog }> {
  const { activities, log } = fakeActivities({ overrides });
  const result = await ts.withWorker(activities, (taskQueue) =>
    ts.env.client.workflow.execute(undo, { taskQueue, workflowId: `undo-${++seq}`, args: [{ repoPath: FAKE_REPO, governor: false, since: '2025-03-10T00:00:00.000Z', ...input }] }),
  );
  return { result, log };
}

const ONE = ['prepareWorkspace', 'revertChange', 'runTests:verify', 'integrate', 'removeWorkspace', 'recordUndo'];

describe('undoing landed changes', () => {
  it('reverts each change newest first, tests and fast-forwards each revert, and records both commits', async () => {
    const { result, log } = await runUndo(planned(target('improve-b'), target('improve-a')));
    expect(log.names()).toEqual(['locateRepo', 'planUndo', ...ONE, ...ONE]);
    expect(log.inputsOf('revertChange').map((i) => [i.commit, i.undoes])).toEqual([
      ['b'.repeat(40), 'improve-b'],
      ['a'.repeat(40), 'improve-a'],
    ]);
    expect(log.inputsOf('integrate').every((i) => i.mode === 'merge' && i.commit === FAKE_REVERT_COMMIT)).toBe(true);
    // Each revert in its own worktree; the landed one's branch is spent, its backup ref kept.
    const [first, second] = log.inputsOf('prepareWorkspace');
    expect(first?.runId).not.toBe(second?.runId);
    expect(log.inputsOf('removeWorkspace').map((i) => [i.deleteBranch, i.deleteBackupRef])).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(result.items).toEqual([
      expect.objectContaining({ undoes: 'improve-b', outcome: 'applied', commit: FAKE_REVERT_COMMIT, reason: `reverted as ${FAKE_REVERT_COMMIT.slice(0, 8)}, fast-forwarded main to it` }),
      expect.objectContaining({ undoes: 'improve-a', outcome: 'applied', commit: FAKE_REVERT_COMMIT }),
    ]);
    expect(log.inputsOf('recordUndo').map((i) => i.entry)).toEqual([
      expect.objectContaining({ kind: 'undo', workflowId: expect.stringMatching(/^undo-/), undoes: 'improve-b', undoneCommit: 'b'.repeat(40), outcome: 'applied', commit: FAKE_REVERT_COMMIT }),
      expect.objectContaining({ undoes: 'improve-a', outcome: 'applied' }),
    ]);
  });

  it('refuses a revert that conflicts: named, nothing tested or landed, its worktree and branch removed', async () => {
    const reason = 'reverting bbbbbbbb conflicts with later commits in src/a.js (changed since by eeeeeeee "rename"); nothing was changed: revert it by hand';
    const { result, log } = await runUndo({ ...planned(target('improve-b')), revertChange: async () => ({ kind: 'conflict', reason, files: ['src/a.js'] }) });
    expect(log.names()).toEqual(['locateRepo', 'planUndo', 'prepareWorkspace', 'revertChange', 'removeWorkspace', 'recordUndo']);
    expect(log.inputsOf('removeWorkspace')[0]).toMatchObject({ deleteBranch: true, deleteBackupRef: true });
    expect(result.items).toEqual([expect.objectContaining({ undoes: 'improve-b', outcome: 'failed', reason })]);
    expect(log.inputsOf('recordUndo')[0]?.entry).toMatchObject({ outcome: 'failed', commit: null, reason });
  });

  it('rolls back a revert that breaks the tests, and skips one when the tests were red already', async () => {
    const breaks = await runUndo({ ...planned(target('improve-b')), runTests: async (i) => (i.phase === 'verify' ? redRun('verify') : greenRun('baseline')) });
    expect(breaks.log.names()).toEqual(['locateRepo', 'planUndo', 'prepareWorkspace', 'revertChange', 'runTests:verify', 'resetWorkspace', 'runTests:baseline', 'removeWorkspace', 'recordUndo']);
    expect(breaks.result.items[0]).toMatchObject({ outcome: 'rolled_back', reason: expect.stringMatching(/^the revert breaks the tests \(npm test exited with 1\)/) });

    const red = await runUndo({ ...planned(target('improve-b')), runTests: async (i) => redRun(i.phase) });
    expect(red.result.items[0]).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/^tests are red before the undo too/) });
    expect(red.log.has('integrate')).toBe(false);
  });

  it('says a change that never reached the target branch has nothing to revert, and what to do instead', async () => {
    const proposed = target('improve-c', { outcome: 'proposed', mode: 'pr', branch: 'kaizen/c', pullRequest: { url: 'https://github.com/acme/app/pull/3', number: 3 } });
    const { result } = await runUndo({ ...planned(proposed), revertChange: async () => ({ kind: 'not_on_target', reason: 'commit cccccccc is not on main (ba5e0000)' }) });
    expect(result.items[0]).toMatchObject({ outcome: 'skipped' });
    expect(result.items[0]?.reason).toBe(
      'nothing landed to undo: commit cccccccc is not on main (ba5e0000); the change of improve-c only sits on its pull request https://github.com/acme/app/pull/3 (branch kaizen/c): close the pull request instead',
    );
  });

  it('leaves the revert on its branch when the checkout has uncommitted changes', async () => {
    const { result, log } = await runUndo({
      ...planned(target('improve-b')),
      integrate: async (i) => ({ kind: 'proposed', branch: i.workspace.branch, commit: i.commit, reason: `the checkout has uncommitted changes; left branch ${i.workspace.branch} for you to merge` }),
    });
    expect(result.items[0]).toMatchObject({ outcome: 'proposed', branch: expect.stringMatching(/^kaizen\/undo-/), commit: FAKE_REVERT_COMMIT });
    expect(log.inputsOf('removeWorkspace')[0]).toMatchObject({ deleteBranch: false });
  });

  it('ends with the reason when the ledger names no such change', async () => {
    const { result, log } = await runUndo({ planUndo: async () => ({ targets: [], skipped: [], problem: 'no improvement improve-zzz in this repository\'s ledger' }) }, { workflowId: 'improve-zzz' });
    expect(result).toMatchObject({ items: [], reason: "no improvement improve-zzz in this repository's ledger" });
    expect(log.names()).toEqual(['locateRepo', 'planUndo']);
  });
});

describe('the learner', () => {
  it('counts an undone change as a failure of its rule family and strategy, under the merge lock', async () => {
    const repo = '/repos/undo-learner';
    const { activities, log } = continuousFakes(ts.plainClient, { overrides: planned(target('improve-b', { family: 'prefer-const', strategy: 'llm' })) });
    const view = await ts.withWorker(activities, async (taskQueue) => {
      await ts.env.client.workflow.execute(undo, { taskQueue, workflowId: `undo-learn-${++seq}`, args: [{ repoPath: repo, workflowId: 'improve-b' }] });
      const handle = ts.plainClient.workflow.getHandle(governorWorkflowId(repo));
      return until(() => handle.query(governorStateQuery), (v) => v.strategies.some((s) => s.family === 'prefer-const'), 'the lesson');
    });
    expect(log.names()).toContain('integrate');
    expect(view.recent.at(-1)).toMatchObject({ outcome: 'rolled_back', reason: expect.stringMatching(/^undone: improve-b \(bbbbbbbb\) was reverted by undo-learn-/) });
    expect(view.strategies.find((s) => s.family === 'prefer-const')).toMatchObject({ strategy: 'llm', successes: 0, failures: 1 });
    expect(view.lock).toBeNull();
  });
});

describe('a change that came as a pull request', () => {
  const viaPr = target('improve-c', { outcome: 'proposed', mode: 'pr', branch: 'kaizen/c', pullRequest: { url: 'https://github.com/acme/app/pull/3', number: 3 } });

  it('is reverted on the remote target branch, tested, and opened as a revert pull request', async () => {
    const { result, log } = await runUndo(planned(viaPr));
    expect(log.names()).toEqual(['locateRepo', 'planUndo', 'prepareWorkspace', 'fetchRemoteTarget', 'resetWorkspace', 'revertChange', 'runTests:verify', 'pushBranch', 'openPullRequest', 'removeWorkspace', 'recordUndo']);
    // The revert is made on what the remote has, wherever the squash or merge put the change.
    expect(log.inputsOf('revertChange')[0]).toMatchObject({ commit: viaPr.commit, anywhere: true, workspace: { baseCommit: FAKE_REMOTE_TIP } });
    expect(log.inputsOf('pushBranch')[0]).toMatchObject({ commit: FAKE_REVERT_COMMIT, remote: 'origin', workspace: { baseCommit: FAKE_REMOTE_TIP, branch: expect.stringMatching(/^kaizen\/undo-/) } });
    expect(log.inputsOf('openPullRequest')[0]?.facts).toMatchObject({ commit: FAKE_REVERT_COMMIT, reverts: { workflowId: 'improve-c', commit: viaPr.commit, pullRequest: viaPr.pullRequest }, testsAfter: { passed: true } });
    expect(log.has('integrate')).toBe(false);
    // The revert's branch is the pull request's head: it stays.
    expect(log.inputsOf('removeWorkspace')[0]).toMatchObject({ deleteBranch: false });
    expect(result.items[0]).toMatchObject({ outcome: 'proposed', commit: FAKE_REVERT_COMMIT, pullRequest: { url: FAKE_PULL_REQUEST.url, number: 7 }, reason: expect.stringMatching(/^opened revert pull request #7/) });
    expect(log.inputsOf('recordUndo')[0]?.entry).toMatchObject({ outcome: 'proposed', pullRequest: FAKE_PULL_REQUEST });
  });

  it('has nothing to revert when its pull request was never merged', async () => {
    const { result, log } = await runUndo({ ...planned(viaPr), revertChange: async () => ({ kind: 'already_undone', reason: 'main no longer has the change' }) });
    expect(result.items[0]?.reason).toBe(
      'nothing landed to undo: origin/main does not have its change (not merged, or reverted since); the change of improve-c only sits on its pull request https://github.com/acme/app/pull/3 (branch kaizen/c): close the pull request instead',
    );
    expect(log.has('pushBranch')).toBe(false);
    expect(log.inputsOf('removeWorkspace')[0]).toMatchObject({ deleteBranch: true });
  });
});
