import { describe, expect, it } from 'vitest';
import { decideFollow, reviewOutcome, type FollowFacts } from '../../../src/core/forge/follow.js';
import type { PullRequestInfo } from '../../../src/core/forge/types.js';

const SHA = 'a'.repeat(40);
const DAY = 86_400_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');

function facts(info: Partial<PullRequestInfo> = {}, overrides: Partial<FollowFacts> = {}): FollowFacts {
  return {
    info: {
      number: 7,
      url: 'https://github.com/acme/shop/pull/7',
      status: 'open',
      title: 'fix',
      draft: false,
      headBranch: 'kaizen/x',
      headSha: SHA,
      baseBranch: 'main',
      labels: ['kaizen'],
      mergeable: true,
      checks: 'success',
      failedChecks: [],
      ...info,
    },
    verifiedSha: SHA,
    openedAt: T0,
    now: T0 + DAY,
    settings: { autoMerge: true, mergeMethod: 'squash', staleAfterMs: 14 * DAY },
    ...overrides,
  };
}

describe('following a pull request', () => {
  it('merges at the verified commit only when every check is green and the forge says it merges cleanly', () => {
    expect(decideFollow(facts())).toEqual({ kind: 'merge', method: 'squash', sha: SHA });
    expect(decideFollow(facts({ checks: 'pending' }))).toMatchObject({ kind: 'wait' });
    expect(decideFollow(facts({ checks: 'none' }))).toMatchObject({ kind: 'wait', why: expect.stringContaining('none yet') });
    expect(decideFollow(facts({ mergeable: null }))).toMatchObject({ kind: 'wait', why: expect.stringContaining('mergeability') });
  });

  it('never merges without forge.autoMerge, but still closes on a red check', () => {
    const manual = { settings: { autoMerge: false, mergeMethod: 'merge' as const, staleAfterMs: 14 * DAY } };
    expect(decideFollow(facts({}, manual))).toMatchObject({ kind: 'wait', why: expect.stringContaining('autoMerge is off') });
    expect(decideFollow(facts({ checks: 'failure', failedChecks: ['ci/test'] }, manual))).toMatchObject({ kind: 'close', review: 'checks_failed' });
  });

  it('closes on a red check with a comment naming the failed checks; that counts as rolled back', () => {
    const decision = decideFollow(facts({ checks: 'failure', failedChecks: ['ci/test', 'lint'] }));
    expect(decision).toMatchObject({ kind: 'close', review: 'checks_failed', comment: expect.stringContaining('ci/test, lint failed') });
    expect(reviewOutcome('checks_failed')).toBe('rolled_back');
  });

  it('records a merge or a close by someone else, and a close without merge is a failure for the learner', () => {
    expect(decideFollow(facts({ status: 'merged' }))).toMatchObject({ kind: 'ended', review: 'merged' });
    expect(decideFollow(facts({ status: 'closed', checks: 'failure' }))).toMatchObject({ kind: 'ended', review: 'closed' });
    expect(reviewOutcome('merged')).toBe('applied');
    expect(reviewOutcome('closed')).toBe('rolled_back');
    expect(reviewOutcome('stale')).toBeNull();
    expect(reviewOutcome('taken_over')).toBeNull();
  });

  it('stops touching a pull request a person pushed to, even with red checks', () => {
    const decision = decideFollow(facts({ headSha: 'b'.repeat(40), checks: 'failure' }));
    expect(decision).toMatchObject({ kind: 'ended', review: 'taken_over', reason: expect.stringContaining('Kaizen no longer touches pull request #7') });
  });

  it('closes a pull request open longer than forge.staleAfter, and one that conflicts, saying why', () => {
    expect(decideFollow(facts({ checks: 'pending' }, { now: T0 + 14 * DAY }))).toMatchObject({ kind: 'close', review: 'stale', comment: expect.stringContaining('open for 14 days') });
    expect(decideFollow(facts({ checks: 'pending' }, { now: T0 + 14 * DAY - 1 }))).toMatchObject({ kind: 'wait' });
    expect(decideFollow(facts({ mergeable: false }))).toMatchObject({ kind: 'close', review: 'conflict', comment: expect.stringContaining('conflicts with main') });
  });

  describe('with rebasing on (forge histories from before close a conflicting one)', () => {
    const BASE = 'c'.repeat(40);
    const MOVED = 'd'.repeat(40);
    const rebase = (info: Partial<PullRequestInfo>, extra: Partial<FollowFacts> = {}, autoMerge = true) =>
      decideFollow(facts(info, { settings: { autoMerge, mergeMethod: 'squash', staleAfterMs: 14 * DAY, rebase: true }, verifiedBase: BASE, ...extra }));

    it('rebases when the target moved past the verified base, with or without autoMerge, before merging', () => {
      expect(rebase({}, { targetSha: MOVED })).toEqual({ kind: 'rebase', why: `main moved from ${BASE.slice(0, 8)} to ${MOVED.slice(0, 8)}` });
      expect(rebase({ checks: 'pending' }, { targetSha: MOVED }, false)).toMatchObject({ kind: 'rebase' });
      expect(rebase({}, { targetSha: BASE })).toMatchObject({ kind: 'merge' });
      // Where the target is could not be asked: nothing to rebase for.
      expect(rebase({}, { targetSha: null })).toMatchObject({ kind: 'merge' });
    });

    it('rebases a conflicting pull request instead of closing it, and waits while git sees the target unmoved', () => {
      expect(rebase({ mergeable: false }, { targetSha: MOVED })).toMatchObject({ kind: 'rebase', why: expect.stringContaining('conflicts with main') });
      expect(rebase({ mergeable: false }, { targetSha: null })).toMatchObject({ kind: 'rebase', why: 'it conflicts with main' });
      expect(rebase({ mergeable: false }, { targetSha: BASE })).toMatchObject({ kind: 'wait', why: expect.stringContaining('has not moved') });
    });

    it('never rebases what is not Kaizen\'s to rebase: red checks close, a person\'s push hands off', () => {
      expect(rebase({ checks: 'failure', failedChecks: ['ci'] }, { targetSha: MOVED })).toMatchObject({ kind: 'close', review: 'checks_failed' });
      expect(rebase({ headSha: 'b'.repeat(40) }, { targetSha: MOVED })).toMatchObject({ kind: 'ended', review: 'taken_over' });
    });

    it('waits while the forge still shows the commit the rebase replaced', () => {
      const old = 'e'.repeat(40);
      expect(rebase({ headSha: old }, { earlierCommits: [old], targetSha: BASE })).toMatchObject({ kind: 'wait', why: expect.stringContaining('rebased') });
    });

    it('counts a change that fails verify after the rebase as rolled back', () => {
      expect(reviewOutcome('verify_failed')).toBe('rolled_back');
      expect(reviewOutcome('conflict')).toBeNull();
    });
  });
});
