// A cycle's tidy-up on a real repository: old refs/kaizen/backup/* refs go, everything else stays.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackupRefActivities } from '../../../src/activities/workspace/backup-refs.js';
import { activityDeps } from '../../helpers/activity-deps.js';
import { createRepo, GIT_ENV, type TempRepo } from '../../helpers/git-repo.js';

const DAY_MS = 24 * 60 * 60_000;
const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

/** A commit made `daysAgo` days ago (committer date), on nothing. */
function commitFrom(repo: TempRepo, daysAgo: number): string {
  const date = `${Math.round((Date.now() - daysAgo * DAY_MS) / 1000)} +0000`;
  const tree = repo.git('rev-parse', 'HEAD^{tree}');
  return execFileSync('git', ['commit-tree', tree, '-m', `made ${daysAgo} days ago`], { cwd: repo.path, env: { ...GIT_ENV, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date }, encoding: 'utf8' }).trim();
}

function ledgerLine(runId: string, daysAgo: number): string {
  return JSON.stringify({ timestamp: new Date(Date.now() - daysAgo * DAY_MS).toISOString(), workflowId: `improvement-${runId}`, runId, repo: 'r', file: 'a.js', strategy: 'autofix', mode: 'merge', outcome: 'applied', reason: 'ok', findingsFixed: 1, fixedRules: ['no-var'], linesAdded: 1, linesRemoved: 1, testsBefore: null, testsAfter: null, commit: null, branch: null, backupRef: `refs/kaizen/backup/${runId}`, durationsMs: {} });
}

function refs(repo: TempRepo): string[] {
  return repo.git('for-each-ref', '--format=%(refname)').split('\n').filter(Boolean).sort();
}

describe('pruneBackupRefs', () => {
  it('deletes backup refs older than keepDays (aged by their ledger line, else their commit), never a running run\'s or anything else', async () => {
    const r = createRepo({ 'a.js': 'var a = 1;\n' });
    repos.push(r);
    const old = commitFrom(r, 40);
    const fresh = commitFrom(r, 1);
    r.git('update-ref', 'refs/kaizen/backup/crashed-long-ago', old);
    r.git('update-ref', 'refs/kaizen/backup/recorded-yesterday', old);
    r.git('update-ref', 'refs/kaizen/backup/recorded-long-ago', fresh);
    r.git('update-ref', 'refs/kaizen/backup/still-running', old);
    r.git('update-ref', 'refs/kaizen/backup/recent', fresh);
    r.git('update-ref', 'refs/heads/users-old-branch', old);
    r.git('tag', 'users-old-tag', old);
    r.write('.kaizen/ledger.jsonl', `${ledgerLine('recorded-yesterday', 1)}\n${ledgerLine('recorded-long-ago', 40)}\n`);
    mkdirSync(join(r.path, '.kaizen', 'worktrees', 'still-running'), { recursive: true });

    const { pruneBackupRefs } = createBackupRefActivities(activityDeps());
    const result = await pruneBackupRefs({ repoRoot: r.path, keepDays: 30 });

    expect(result.pruned.sort()).toEqual(['refs/kaizen/backup/crashed-long-ago', 'refs/kaizen/backup/recorded-long-ago']);
    expect(result.kept).toBe(3);
    expect(refs(r)).toEqual([
      'refs/heads/main',
      'refs/heads/users-old-branch',
      'refs/kaizen/backup/recent',
      'refs/kaizen/backup/recorded-yesterday',
      'refs/kaizen/backup/still-running',
      'refs/tags/users-old-tag',
    ]);
  });

  it('keeps every backup ref when keepDays is 0', async () => {
    const r = createRepo({ 'a.js': 'var a = 1;\n' });
    repos.push(r);
    r.git('update-ref', 'refs/kaizen/backup/ancient', commitFrom(r, 400));
    const result = await createBackupRefActivities(activityDeps()).pruneBackupRefs({ repoRoot: r.path, keepDays: 0 });
    expect(result).toEqual({ pruned: [], kept: 1 });
    expect(refs(r)).toContain('refs/kaizen/backup/ancient');
  });
});
