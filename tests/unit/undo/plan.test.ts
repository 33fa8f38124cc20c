// Which changes `kaizen undo` reverts, as the ledger says; its revert message, conflict reason
// and ledger line; and that the ledger reads its undo lines back.
import { describe, expect, it } from 'vitest';
import { formatLedgerLine, parseLedger } from '../../../src/core/ledger/ledger.js';
import { conflictReason, overallOutcome, planUndo, revertMessage, undoEntry } from '../../../src/core/undo/plan.js';
import type { UndoEntry } from '../../../src/core/undo/types.js';
import { formatUndo, formatUndoProgress, undoWorkflowId } from '../../../src/cli/undo.js';
import { formatLogWithUndos } from '../../../src/cli/log.js';
import { ledgerEntry } from '../../helpers/ledger-fixture.js';

const A = ledgerEntry({ workflowId: 'improve-a', timestamp: '2025-03-10T09:00:00.000Z', outcome: 'applied', mode: 'merge', commit: 'a'.repeat(40), branch: null, fixedRules: ['no-var'] });
const B = ledgerEntry({ workflowId: 'improve-b', timestamp: '2025-03-10T10:00:00.000Z', outcome: 'applied', mode: 'merge', commit: 'b'.repeat(40), branch: null, family: 'ruff:E711', fixedRules: ['E711'] });
const SKIPPED = ledgerEntry({ workflowId: 'improve-s', timestamp: '2025-03-10T10:30:00.000Z', outcome: 'skipped', commit: null, branch: null, reason: 'no findings' });
const C = ledgerEntry({ workflowId: 'improve-c', timestamp: '2025-03-10T11:00:00.000Z', outcome: 'proposed', mode: 'pr', commit: 'c'.repeat(40), branch: 'kaizen/c', pullRequest: { url: 'https://github.com/acme/app/pull/3', number: 3 } });
const LEDGER = [A, B, SKIPPED, C];

function undone(undoes: string, outcome: UndoEntry['outcome'] = 'applied'): UndoEntry {
  return undoEntry({ undoes, undoneCommit: null, outcome, reason: 'reverted', commit: 'd'.repeat(40) }, 'kaizen-undo-x', '/repo/app', '2025-03-10T12:00:00.000Z');
}

describe('planning an undo from the ledger', () => {
  it('takes one improvement by its workflow id, with what the learner needs', () => {
    const plan = planUndo(LEDGER, [], { workflowId: 'improve-b' });
    expect(plan.skipped).toEqual([]);
    expect(plan.targets).toEqual([expect.objectContaining({ workflowId: 'improve-b', commit: B.commit, outcome: 'applied', strategy: 'autofix', family: 'ruff:E711', file: 'src/a.js' })]);
    // Lines written before `family` existed: the first fixed rule.
    expect(planUndo(LEDGER, [], { workflowId: 'improve-a' }).targets[0]?.family).toBe('no-var');
  });

  it('takes every change in a window, newest first, and not the runs that changed nothing', () => {
    const plan = planUndo(LEDGER, [], { since: new Date('2025-03-10T09:30:00.000Z') });
    expect(plan.targets.map((t) => t.workflowId)).toEqual(['improve-c', 'improve-b']);
    expect(plan.targets[0]?.pullRequest).toEqual(C.pullRequest);
    expect(plan.problem).toBeUndefined();
  });

  it('skips changes an earlier undo reverted or whose revert waits, but not ones an undo failed to revert', () => {
    const undos = [undone('improve-b'), undone('improve-c', 'proposed'), undone('improve-a', 'failed')];
    const plan = planUndo(LEDGER, undos, { since: new Date('2025-03-10T00:00:00.000Z') });
    expect(plan.targets.map((t) => t.workflowId)).toEqual(['improve-a']);
    expect(plan.skipped.map((s) => [s.undoes, s.outcome])).toEqual([
      ['improve-c', 'skipped'],
      ['improve-b', 'skipped'],
    ]);
    expect(plan.skipped[1]?.reason).toBe('already undone by kaizen-undo-x (reverted by dddddddd)');
    expect(planUndo(LEDGER, undos, { workflowId: 'improve-b' })).toEqual({ targets: [], skipped: [expect.objectContaining({ reason: expect.stringMatching(/^already undone/) })] });
  });

  it('says what is wrong when the id is unknown, the run changed nothing, or the window is empty', () => {
    expect(planUndo(LEDGER, [], { workflowId: 'improve-zzz' }).problem).toBe("no improvement improve-zzz in this repository's ledger; 'kaizen log' lists the ids of its changes");
    expect(planUndo(LEDGER, [], { workflowId: 'improve-s' }).skipped[0]?.reason).toBe('nothing to undo: improve-s ended skipped and changed nothing');
    expect(planUndo(LEDGER, [], { since: new Date('2025-03-11T00:00:00.000Z') }).problem).toMatch(/^Kaizen recorded no change since 2025-03-11T00:00:00.000Z/);
  });
});

