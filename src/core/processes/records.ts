// The record of the process groups Kaizen starts in a worktree (tests, linters, fixers, setup
// commands), so the next attempt of a step can end what a killed worker left running before it
// starts its own: a retry never runs beside its dead predecessor. One JSON line per event in
// <repo>/.kaizen/processes/<runId>.jsonl (Kaizen's private area, ignored by git): `start` with
// the group's id and its leader's start time, `end` when it has stopped. Pure.
import { posix } from 'node:path';

export interface ProcessRecord {
  /** The group leader's pid; the group id is the same (each process starts its own group). */
  pid: number;
  /** The leader's start time in clock ticks since boot (`/proc/<pid>/stat` field 22): a reused pid has another. */
  startTicks: number | null;
  /** The worker process that started it (`<pid>@<startTicks>`); its own records are its live children. */
  owner: string;
  command: string;
  at: string;
}

export type RecordEvent = ({ event: 'start' } & ProcessRecord) | { event: 'end'; pid: number; startTicks: number | null };

export function formatEvent(event: RecordEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/** The groups started and not (yet) recorded as ended; torn or foreign lines are skipped. */
export function openRecords(text: string): ProcessRecord[] {
  const open = new Map<string, ProcessRecord>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let event: Partial<RecordEvent>;
    try {
      event = JSON.parse(line) as Partial<RecordEvent>;
    } catch {
      continue;
    }
    if (typeof event.pid !== 'number' || !Number.isInteger(event.pid) || event.pid <= 1) continue;
    const startTicks = typeof event.startTicks === 'number' ? event.startTicks : null;
    const key = `${event.pid}@${startTicks}`;
    if (event.event === 'end') open.delete(key);
    else if (event.event === 'start') {
      const e = event as Partial<ProcessRecord>;
      open.set(key, { pid: event.pid, startTicks, owner: String(e.owner ?? ''), command: String(e.command ?? ''), at: String(e.at ?? '') });
    }
  }
  return [...open.values()];
}

/** What `/proc/<pid>/stat` says of a process: its group and start time. */
export interface ProcStat {
  pgid: number;
  startTicks: number;
  /** `Z` for a zombie: dead, only not yet reaped (by init, in a container maybe never). */
  state: string;
}

/** Parses `/proc/<pid>/stat`; the command name (field 2) may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // Fields from 3 (state) on: pgrp is field 5, starttime field 22.
  const fields = text.slice(close + 2).trim().split(/\s+/);
  const pgid = Number(fields[2]);
  const startTicks = Number(fields[19]);
  if (!Number.isInteger(pgid) || !Number.isInteger(startTicks)) return null;
  return { pgid, startTicks, state: fields[0] ?? '' };
}

export interface Observed {
  /** The process now at the record's pid, or null when there is none. */
  leader: ProcStat | null;
  /** Whether any process is still in a group with the record's id. */
  groupAlive: boolean;
}

/**
 * What to do with a recorded group: `own` (started by this worker, still its business), `end`
 * (left by another worker, still running), `gone` (nothing left), `reused` (the pid now belongs
 * to another process: never signal it).
 */
export type Decision = 'own' | 'end' | 'gone' | 'reused';

export function decide(record: ProcessRecord, observed: Observed, self: string): Decision {
  if (record.owner === self) return 'own';
  const leader = observed.leader?.state === 'Z' ? null : observed.leader;
  if (leader) {
    if (record.startTicks !== null && leader.startTicks !== record.startTicks) return 'reused';
    // The leader stays in its own group; one in another group is not ours (a pid recorded without start time).
    if (leader.pgid !== record.pid) return 'reused';
    return 'end';
  }
  // The leader exited; its group lives while any member does, and its id is not reused until then.
  return observed.groupAlive ? 'end' : 'gone';
}

const WORKTREES = '/.kaizen/worktrees/';

/**
 * The record file of the worktree a path is in (`<repo>/.kaizen/worktrees/<runId>/…` →
 * `<repo>/.kaizen/processes/<runId>.jsonl`), or null for a path outside Kaizen's worktrees.
 */
export function recordPathFor(path: string): string | null {
  const normal = posix.normalize(path);
  const at = normal.lastIndexOf(WORKTREES);
  if (at < 0) return null;
  const runId = normal.slice(at + WORKTREES.length).split('/')[0];
  if (!runId || runId === '..' || runId === '.') return null;
  return posix.join(normal.slice(0, at), '.kaizen', 'processes', `${runId}.jsonl`);
}
