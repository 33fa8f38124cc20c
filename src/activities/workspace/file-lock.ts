// An exclusive lock file shared by every process on this host (workers, the CLI): created
// with O_EXCL, holding who took it and when; a lock left by a crashed holder is recovered.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';

export interface FileLockOptions {
  /** A lock older than this is taken to be left by a crash. */
  staleMs: number;
  /** Give up waiting after this long. */
  waitMs: number;
  pollMs?: number;
  /** Called while waiting (activity heartbeats). */
  onWait?: () => void;
  signal?: AbortSignal;
}

interface LockHolder {
  token: string;
  pid: number;
  host: string;
  at: number;
}

export class LockTimeoutError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: string,
  ) {
    super(`Timed out waiting for the lock ${lockPath} (held by ${holder}). Another Kaizen run is integrating; this step is retried. If no Kaizen process is running, delete the file.`);
  }
}

export async function withFileLock<T>(lockPath: string, options: FileLockOptions, body: () => Promise<T>): Promise<T> {
  const token = await acquire(lockPath, options);
  try {
    return await body();
  } finally {
    await release(lockPath, token);
  }
}

async function acquire(lockPath: string, options: FileLockOptions): Promise<string> {
  const deadline = Date.now() + options.waitMs;
  const me: LockHolder = { token: randomUUID(), pid: process.pid, host: hostname(), at: Date.now() };
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      await writeFile(lockPath, JSON.stringify({ ...me, at: Date.now() }), { flag: 'wx' });
      return me.token;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(lockPath);
    const stale = holder ? isStale(holder, options.staleMs) : await isOldFile(lockPath, options.staleMs);
    if (stale) {
      await breakStaleLock(lockPath, holder?.token ?? null);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new LockTimeoutError(lockPath, holder ? `pid ${holder.pid} on ${holder.host} since ${new Date(holder.at).toISOString()}` : 'an unknown process');
    }
    options.onWait?.();
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}

async function release(lockPath: string, token: string): Promise<void> {
  const holder = await readHolder(lockPath);
  // Only remove our own lock: after a long stall another process may have taken over.
  if (holder?.token === token) await unlink(lockPath).catch(() => undefined);
}

async function readHolder(lockPath: string): Promise<LockHolder | null> {
  try {
    const value = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockHolder>;
    if (typeof value.token === 'string' && typeof value.pid === 'number' && typeof value.at === 'number') {
      return { token: value.token, pid: value.pid, host: String(value.host ?? ''), at: value.at };
    }
  } catch {
    // Missing, or written by a holder that crashed half-way: an empty or torn file.
  }
  return null;
}

function isStale(holder: LockHolder, staleMs: number): boolean {
  if (Date.now() - holder.at > staleMs) return true;
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A lock file without a readable holder (its writer crashed) counts by its age. */
async function isOldFile(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(lockPath)).mtimeMs > staleMs;
  } catch {
    return false;
  }
}

async function breakStaleLock(lockPath: string, staleToken: string | null): Promise<void> {
  // Rename first: of several processes recovering the same lock only one wins the rename.
  const aside = `${lockPath}.stale-${randomUUID()}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return;
  }
  const moved = await readHolder(aside);
  if ((moved?.token ?? null) !== staleToken) {
    // We moved a fresh lock someone took meanwhile: put it back (link fails if yet another exists).
    await link(aside, lockPath).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}
