import { describe, expect, it } from 'vitest';
import { DAY_MS, type BudgetLimits } from '../../../src/core/governor/budget.js';
import type { SlotRequest } from '../../../src/core/governor/protocol.js';
import { handlePullRequestEnded, handlePullRequestOpened, type OpenPullRequest } from '../../../src/core/governor/pull-requests.js';
import { governorView, handleSlotFinished, handleSlotRequest, initialState, normaliseState, pruneState } from '../../../src/core/governor/state.js';
import { seededRandom } from '../../../src/core/governor/learner.js';

const T0 = Date.parse('2026-12-01T00:00:00Z');
const LIMITS: BudgetLimits = { maxPerDay: 50, maxPerFilePerDay: 10, minIntervalMinutes: 0, maxConcurrent: 10, maxOpenPullRequests: 2 };
const random = seededRandom(3);

function request(workflowId: string, overrides: Partial<SlotRequest> = {}): SlotRequest {
  return { workflowId, requestedBy: 'cycle-1', file: 'src/a.js', family: 'no-var', fixable: true, strategies: ['autofix'], limits: LIMITS, enforceBudget: true, leaseMs: DAY_MS, ...overrides };
}

function opened(n: number, file = `src/${n}.js`): OpenPullRequest {
  return { followId: `kaizen-pr-r-${n}`, number: n, url: `https://forge/pull/${n}`, file, family: 'no-var', strategy: 'autofix', openedAt: T0, expiresAt: T0 + 15 * DAY_MS };
}

