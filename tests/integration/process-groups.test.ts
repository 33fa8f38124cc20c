// What a dead worker left running in a worktree, ended by the next attempt: real processes.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { endRecordedGroups, groupAlive, procStat } from '../../src/adapters/process-groups.js';
import { runProcess } from '../../src/adapters/process.js';
import { formatEvent, openRecords, recordPathFor } from '../../src/core/processes/records.js';

const dirs: string[] = [];
const groups: number[] = [];
afterEach(() => {
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function worktree(): string {
  const repo = mkdtempSync(join(tmpdir(), 'kaizen-groups-'));
  dirs.push(repo);
  const dir = join(repo, '.kaizen', 'worktrees', 'run-1');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A group as a killed worker leaves it: a shell and its child, in their own group. */
function orphanGroup(ignoreTerm = false): number {
  const script = ignoreTerm ? "trap '' TERM; sleep 60 & wait" : 'sleep 60 & wait';
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  groups.push(child.pid as number);
  return child.pid as number;
}

function recordAsOtherWorker(path: string, pid: number, startTicks: number | null): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, formatEvent({ event: 'start', pid, startTicks, owner: 'dead-worker@1', command: 'npm test', at: new Date().toISOString() }), { flag: 'a' });
}

describe('the next attempt ends what a dead worker left in the worktree', () => {
  it('a process started in the worktree first ends the recorded group, then records its own and its end', async () => {
    const wt = worktree();
    const record = recordPathFor(wt) as string;
    const pid = orphanGroup();
    await new Promise((r) => setTimeout(r, 100));
    recordAsOtherWorker(record, pid, procStat(pid)?.startTicks ?? null);

    const result = await runProcess(['sh', '-c', 'echo ran'], { cwd: wt, timeoutMs: 10_000 });
    expect(result.exitCode).toBe(0);
    expect(groupAlive(pid)).toBe(false);
    expect(openRecords(readFileSync(record, 'utf8'))).toEqual([]);
  });

  it('SIGKILL after the grace for a group that ignores SIGTERM', async () => {
    const wt = worktree();
    const record = recordPathFor(wt) as string;
    const pid = orphanGroup(true);
    await new Promise((r) => setTimeout(r, 100));
    recordAsOtherWorker(record, pid, procStat(pid)?.startTicks ?? null);
    const ended = await endRecordedGroups(record, 300);
    expect(ended).toEqual([{ pid, command: 'npm test', killed: true }]);
    expect(groupAlive(pid)).toBe(false);
  });

  it('never signals a pid that now belongs to another process', async () => {
    const wt = worktree();
    const record = recordPathFor(wt) as string;
    const pid = orphanGroup();
    await new Promise((r) => setTimeout(r, 100));
    // Recorded with another start time: the same number, another process.
    recordAsOtherWorker(record, pid, (procStat(pid)?.startTicks ?? 0) - 1);
    expect(await endRecordedGroups(record, 300)).toEqual([]);
    expect(groupAlive(pid)).toBe(true);
  });
});
