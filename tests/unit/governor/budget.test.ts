import { describe, expect, it } from 'vitest';
import { DAY_MS, decideMergeLock, decideSlot, MINUTE_MS, type ActiveSlot, type BudgetLimits, type Landing } from '../../../src/core/governor/budget.js';

const LIMITS: BudgetLimits = { maxPerDay: 5, maxPerFilePerDay: 2, minIntervalMinutes: 60, maxConcurrent: 3 };
const T0 = Date.parse('2025-03-01T00:00:00Z');
const HOUR = 60 * MINUTE_MS;

function landing(at: number, file: string | null = 'src/a.js', id = `w${at}`): Landing {
  return { at, file, workflowId: id, outcome: 'applied' };
}

function slot(grantedAt: number, file: string | null = 'src/b.js', landed = false): ActiveSlot {
  return { workflowId: `s${grantedAt}${file}`, file, grantedAt, expiresAt: grantedAt + DAY_MS, landed };
}

describe('the daily budget (rolling 24 h)', () => {
  const five = [0, 2, 4, 6, 8].map((h) => landing(T0 + h * HOUR, `f${h}.js`));

  it('refuses a sixth change within 24 h and names when the oldest leaves the window', () => {
    const now = T0 + 10 * HOUR;
    const d = decideSlot({ now, limits: LIMITS, landings: five, active: [], file: 'x.js' });
    expect(d).toMatchObject({ ok: false, kind: 'daily', nextSlotAt: T0 + DAY_MS });
    expect(d.ok ? '' : d.reason).toMatch(/5 of 5 changes in the last 24 h; next slot at 2025-03-02T00:00:00.000Z/);
  });

  it('is a rolling window, not a calendar day: the slot frees exactly 24 h after the oldest', () => {
    expect(decideSlot({ now: T0 + DAY_MS - 1, limits: LIMITS, landings: five, active: [], file: 'x.js' }).ok).toBe(false);
    expect(decideSlot({ now: T0 + DAY_MS, limits: LIMITS, landings: five, active: [], file: 'x.js' }).ok).toBe(true);
  });

  it('counts running improvements as if they will land, and then needs more landings to age out', () => {
    const three = five.slice(0, 3);
    const running = [slot(T0 + 5 * HOUR, 'r1.js'), slot(T0 + 5 * HOUR + 1, 'r2.js')];
    const d = decideSlot({ now: T0 + 10 * HOUR, limits: LIMITS, landings: three, active: running, file: 'x.js' });
    // 3 landed + 2 running = 5: the first landing must leave the window.
    expect(d).toMatchObject({ ok: false, kind: 'daily', nextSlotAt: T0 + DAY_MS });
  });

  it('has no next slot time when the running improvements alone fill the budget', () => {
    const running = [1, 2, 3].map((i) => slot(T0 + i, `r${i}.js`));
    const d = decideSlot({ now: T0 + 10 * HOUR, limits: { ...LIMITS, maxPerDay: 3, maxConcurrent: 9 }, landings: [], active: running, file: 'x.js' });
    expect(d).toMatchObject({ ok: false, kind: 'daily', nextSlotAt: null });
  });
});

describe('the minimum interval', () => {
  it('spaces a change from the last landing', () => {
    const d = decideSlot({ now: T0 + 30 * MINUTE_MS, limits: LIMITS, landings: [landing(T0)], active: [], file: 'x.js' });
    expect(d).toMatchObject({ ok: false, kind: 'interval', nextSlotAt: T0 + HOUR });
    expect(decideSlot({ now: T0 + HOUR, limits: LIMITS, landings: [landing(T0)], active: [], file: 'x.js' }).ok).toBe(true);
  });

  it('spaces a change from the last grant that is still running', () => {
    const d = decideSlot({ now: T0 + 10 * MINUTE_MS, limits: LIMITS, landings: [], active: [slot(T0)], file: 'x.js' });
    expect(d).toMatchObject({ ok: false, kind: 'interval', nextSlotAt: T0 + HOUR });
  });

  it('is off at 0', () => {
    expect(decideSlot({ now: T0, limits: { ...LIMITS, minIntervalMinutes: 0 }, landings: [landing(T0)], active: [], file: 'x.js' }).ok).toBe(true);
  });
});

