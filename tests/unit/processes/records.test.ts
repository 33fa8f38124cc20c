import { describe, expect, it } from 'vitest';
import { decide, formatEvent, openRecords, parseProcStat, recordPathFor, type ProcessRecord } from '../../../src/core/processes/records.js';

const record = (over: Partial<ProcessRecord> = {}): ProcessRecord => ({ pid: 4242, startTicks: 1000, owner: '77@5', command: 'npm test', at: '2026-01-01T00:00:00.000Z', ...over });

describe('process records', () => {
  it('keeps the groups started and not ended, skipping torn and foreign lines', () => {
    const text = [
      formatEvent({ event: 'start', ...record({ pid: 10 }) }),
      formatEvent({ event: 'start', ...record({ pid: 11 }) }),
      formatEvent({ event: 'end', pid: 10, startTicks: 1000 }),
      '{"event":"start","pid":12,"startT',
      'not json\n',
      '{"event":"start","pid":1}\n',
      formatEvent({ event: 'start', ...record({ pid: 13, startTicks: null }) }),
    ].join('');
    expect(openRecords(text).map((r) => [r.pid, r.startTicks])).toEqual([
      [11, 1000],
      [13, null],
    ]);
  });

  it('an end for another start time of the same pid ends nothing', () => {
    const text = formatEvent({ event: 'start', ...record() }) + formatEvent({ event: 'end', pid: 4242, startTicks: 999 });
    expect(openRecords(text)).toHaveLength(1);
  });

  it('reads the group and start time from /proc/<pid>/stat, whatever the command name holds', () => {
    const stat = '4242 (node (worker) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 11 0 987654 1000 50 18446744073709551615';
    expect(parseProcStat(stat)).toEqual({ pgid: 4242, startTicks: 987654, state: 'S' });
    expect(parseProcStat('garbage')).toBeNull();
  });
});

describe('what the next attempt does with a recorded group', () => {
  const self = '1@1';
  it('ends a group another worker left running', () => {
    expect(decide(record(), { leader: { pgid: 4242, startTicks: 1000, state: 'S' }, groupAlive: true }, self)).toBe('end');
  });
  it('ends the rest of a group whose leader exited', () => {
    expect(decide(record(), { leader: null, groupAlive: true }, self)).toBe('end');
  });
  it('leaves a group that is gone, a zombie leader included', () => {
    expect(decide(record(), { leader: null, groupAlive: false }, self)).toBe('gone');
    expect(decide(record(), { leader: { pgid: 4242, startTicks: 1000, state: 'Z' }, groupAlive: false }, self)).toBe('gone');
  });
  it('never signals a reused pid: another start time, or another group', () => {
    expect(decide(record(), { leader: { pgid: 4242, startTicks: 2000, state: 'S' }, groupAlive: true }, self)).toBe('reused');
    expect(decide(record({ startTicks: null }), { leader: { pgid: 99, startTicks: 2000, state: 'S' }, groupAlive: false }, self)).toBe('reused');
  });
  it("leaves this worker's own groups to it", () => {
    expect(decide(record({ owner: self }), { leader: { pgid: 4242, startTicks: 1000, state: 'S' }, groupAlive: true }, self)).toBe('own');
  });
});

describe('where a worktree keeps its record', () => {
  it('in the repository\'s .kaizen/processes, one file per run', () => {
    expect(recordPathFor('/r/.kaizen/worktrees/run-1')).toBe('/r/.kaizen/processes/run-1.jsonl');
    expect(recordPathFor('/r/.kaizen/worktrees/run-1/packages/a')).toBe('/r/.kaizen/processes/run-1.jsonl');
  });
  it('none outside Kaizen\'s worktrees', () => {
    expect(recordPathFor('/r')).toBeNull();
    expect(recordPathFor('/r/.kaizen/worktrees/')).toBeNull();
    expect(recordPathFor('/r/.kaizen/deps/abc')).toBeNull();
  });
});
