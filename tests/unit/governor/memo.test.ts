import { describe, expect, it } from 'vitest';
import { GOVERNOR_MEMO_KEY, governorMemo, memoChanged, readGovernorMemo } from '../../../src/core/governor/memo.js';
import { governorView, initialState, setPaused } from '../../../src/core/governor/state.js';

const T0 = Date.parse('2025-03-01T00:00:00Z');

describe('the governor memo', () => {
  it('holds the pause, budget and lock of the view, and changes only when they do, not with the clock', () => {
    const state = initialState('/r');
    const first = governorMemo(governorView(state, T0));
    expect(first).toMatchObject({ paused: null, lockHolder: null, budget: { last24h: 0, running: 0, nextSlotAt: null, nextSlotReason: null } });
    expect(memoChanged(first, governorMemo(governorView(state, T0 + 60_000)))).toBe(false);
    const paused = setPaused(state, true, { by: 'ops', reason: 'freeze' }, T0).state;
    const memo = governorMemo(governorView(paused, T0 + 1));
    expect(memo.paused).toEqual({ by: 'ops', since: new Date(T0).toISOString(), reason: 'freeze' });
    expect(memoChanged(first, memo)).toBe(true);
    expect(memoChanged(undefined, memo)).toBe(true);
  });

  it('reads back only a memo of its own shape', () => {
    const memo = governorMemo(governorView(initialState('/r'), T0));
    expect(readGovernorMemo({ [GOVERNOR_MEMO_KEY]: memo })).toEqual(memo);
    expect(readGovernorMemo(undefined)).toBeUndefined();
    expect(readGovernorMemo({ [GOVERNOR_MEMO_KEY]: 'garbage' })).toBeUndefined();
    expect(readGovernorMemo({ [GOVERNOR_MEMO_KEY]: { at: 'x' } })).toBeUndefined();
  });
});
