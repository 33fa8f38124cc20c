// A cycle's tidy-up: `refs/kaizen/backup/<runId>` refs older than backup.keepDays are deleted,
// so a repository does not collect one ref per landing forever. Only Kaizen's own refs, never
// a running run's, and each deleted only if it still points where it did when listed.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from '../../adapters/git.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { BACKUP_REF_PREFIX, backupRefsToPrune } from '../../core/repository/backup-refs.js';
import { readLedger } from '../ledger.js';
import { gitContext, STATE_DIR_NAME, worktreesDir } from './common.js';
import { localRepoRoot } from './mirror.js';

export interface PruneBackupRefsInput {
  repoRoot: string;
  /** 0 keeps every backup ref. */
  keepDays: number;
}

export interface PruneBackupRefsResult {
  pruned: string[];
  kept: number;
}

export function createBackupRefActivities(deps: ActivityDeps) {
  return {
    async pruneBackupRefs(given: PruneBackupRefsInput): Promise<PruneBackupRefsResult> {
      // A repository given by URL: its backup refs are in this host's mirror.
      const input = { ...given, repoRoot: localRepoRoot(given.repoRoot, deps.env) };
      const repo = gitContext(deps, input.repoRoot);
      const listed = await git(repo, ['for-each-ref', '--format=%(refname) %(objectname) %(committerdate:unix)', BACKUP_REF_PREFIX]);
      const refs = listed
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [name = '', objectName = '', time = '0'] = line.split(' ');
          return { name, objectName, commitTime: Number(time) };
        });
      if (input.keepDays <= 0 || refs.length === 0) return { pruned: [], kept: refs.length };

      const ledger = await readLedger(input.repoRoot);
      const recordedAt = new Map<string, number>();
      for (const entry of ledger.entries) {
        const at = Date.parse(entry.timestamp);
        if (Number.isFinite(at)) recordedAt.set(entry.runId, at);
      }
      const running = new Set(await readdir(worktreesDir(join(input.repoRoot, STATE_DIR_NAME))).catch(() => [] as string[]));
      const byName = new Map(refs.map((ref) => [ref.name, ref]));
      const prune = backupRefsToPrune({ refs, recordedAt, running, keepDays: input.keepDays, now: Date.now() });
      const pruned: string[] = [];
      for (const name of prune) {
        const expected = byName.get(name)?.objectName;
        if (!expected) continue;
        // With the old value: a ref a run moved meanwhile (integrate rewrites it) is left alone.
        await git(repo, ['update-ref', '-d', name, expected]).then(
          () => pruned.push(name),
          () => undefined,
        );
      }
      return { pruned, kept: refs.length - pruned.length };
    },
  };
}
