// Records every improvement's outcome in <repo>/.kaizen/ledger.jsonl.
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatLedgerLine, LEDGER_FILE, parseLedger, type ParsedLedger } from '../core/ledger/ledger.js';
import type { LedgerEntry, UndeliveredEntry } from '../core/ledger/types.js';
import type { ActivityDeps } from '../contracts/ports.js';
import { activityContext } from './context.js';
import { tellNotifiers, type NotifyInput, type NotifyResult } from './notify.js';
import { ownedStateDir, STATE_DIR_NAME } from './state-dir.js';
import { localRepoRoot } from './workspace/mirror.js';

/** How far back a retried append looks for its own line before writing it again. */
const RETRY_LOOKBACK_BYTES = 64 * 1024;

export function ledgerPath(repoRoot: string): string {
  return join(repoRoot, STATE_DIR_NAME, LEDGER_FILE);
}

/**
 * Appends one line to the repo's ledger, unless the folder is not Kaizen's to write in (no git
 * repository, no commit, an invalid config): then nothing is written and the path is null.
 */
export async function recordInLedger(deps: ActivityDeps, repo: string, line: string): Promise<{ ledgerPath: string | null }> {
  // A repository given by URL keeps its ledger in this host's mirror.
  const repoRoot = localRepoRoot(repo, deps.env);
  const owned = await ownedStateDir(repoRoot, deps.env);
  if ('refused' in owned) {
    activityContext()?.log.warn('ledger line not written: the folder is not a valid Kaizen repository', { repoRoot, problem: owned.refused });
    return { ledgerPath: null };
  }
  const path = ledgerPath(repoRoot);
  await appendLedgerLine(path, line);
  return { ledgerPath: path };
}

export function createLedgerActivities(deps: ActivityDeps) {
  return {
    /**
     * Writes the outcome's ledger line; with `notify`, then tells the worker's notifiers (the log)
     * with the path, as the `notify` activity would: one activity instead of two at the run's end.
     * A failed write throws before anything is told, so a retry never tells twice.
     */
    async recordOutcome(input: { repoRoot: string; entry: LedgerEntry; notify?: Omit<NotifyInput, 'ledgerPath'> }): Promise<{ ledgerPath: string | null; notified?: NotifyResult }> {
      const recorded = await recordInLedger(deps, input.repoRoot, formatLedgerLine(input.entry));
      if (!input.notify) return recorded;
      return { ...recorded, notified: await tellNotifiers(deps, { ...input.notify, ledgerPath: recorded.ledgerPath }) };
    },

    /** A notification that failed all its attempts; the entry names channels and variables, never secrets. */
    async recordUndelivered(input: { repoRoot: string; entry: UndeliveredEntry }): Promise<{ ledgerPath: string | null }> {
      return recordInLedger(deps, input.repoRoot, formatLedgerLine(input.entry));
    },
  };
}

export async function readLedger(repoRoot: string): Promise<ParsedLedger & { ledgerPath: string }> {
  const path = ledgerPath(repoRoot);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], undelivered: [], undos: [], otherKinds: {}, badLines: [], ledgerPath: path };
    throw err;
  }
  return { ...parseLedger(text), ledgerPath: path };
}

export async function appendLedgerLine(path: string, line: string): Promise<void> {
  const handle = await open(path, 'a+');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const start = Math.max(0, size - RETRY_LOOKBACK_BYTES);
      const tail = Buffer.alloc(size - start);
      await handle.read(tail, 0, tail.length, start);
      const tailText = tail.toString('utf8');
      // An activity retried after its write landed must not record the outcome twice.
      if ((start === 0 && tailText.startsWith(line)) || tailText.includes(`\n${line}`)) return;
      // After a torn write, start on a fresh line so this entry stays readable.
      if (!tailText.endsWith('\n')) prefix = '\n';
    }
    // One write per line: O_APPEND keeps concurrent writers' lines whole.
    await handle.write(prefix + line);
  } finally {
    await handle.close();
  }
}
