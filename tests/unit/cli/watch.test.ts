import { describe, expect, it } from 'vitest';
import { newUpdates, watchProgress, type WatchIo } from '../../../src/cli/watch.js';
import type { ImprovementResult, StepName } from '../../../src/core/types.js';
import type { Progress, ProgressUpdate } from '../../../src/core/improvement/progress.js';

const update = (second: number, step: StepName | 'done', message: string): ProgressUpdate => ({ at: `2025-03-10T12:00:${String(second).padStart(2, '0')}.000Z`, step, message });

const result: ImprovementResult = {
  workflowId: 'w1',
  runId: 'r1',
  repo: '/repo',
  file: 'src/a.js',
  strategy: 'autofix',
  mode: 'branch',
  outcome: 'rolled_back',
  reason: 'cancelled during verify; the change was rolled back',
  findingsFixed: 0,
  fixedRules: [],
  linesAdded: 1,
  linesRemoved: 1,
  steps: [],
  startedAt: '2025-03-10T12:00:00.000Z',
  finishedAt: '2025-03-10T12:00:09.000Z',
};

const u1 = update(1, 'prepare', 'worktree ready');
const u2 = update(3, 'analyse', '4 findings in src/a.js');
const u3 = update(5, 'verify', 'running npm test');
const u4 = update(9, 'done', 'rolled_back: cancelled during verify');

function progress(step: StepName | 'done', percent: number, updates: ProgressUpdate[], extra: Partial<Progress> = {}): Progress {
  return { workflowId: 'w1', step, percent, paused: false, updates, ...extra };
}

/** Scripted polls; `undefined` is a poll that got no answer. */
const SEQUENCE: (Progress | undefined)[] = [
  progress('prepare', 0, [u1]),
  progress('prepare', 0, [u1]),
  undefined,
  progress('analyse', 13, [u1, u2]),
  progress('verify', 63, [u1, u2, u3], { paused: true, pausedAt: 'integrate' }),
  progress('verify', 63, [u1, u2, u3], { paused: true, pausedAt: 'integrate' }),
  progress('done', 100, [u1, u2, u3, u4], { result }),
];

function fakeIo(tty: boolean, sequence = SEQUENCE) {
  let clock = 0;
  let polls = 0;
  const out: string[] = [];
  const sleeps: number[] = [];
  const io: WatchIo = {
    poll: async () => sequence[polls++],
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    write: (text) => out.push(text),
    tty,
  };
  return { io, out, sleeps, polls: () => polls };
}

describe('watchProgress', () => {
  it('prints each update once as plain lines when stdout is not a terminal, and returns the outcome', async () => {
    const fake = fakeIo(false);
    await expect(watchProgress(fake.io)).resolves.toBe(result);
    const text = fake.out.join('');
    expect(text).not.toMatch(/\r|\x1b/);
    expect(text.split('\n').filter(Boolean)).toEqual([
      '  12:00:01  [prepare] worktree ready',
      '  12:00:03  [analyse] 4 findings in src/a.js',
      '  12:00:05  [verify] running npm test',
      '  paused before integrate (kaizen resume w1)',
      '  12:00:09  [done] rolled_back: cancelled during verify',
    ]);
    expect(fake.polls()).toBe(SEQUENCE.length);
    expect(fake.sleeps).toEqual(Array(SEQUENCE.length - 1).fill(1000));
  });

  it('redraws one progress-bar line on a terminal and clears it before printing updates', async () => {
    const fake = fakeIo(true);
    await watchProgress(fake.io);
    const text = fake.out.join('');
    const bars = fake.out.filter((s) => s.startsWith('\r\x1b[2K['));
    expect(bars).toHaveLength(5); // one per answered poll without a result
    expect(bars[0]).toBe('\r\x1b[2K[------------------------]   0%  prepare  0ms');
    expect(bars[2]).toContain('[###---------------------]  13%  analyse  3.0s');
    expect(bars[3]).toContain(' 63%  verify  paused before integrate (kaizen resume w1)');
    // Every update line starts on a cleared line, never glued to the bar.
    expect(text).toContain('\r\x1b[2K  12:00:05  [verify] running npm test\n');
    expect(text.endsWith('  12:00:09  [done] rolled_back: cancelled during verify\n')).toBe(true);
    expect(text.match(/\[verify\] running npm test/g)).toHaveLength(1);
  });

  it('returns at once for a run that already ended, and keeps polling through unanswered polls', async () => {
    const fake = fakeIo(false, [undefined, undefined, progress('done', 100, [u4], { result: { ...result, outcome: 'failed' } })]);
    await expect(watchProgress(fake.io)).resolves.toMatchObject({ outcome: 'failed' });
    expect(fake.sleeps).toHaveLength(2);
  });
});

describe('newUpdates', () => {
  it('prints what follows the last printed update, or everything when it scrolled out of the capped list', () => {
    const key = (u: ProgressUpdate) => `${u.at}\u0000${u.step}\u0000${u.message}`;
    expect(newUpdates([u1, u2, u3], undefined)).toEqual([u1, u2, u3]);
    expect(newUpdates([u1, u2, u3], key(u1))).toEqual([u2, u3]);
    expect(newUpdates([u1, u2, u3], key(u3))).toEqual([]);
    expect(newUpdates([u3, u4], key(u1))).toEqual([u3, u4]);
  });
});