describe('open pull requests in the governor', () => {
  it('holds new governed runs back while budget.maxOpenPullRequests are open, saying which; a manual run still starts', () => {
    let s = handlePullRequestOpened(initialState('/r'), opened(1));
    s = handlePullRequestOpened(s, opened(2));
    s = handlePullRequestOpened(s, opened(2));
    expect(s.pullRequests).toHaveLength(2);
    const { answer: refused, state: asked } = handleSlotRequest(s, request('w1'), T0, random);
    expect(refused).toMatchObject({ granted: false, kind: 'pull_requests', reason: expect.stringContaining('2 of Kaizen\'s pull requests are open (#1, #2); budget.maxOpenPullRequests is 2') });
    expect(governorView(asked, T0).budget.nextSlotReason).toContain('budget.maxOpenPullRequests');
    expect(handleSlotRequest(s, request('m1', { enforceBudget: false }), T0, random).answer).toMatchObject({ granted: true });

    const merged = handlePullRequestEnded(s, { followId: 'kaizen-pr-r-1', number: 1, file: 'src/1.js', family: 'no-var', strategy: 'autofix', review: 'merged' });
    expect(handleSlotRequest(merged, request('w1'), T0, random).answer).toMatchObject({ granted: true });
    expect(merged.stats['no-var']?.autofix).toEqual({ successes: 1, failures: 0 });
  });

  it('counts running pr-mode runs as pull requests to come, until their pull request is followed', () => {
    let s = handleSlotRequest(initialState('/r'), request('w1', { opensPullRequest: true }), T0, random).state;
    s = handleSlotRequest(s, request('w2', { file: 'src/b.js' }), T0, random).state;
    expect(handleSlotRequest(s, request('w3', { file: 'src/c.js' }), T0, random).answer).toMatchObject({ granted: true });
    s = handleSlotRequest(s, request('w4', { file: 'src/d.js', opensPullRequest: true }), T0, random).state;
    expect(handleSlotRequest(s, request('w5', { file: 'src/e.js' }), T0, random).answer).toMatchObject({
      granted: false,
      kind: 'pull_requests',
      reason: expect.stringContaining("0 of Kaizen's pull requests are open and 2 running pr-mode runs will open more"),
    });
    // w1's pull request is now followed: it is counted once, not twice.
    s = handlePullRequestOpened(s, { ...opened(1), improvementWorkflowId: 'w1' });
    expect(handleSlotRequest(s, request('w5', { file: 'src/e.js' }), T0, random).answer).toMatchObject({ granted: false, reason: expect.stringContaining('1 of Kaizen\'s pull requests is open (#1) and 1 running pr-mode run will open more') });
  });

  it('learns nothing from opening a pull request: its merge or close teaches the learner', () => {
    let s = handleSlotRequest(initialState('/r'), request('w1', { opensPullRequest: true }), T0, random).state;
    s = handleSlotFinished(s, { workflowId: 'w1', outcome: 'proposed', reason: 'opened #1', strategy: 'autofix', file: 'src/a.js', family: 'no-var' }, T0).state;
    expect(s.stats).toEqual({});
    expect(s.totals.proposed).toBe(1);
    s = handlePullRequestEnded(s, { followId: 'kaizen-pr-r-1', number: 1, file: 'src/a.js', family: 'no-var', strategy: 'autofix', review: 'closed', cooldownUntil: T0 + DAY_MS });
    expect(s.stats['no-var']?.autofix).toEqual({ successes: 0, failures: 1 });
    // A branch-mode proposal is still a success when it ends.
    const branch = handleSlotFinished(handleSlotRequest(initialState('/r'), request('w2'), T0, random).state, { workflowId: 'w2', outcome: 'proposed', reason: 'left for review', strategy: 'autofix', file: 'src/a.js', family: 'no-var' }, T0).state;
    expect(branch.stats['no-var']?.autofix).toEqual({ successes: 1, failures: 0 });
  });

  it('learns a failure from a close by a person and cools that file and rule down until forge.cooldownAfterClose has passed', () => {
    let s = handlePullRequestOpened(initialState('/r'), opened(1, 'src/a.js'));
    const until = T0 + 14 * DAY_MS;
    s = handlePullRequestEnded(s, { followId: 'kaizen-pr-r-1', number: 1, file: 'src/a.js', family: 'no-var', strategy: 'autofix', review: 'closed', cooldownUntil: until });
    expect(s.stats['no-var']?.autofix).toEqual({ successes: 0, failures: 1 });
    expect(s.pullRequests).toEqual([]);
    // A repeated report (a retried signal) changes nothing.
    expect(handlePullRequestEnded(s, { followId: 'kaizen-pr-r-1', number: 1, file: 'src/a.js', family: 'no-var', strategy: 'autofix', review: 'closed', cooldownUntil: until })).toBe(s);

    const cooled = handleSlotRequest(s, request('w1'), T0 + DAY_MS, random).answer;
    expect(cooled).toMatchObject({ granted: false, kind: 'cooldown', reason: expect.stringContaining('a person closed pull request #1 on src/a.js for no-var') });
    expect(handleSlotRequest(s, request('w2', { family: 'eqeqeq' }), T0 + DAY_MS, random).answer).toMatchObject({ granted: true });
    expect(handleSlotRequest(s, request('w3', { file: 'src/b.js' }), T0 + DAY_MS, random).answer).toMatchObject({ granted: true });
    expect(handleSlotRequest(s, request('w4'), until + 1, random).answer).toMatchObject({ granted: true });
    expect(pruneState(s, until + 1).cooldowns).toEqual([]);
  });

  it('learns a failure, without a cooldown, from a change that failed Kaizen\'s verify after a rebase; a rebase conflict teaches nothing', () => {
    const s = handlePullRequestOpened(initialState('/r'), opened(1));
    const red = handlePullRequestEnded(s, { followId: 'kaizen-pr-r-1', number: 1, file: 'src/1.js', family: 'no-var', strategy: 'autofix', review: 'verify_failed' });
    expect(red.stats['no-var']?.autofix).toEqual({ successes: 0, failures: 1 });
    expect(red.pullRequests).toEqual([]);
    expect(red.cooldowns ?? []).toEqual([]);
    const conflict = handlePullRequestEnded(s, { followId: 'kaizen-pr-r-1', number: 1, file: 'src/1.js', family: 'no-var', strategy: 'autofix', review: 'conflict' });
    expect(conflict.stats).toEqual({});
    expect(conflict.pullRequests).toEqual([]);
  });

  it('teaches nothing from a stale or taken-over pull request, and forgets an open one whose follower vanished', () => {
    const s = handlePullRequestOpened(initialState('/r'), opened(1));
    const stale = handlePullRequestEnded(s, { followId: 'kaizen-pr-r-1', number: 1, file: 'src/1.js', family: 'no-var', strategy: 'autofix', review: 'stale' });
    expect(stale.stats).toEqual({});
    expect(stale.cooldowns).toBeUndefined();
    expect(pruneState(s, T0 + 16 * DAY_MS).pullRequests).toEqual([]);
  });

  it('hands open pull requests and cooldowns on through continue-as-new', () => {
    const s = handlePullRequestEnded(handlePullRequestOpened(handlePullRequestOpened(initialState('/r'), opened(1)), opened(2)), {
      followId: 'kaizen-pr-r-1', number: 1, file: 'src/1.js', family: null, strategy: 'llm', review: 'closed', cooldownUntil: T0 + DAY_MS,
    });
    const again = normaliseState(JSON.parse(JSON.stringify(s)), '/r');
    expect(again.pullRequests?.map((p) => p.number)).toEqual([2]);
    expect(again.cooldowns).toEqual([{ file: 'src/1.js', family: null, until: T0 + DAY_MS, number: 1 }]);
    expect(handleSlotRequest(again, request('w1', { file: 'src/1.js', family: 'eqeqeq' }), T0, random).answer).toMatchObject({ granted: false, kind: 'cooldown' });
  });
});
