// Which `refs/kaizen/backup/<runId>` refs a cycle prunes: those older than backup.keepDays.
// A ref's age is when its run recorded its outcome in the ledger; a ref without a ledger line
// (a run that crashed before recording) is aged by the commit it points at. A run that still
// has a worktree is running: its ref is never pruned. Pure.

export const BACKUP_REF_PREFIX = 'refs/kaizen/backup/';

export interface BackupRef {
  /** `refs/kaizen/backup/<runId>` */
  name: string;
  /** Unix seconds of the commit it points at. */
  commitTime: number;
}

export interface PruneInput {
  refs: readonly BackupRef[];
  /** When each run recorded its outcome (ms), by run id (the ledger's `runId`). */
  recordedAt: ReadonlyMap<string, number>;
  /** Run ids with a worktree under <repo>/.kaizen/worktrees: still running. */
  running: ReadonlySet<string>;
  keepDays: number;
  now: number;
}

export function backupRefsToPrune(input: PruneInput): string[] {
  const cutoff = input.now - input.keepDays * 24 * 60 * 60_000;
  return input.refs
    .filter((ref) => {
      if (!ref.name.startsWith(BACKUP_REF_PREFIX)) return false;
      const runId = ref.name.slice(BACKUP_REF_PREFIX.length);
      if (input.running.has(runId)) return false;
      const at = input.recordedAt.get(runId) ?? ref.commitTime * 1000;
      return at < cutoff;
    })
    .map((ref) => ref.name);
}
