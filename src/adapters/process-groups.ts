// The process groups Kaizen starts in worktrees, recorded on disk (core/processes/records.ts)
// and in memory: the next attempt of a step ends what a killed worker left running in that
// worktree (SIGTERM, then SIGKILL after a grace), and a worker that shuts down ends its own.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { decide, formatEvent, openRecords, parseProcStat, type ProcessRecord, type ProcStat } from '../core/processes/records.js';

export const END_GRACE_MS = 2000;

/** The start time of a process (Linux `/proc`); null where there is no `/proc` or no such process. */
export function procStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** This worker process as the owner of what it starts: pid and start time, unique across restarts. */
export const SELF = `${process.pid}@${procStat(process.pid)?.startTicks ?? Date.now()}`;

/** Groups this process started and has not seen end (ended on shutdown). */
const running = new Set<number>();

/** Whether a process that is not a zombie is still in the group (zombies never count: init may not reap them). */
export function groupAlive(pgid: number): boolean {
  let pids: string[] | null = null;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    // No /proc: ask the kernel, zombies included.
  }
  if (pids) {
    return pids.some((pid) => {
      const stat = procStat(Number(pid));
      return stat !== null && stat.pgid === pgid && stat.state !== 'Z';
    });
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, but is not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** Notes a group this process started, in memory and (for a worktree) in its record file. */
export function recordStarted(recordPath: string | null, pid: number, command: string[]): number | null {
  running.add(pid);
  // The start time only matters to the record file: an unrecorded call (git) reads no /proc.
  if (!recordPath) return null;
  const startTicks = procStat(pid)?.startTicks ?? null;
  const record: ProcessRecord = { pid, startTicks, owner: SELF, command: command.join(' ').slice(0, 200), at: new Date().toISOString() };
  try {
    mkdirSync(dirname(recordPath), { recursive: true });
    appendFileSync(recordPath, formatEvent({ event: 'start', ...record }));
  } catch {
    // A record that cannot be written only costs the clean-up of a crash.
  }
  return startTicks;
}

export function recordEnded(recordPath: string | null, pid: number, startTicks: number | null): void {
  running.delete(pid);
  if (!recordPath) return;
  try {
    appendFileSync(recordPath, formatEvent({ event: 'end', pid, startTicks }));
  } catch {
    // As above.
  }
}

export interface EndedGroup {
  pid: number;
  command: string;
  /** SIGKILL was needed: SIGTERM did not end the group within the grace. */
  killed: boolean;
}

/**
 * Ends the groups another (dead or stuck) worker recorded in `recordPath` and that still run;
 * never a reused pid, never this worker's own. Resolves once they are gone.
 */
export async function endRecordedGroups(recordPath: string | null, graceMs = END_GRACE_MS): Promise<EndedGroup[]> {
  if (!recordPath) return [];
  let text: string;
  try {
    text = readFileSync(recordPath, 'utf8');
  } catch {
    return [];
  }
  const ended: EndedGroup[] = [];
  const pending: ProcessRecord[] = [];
  for (const record of openRecords(text)) {
    const decision = decide(record, { leader: procStat(record.pid), groupAlive: groupAlive(record.pid) }, SELF);
    if (decision === 'end') {
      signalGroup(record.pid, 'SIGTERM');
      pending.push(record);
    } else if (decision !== 'own') recordEnded(recordPath, record.pid, record.startTicks);
  }
  const deadline = Date.now() + graceMs;
  while (pending.some((r) => groupAlive(r.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const record of pending) {
    const killed = groupAlive(record.pid);
    if (killed) signalGroup(record.pid, 'SIGKILL');
    ended.push({ pid: record.pid, command: record.command, killed });
  }
  for (let i = 0; i < 40 && pending.some((r) => groupAlive(r.pid)); i++) await new Promise((r) => setTimeout(r, 25));
  for (const record of pending) recordEnded(recordPath, record.pid, record.startTicks);
  return ended;
}

/** Removes a worktree's record once nothing of it runs (removeWorkspace). */
export function forgetRecords(recordPath: string | null): void {
  if (recordPath) rmSync(recordPath, { force: true });
}

/** Ends every group this worker started and that still runs: its own shutdown. */
export async function endRunningGroups(graceMs = END_GRACE_MS): Promise<number> {
  const groups = [...running].filter(groupAlive);
  for (const pgid of groups) signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groups.some(groupAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const pgid of groups) if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  return groups.length;
}

/** The last resort when the process exits: SIGKILL what is left, synchronously. */
export function killRunningGroupsNow(): void {
  for (const pgid of running) signalGroup(pgid, 'SIGKILL');
}

let exitHooked = false;

/** Once per process (tests start many workers in one): on exit, SIGKILL what is left. */
export function killRunningGroupsOnExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', killRunningGroupsNow);
}