describe('the words of a revert', () => {
  it('names the reverted commit and both runs in the commit message', () => {
    expect(revertMessage({ subject: 'kaizen: fix no-var in src/a.js', commit: A.commit as string, undoes: 'improve-a', undoWorkflowId: 'kaizen-undo-improve-a' })).toBe(
      `Revert "kaizen: fix no-var in src/a.js"\n\nThis reverts commit ${A.commit}, landed by Kaizen run improve-a.\n\nKaizen-Undo: kaizen-undo-improve-a\nKaizen-Undoes: improve-a`,
    );
  });

  it('names the conflicting files and the later commits that changed them', () => {
    const reason = conflictReason('a'.repeat(40), ['src/a.js'], [{ commit: 'e'.repeat(40), subject: 'rename add to sum' }]);
    expect(reason).toBe('reverting aaaaaaaa conflicts with later commits in src/a.js (changed since by eeeeeeee "rename add to sum"); nothing was changed: revert it by hand (git revert aaaaaaaa) and resolve the conflict');
  });

  it('sums a run up in one outcome: a failure first, then the best that happened', () => {
    const item = (outcome: UndoEntry['outcome']) => ({ undoes: 'x', undoneCommit: null, outcome, reason: '' });
    expect(overallOutcome([item('applied'), item('skipped')])).toBe('applied');
    expect(overallOutcome([item('applied'), item('failed')])).toBe('failed');
    expect(overallOutcome([])).toBe('skipped');
  });
});

describe('undo lines in the ledger and the log', () => {
  it('reads undo lines back apart from improvements, and shows them in time order', () => {
    const line = undone('improve-b');
    const parsed = parseLedger(LEDGER.map(formatLedgerLine).join('') + formatLedgerLine(line));
    expect(parsed.entries).toHaveLength(4);
    expect(parsed.undos).toEqual([line]);
    expect(parsed.otherKinds).toEqual({});
    const lines = formatLogWithUndos([A, B], [{ ...line, timestamp: '2025-03-10T09:30:00.000Z' }]);
    expect(lines[1]).toBe(`2025-03-10 09:30  applied      undo improve-b  reverted  revert dddddddddddd`);
    expect(lines[2]).toContain(`id improve-b`);
  });

  it('prints each change of an undo run with its reason and revert commit', () => {
    const text = formatUndo({ workflowId: 'kaizen-undo-improve-b', repo: '/repo/app', startedAt: '', finishedAt: '', items: [{ undoes: 'improve-b', undoneCommit: B.commit, outcome: 'applied', reason: 'reverted as dddddddd', commit: 'd'.repeat(40) }] });
    expect(text).toBe(`✔ applied: undo improve-b (bbbbbbbbbbbb)\n  reverted as dddddddd\n  revert commit dddddddddddd`);
    expect(undoWorkflowId({ repoPath: '/r/app', workflowId: 'improve-app-1' }, new Date(0))).toBe('kaizen-undo-improve-app-1');
    const item = { undoes: 'improve-b', undoneCommit: null, outcome: 'failed' as const, reason: 'reverting bbbbbbbb conflicts' };
    expect(formatUndoProgress('RUNNING', { current: 'testing the revert', items: [item], notes: [] })).toBe('running: testing the revert\n✘ failed: undo improve-b\n  reverting bbbbbbbb conflicts');
    expect(formatUndoProgress('RUNNING', undefined)).toMatch(/^running: no worker answered/);
    expect(undoWorkflowId({ repoPath: '/r/my app', since: '2025-03-10T00:00:00.000Z' }, new Date(36))).toBe('kaizen-undo-my_app-since-10');
  });
});