describe('the per-file budget', () => {
  const limits = { ...LIMITS, minIntervalMinutes: 0 };

  it('refuses a third change to one file in 24 h but lets another file through', () => {
    const landings = [landing(T0, 'a.js'), landing(T0 + HOUR, 'a.js')];
    const d = decideSlot({ now: T0 + 2 * HOUR, limits, landings, active: [], file: 'a.js' });
    expect(d).toMatchObject({ ok: false, kind: 'file', nextSlotAt: T0 + DAY_MS });
    expect(d.ok ? '' : d.reason).toMatch(/a\.js already had 2 of 2 changes/);
    expect(decideSlot({ now: T0 + 2 * HOUR, limits, landings, active: [], file: 'b.js' }).ok).toBe(true);
  });

  it('counts a running improvement of the same file', () => {
    const d = decideSlot({ now: T0 + 2 * HOUR, limits, landings: [landing(T0, 'a.js')], active: [slot(T0 + HOUR, 'a.js')], file: 'a.js' });
    expect(d).toMatchObject({ ok: false, kind: 'file', nextSlotAt: T0 + DAY_MS });
  });
});

describe('concurrency', () => {
  it('refuses while maxConcurrent improvements run, with no time (a run must finish)', () => {
    const running = [1, 2, 3].map((i) => slot(T0 + i, `r${i}.js`));
    const d = decideSlot({ now: T0 + HOUR, limits: { ...LIMITS, minIntervalMinutes: 0 }, landings: [], active: running, file: 'x.js' });
    expect(d).toMatchObject({ ok: false, kind: 'concurrency', nextSlotAt: null });
    expect(d.ok ? '' : d.reason).toMatch(/3 of 3 improvements are running; next slot when a running improvement finishes/);
  });

  it('counts a landed run as running until it reports its end, but not against the daily budget twice', () => {
    const landed = slot(T0, 'a.js', true);
    const d = decideSlot({ now: T0 + 2 * HOUR, limits: { ...LIMITS, maxPerDay: 2, maxConcurrent: 1 }, landings: [landing(T0 + HOUR, 'a.js')], active: [landed], file: 'b.js' });
    expect(d).toMatchObject({ ok: false, kind: 'concurrency' });
  });
});

describe('the merge lock', () => {
  const base = { now: T0, enforceInterval: true, minIntervalMinutes: 60, landings: [] as Landing[] };

  it('is granted when free, again to its holder, and refused to others until released or expired', () => {
    expect(decideMergeLock({ ...base, lock: null, requester: 'a' }).ok).toBe(true);
    const lock = { holder: 'a', since: T0, expiresAt: T0 + HOUR };
    expect(decideMergeLock({ ...base, lock, requester: 'a' }).ok).toBe(true);
    expect(decideMergeLock({ ...base, lock, requester: 'b' })).toMatchObject({ ok: false, retryAt: null });
    expect(decideMergeLock({ ...base, now: T0 + HOUR + 1, lock, requester: 'b' }).ok).toBe(true);
  });

  it('holds a governed run until the interval since the last landing has passed; a manual run only needs the lock', () => {
    const landings = [landing(T0)];
    expect(decideMergeLock({ ...base, now: T0 + 20 * MINUTE_MS, landings, lock: null, requester: 'b' })).toMatchObject({ ok: false, retryAt: T0 + HOUR });
    expect(decideMergeLock({ ...base, now: T0 + 20 * MINUTE_MS, landings, lock: null, requester: 'b', enforceInterval: false }).ok).toBe(true);
  });
});
