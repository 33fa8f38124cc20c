// Shared pieces of the fault tests: `kaizen worker` processes on a test's own task queue, a
// client, clean-ups run after the file, and what "landed exactly once" means for a repo.
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'vitest';
import type { ImprovementResult } from '../../src/core/types.js';
import { kaizenBranches, readLedgerLines, worktreesLeft } from './e2e.js';
import { GIT_ENV, type TempRepo } from './git-repo.js';
import { startKaizenProcess, type KaizenProcess } from './kaizen-process.js';

export type Cleanup = () => Promise<void> | void;

export class FaultKit {
  private readonly cleanups: Cleanup[] = [];

  constructor(readonly address: string) {}

  later(cleanup: Cleanup): void {
    this.cleanups.push(cleanup);
  }

  /** A `kaizen worker` process polling `taskQueue` (and its host queue), stopped after the file; `env` adds to its environment (a forge's token). */
  async worker(taskQueue: string, env: NodeJS.ProcessEnv = {}): Promise<KaizenProcess> {
    const proc = startKaizenProcess(['worker'], { ...process.env, ...GIT_ENV, ...env, TEMPORAL_ADDRESS: this.address, KAIZEN_TASK_QUEUE: taskQueue });
    this.later(() => proc.stop());
    await proc.waitFor('Kaizen worker polling');
    return proc;
  }

  async client(): Promise<Client> {
    const connection = await Connection.connect({ address: this.address });
    this.later(() => connection.close());
    return new Client({ connection });
  }

  async cleanup(): Promise<void> {
    for (const cleanup of this.cleanups.reverse()) await cleanup();
    this.cleanups.length = 0;
  }
}

/** The run landed one commit on main, on top of `base`, and left nothing behind. */
export function expectLandedOnce(repo: TempRepo, base: string, result: ImprovementResult): void {
  expect(result.outcome, result.reason).toBe('applied');
  expect(repo.git('rev-parse', 'main~1')).toBe(base);
  expect(repo.head('main')).toBe(result.commit);
  expect(repo.git('status', '--porcelain')).toBe('');
  expect(worktreesLeft(repo.path)).toEqual([]);
  expect(kaizenBranches(repo.path)).toEqual([]);
  expect(readLedgerLines(repo.path).filter((l) => (l.kind ?? 'improvement') === 'improvement')).toHaveLength(1);
}

/** Polls until `check` returns a value (not undefined); throws after `timeoutMs`. */
export async function waitUntil<T>(what: string, check: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether a process runs (a zombie does not: it is dead, only not reaped). */
export function processRuns(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
