import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockTimeoutError, withFileLock } from '../../../src/activities/workspace/file-lock.js';

const dirs: string[] = [];
function lockPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-lock-'));
  dirs.push(dir);
  return join(dir, 'merge.lock');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('withFileLock', () => {
  it('lets one holder in at a time and removes the lock afterwards', async () => {
    const path = lockPath();
    const order: string[] = [];
    const slow = withFileLock(path, { staleMs: 60_000, waitMs: 5000, pollMs: 20 }, async () => {
      order.push('first in');
      await new Promise((r) => setTimeout(r, 150));
      order.push('first out');
    });
    await new Promise((r) => setTimeout(r, 20));
    const second = withFileLock(path, { staleMs: 60_000, waitMs: 5000, pollMs: 20 }, async () => {
      order.push('second in');
    });
    await Promise.all([slow, second]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
    expect(existsSync(path)).toBe(false);
  });

  it('recovers a lock left by a process that died, and one that is too old', async () => {
    const path = lockPath();
    writeFileSync(path, JSON.stringify({ token: 'dead', pid: deadPid(), host: hostname(), at: Date.now() }));
    await expect(withFileLock(path, { staleMs: 60_000, waitMs: 1000, pollMs: 20 }, async () => 'ran')).resolves.toBe('ran');

    writeFileSync(path, JSON.stringify({ token: 'old', pid: process.pid, host: hostname(), at: Date.now() - 10 * 60_000 }));
    await expect(withFileLock(path, { staleMs: 60_000, waitMs: 1000, pollMs: 20 }, async () => 'ran')).resolves.toBe('ran');
  });

  it('gives up after the wait bound while a live holder keeps the lock', async () => {
    const path = lockPath();
    writeFileSync(path, JSON.stringify({ token: 'alive', pid: process.pid, host: hostname(), at: Date.now() }));
    const error = await withFileLock(path, { staleMs: 60_000, waitMs: 200, pollMs: 20 }, async () => 'ran').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect(existsSync(path)).toBe(true);
  });
});
