import { describe, expect, it } from 'vitest';
import { formatLedgerLine } from '../../../src/core/ledger/ledger.js';
import { computeStats, dayKey, readLedgerView, reasonFamily, startOfDay, startOfWeek } from '../../../src/core/ledger/stats.js';
import { fixtureLedger, ledgerEntry } from '../../helpers/ledger-fixture.js';

const NOW = new Date('2025-03-12T09:30:00.000Z'); // a Wednesday

describe('readLedgerView', () => {
  it('keeps improvements oldest first, counts other kinds and reports unreadable lines', () => {
    const text = [
      formatLedgerLine(ledgerEntry({ workflowId: 'late', timestamp: '2025-03-11T10:00:00.000Z' })).trim(),
      JSON.stringify({ kind: 'cycle', timestamp: '2025-03-11T10:00:00.000Z', started: 2 }),
      formatLedgerLine({ ...ledgerEntry({ workflowId: 'early', timestamp: '2025-03-10T10:00:00.000Z' }), kind: 'improvement' }).trim(),
      JSON.stringify({ kind: 'undelivered', timestamp: 't', workflowId: 'w', repo: '/r', channel: 'team', channelType: 'slack', event: 'applied', deliveryId: 'd', error: 'HTTP 500' }),
      JSON.stringify({ kind: 'cycle' }),
      '{"timestamp": "2025-03-1', // torn write
      '',
    ].join('\n');
    const view = readLedgerView(text);
    expect(view.entries.map((e) => e.workflowId)).toEqual(['early', 'late']);
    expect(view.otherKinds).toEqual({ cycle: 2, undelivered: 1 });
    expect(view.badLines).toEqual([6]);
  });
});

describe('reasonFamily', () => {
  it.each([
    ['tests failed after the change (npm test exited with 1): expected 3 to equal 4', 'tests failed after the change'],
    ['quality gate failed: 2 new findings (no-undef)', 'quality gate failed'],
    ['cancelled during verify; the change was rolled back', 'cancelled'],
    ['rejected by alice: too noisy', 'rejected'],
    ['not approved within 24h: rejected', 'not approved'],
    ['main kept moving during integration (3 rebases)', 'target kept moving'],
    ['target moved and the rebase failed: conflict', 'target moved'],
    ['verifyFindings: ESLint crashed (exit 2)', 'verifyfindings'],
    ['Disk full while writing the worktree', 'disk full while writing'],
    ['', 'no reason given'],
  ])('%s → %s', (reason, family) => {
    expect(reasonFamily(reason)).toBe(family);
  });
});

describe('calendar windows', () => {
  it('starts today and this week (Monday) in the viewer’s time zone', () => {
    expect(startOfDay({ now: NOW }).toISOString()).toBe('2025-03-12T00:00:00.000Z');
    expect(startOfWeek({ now: NOW }).toISOString()).toBe('2025-03-10T00:00:00.000Z');
    // 09:30 UTC is already 22:30 on the 12th in UTC+13, and the 11th ends at 23:30 in UTC-10.
    expect(startOfDay({ now: NOW, utcOffsetMinutes: 13 * 60 }).toISOString()).toBe('2025-03-11T11:00:00.000Z');
    expect(dayKey('2025-03-12T09:30:00.000Z', -10 * 60)).toBe('2025-03-11');
    expect(startOfWeek({ now: new Date('2025-03-16T12:00:00.000Z') }).toISOString()).toBe('2025-03-10T00:00:00.000Z');
  });
});

describe('computeStats', () => {
  it('counts today and this week, and rates success over runs that were not skipped', () => {
    const entries = [
      ledgerEntry({ timestamp: '2025-03-12T08:00:00.000Z', outcome: 'applied' }),
      ledgerEntry({ timestamp: '2025-03-12T07:00:00.000Z', outcome: 'skipped', reason: 'nothing to do' }),
      ledgerEntry({ timestamp: '2025-03-11T07:00:00.000Z', outcome: 'rolled_back', reason: 'quality gate failed: x' }),
      ledgerEntry({ timestamp: '2025-03-10T00:00:00.000Z', outcome: 'proposed' }),
      ledgerEntry({ timestamp: '2025-03-09T23:59:00.000Z', outcome: 'failed', reason: 'generate: bad answer' }),
    ];
    const s = computeStats(entries, { now: NOW });
    expect(s.today).toEqual({ runs: 2, succeeded: 1 });
    expect(s.thisWeek).toEqual({ runs: 4, succeeded: 2 });
    expect(s.attempts).toBe(4);
    expect(s.succeeded).toBe(2);
    expect(s.successRate).toBe(0.5);
    expect(s.byOutcome).toEqual({ applied: 1, proposed: 1, rolled_back: 1, skipped: 1, failed: 1 });
    expect(s.rollbacks).toEqual([{ name: 'quality gate failed', count: 1 }]);
    expect(s.last?.outcome).toBe('applied');
  });

  it('groups rollbacks by reason family and ranks strategies by success on a realistic ledger', () => {
    const s = computeStats(fixtureLedger(30, 10), { now: new Date('2025-03-10T20:00:00.000Z') });
    expect(s.total).toBe(30);
    expect(s.byOutcome).toEqual({ applied: 9, proposed: 9, rolled_back: 6, skipped: 3, failed: 3 });
    expect(s.successRate).toBeCloseTo(18 / 27);
    expect(s.rollbacks.reduce((n, r) => n + r.count, 0)).toBe(6);
    expect(s.rollbacks.map((r) => r.name).sort()).toEqual(['cancelled', 'not approved', 'quality gate failed', 'rejected', 'tests failed after the change']);
    expect(s.rollbacks[0]).toEqual({ name: 'tests failed after the change', count: 2 });
    expect(s.strategies.map((x) => x.strategy)).toEqual(['autofix', 'llm']);
    for (const x of s.strategies) expect(x.rate).toBeCloseTo(x.succeeded / x.attempts);
    expect(s.strategies.reduce((n, x) => n + x.attempts, 0)).toBe(27);
    expect(Object.keys(s.meanStepMs)).toEqual(['prepare', 'analyse', 'test', 'generate', 'apply', 'verify', 'integrate', 'notify']);
    expect(s.meanStepMs.analyse).toBe(2500);
    expect(s.last?.workflowId).toBe('improve-app-r028'); // 18:00, after r029's 17:00
    expect(s.lastSuccess?.outcome).toMatch(/applied|proposed/);
  });

  it('has no success rate, last run or mean times for an empty ledger', () => {
    const s = computeStats([], { now: NOW });
    expect(s).toMatchObject({ total: 0, successRate: null, last: null, lastSuccess: null, meanRunMs: null, rollbacks: [], strategies: [] });
    expect(s.meanStepMs).toEqual({});
  });

  it('averages each step over the runs that reached it', () => {
    const s = computeStats(
      [ledgerEntry({ durationsMs: { prepare: 100, test: 1000 } }), ledgerEntry({ durationsMs: { prepare: 300 } }), ledgerEntry({ durationsMs: {} })],
      { now: NOW },
    );
    expect(s.meanStepMs).toEqual({ prepare: 200, test: 1000 });
    expect(s.meanRunMs).toBe(700);
  });
});
