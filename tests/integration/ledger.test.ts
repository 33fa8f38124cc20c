import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLedgerActivities, readLedger } from '../../src/activities/ledger.js';
import { formatLedgerLine, parseLedger } from '../../src/core/ledger/ledger.js';
import type { LedgerEntry } from '../../src/core/ledger/types.js';
import { fakeDeps } from './workspace/fixtures.js';
import { ledgerEntry } from '../helpers/ledger-fixture.js';
import { createRepo, GIT_ENV } from '../helpers/git-repo.js';
import { activityDeps } from '../helpers/activity-deps.js';
import { sampleResult } from '../helpers/notify-fixtures.js';
import type { NotificationEvent, Notifier } from '../../src/contracts/ports.js';

const dirs: string[] = [];
/** A git repository with a commit: the only kind of folder a ledger line goes into. */
function repoDir(files: Record<string, string> = {}): string {
  const dir = createRepo(files).path;
  dirs.push(dir);
  return dir;
}
function plainDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-ledger-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function entry(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return ledgerEntry({ timestamp: '2025-01-01T00:00:00.000Z', workflowId: 'improvement-1', repo: '/repo', durationsMs: { test: 1200, verify: 1100 }, ...overrides });
}

describe('ledger', () => {
  it('keeps an entry on one line even when its reason spans several', () => {
    const line = formatLedgerLine(entry({ reason: 'tests failed:\nexpected 1\nreceived 2' }));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(parseLedger(line).entries[0]?.reason).toBe('tests failed:\nexpected 1\nreceived 2');
  });

  it('appends one line per outcome in .kaizen/ledger.jsonl and reads them back in order', async () => {
    const repo = repoDir();
    const { recordOutcome } = createLedgerActivities(fakeDeps());
    const first = await recordOutcome({ repoRoot: repo, entry: entry({ workflowId: 'w1' }) });
    await recordOutcome({ repoRoot: repo, entry: entry({ workflowId: 'w2', outcome: 'applied' }) });
    expect(first.ledgerPath).toBe(join(repo, '.kaizen', 'ledger.jsonl'));
    expect(readFileSync(first.ledgerPath as string, 'utf8').split('\n')).toHaveLength(3);
    // The folder ignores itself: the user's `git status` stays clean.
    expect(readFileSync(join(repo, '.kaizen', '.gitignore'), 'utf8')).toBe('*\n');
    const read = await readLedger(repo);
    expect(read.entries.map((e) => [e.workflowId, e.outcome])).toEqual([
      ['w1', 'proposed'],
      ['w2', 'applied'],
    ]);
    expect(read.badLines).toEqual([]);
  });

  it('writes nothing into a folder that is not a git repository, or whose config is invalid', async () => {
    const { recordOutcome } = createLedgerActivities(fakeDeps());
    const plain = plainDir();
    expect((await recordOutcome({ repoRoot: plain, entry: entry() })).ledgerPath).toBeNull();
    expect(readdirSync(plain)).toEqual([]);

    const invalid = repoDir({ 'kaizen.config.json': '{"mode": "yolo"}' });
    expect((await recordOutcome({ repoRoot: invalid, entry: entry() })).ledgerPath).toBeNull();
    expect(readdirSync(invalid).sort()).toEqual(['.git', 'kaizen.config.json']);
  });

  it('tells the worker\'s notifiers after the line is written, with its path, when asked to', async () => {
    const repo = repoDir();
    const told: NotificationEvent[] = [];
    const notifiers: Notifier[] = [
      { id: 'log', send: async (event) => void told.push(event) },
      { id: 'broken', send: () => Promise.reject(new Error('stream closed')) },
    ];
    const { recordOutcome } = createLedgerActivities(activityDeps({ env: GIT_ENV, notifiers }));
    const result = sampleResult();
    const recorded = await recordOutcome({ repoRoot: repo, entry: entry(), notify: { result } });
    expect(recorded.ledgerPath).toBe(join(repo, '.kaizen', 'ledger.jsonl'));
    expect(recorded.notified?.delivered).toEqual(['log']);
    expect(recorded.notified?.failed.map((f) => f.id)).toEqual(['broken']);
    expect(recorded.notified?.failed[0]?.error).toContain('stream closed');
    expect(told).toEqual([{ kind: 'improvement', result, ledgerPath: recorded.ledgerPath }]);
    // Without `notify` nobody is told (the notify activity does it, as in histories from before).
    await recordOutcome({ repoRoot: repo, entry: entry({ workflowId: 'w2' }) });
    expect(told).toHaveLength(1);
  });

  it('does not record the same outcome twice when the activity is retried', async () => {
    const repo = repoDir();
    const { recordOutcome } = createLedgerActivities(fakeDeps());
    await recordOutcome({ repoRoot: repo, entry: entry() });
    await recordOutcome({ repoRoot: repo, entry: entry() });
    expect((await readLedger(repo)).entries).toHaveLength(1);
  });

  it('survives a torn last line: earlier entries read, later appends stay readable', async () => {
    const repo = repoDir();
    const { recordOutcome } = createLedgerActivities(fakeDeps());
    const ledgerPath = (await recordOutcome({ repoRoot: repo, entry: entry({ workflowId: 'w1' }) })).ledgerPath as string;
    appendFileSync(ledgerPath, formatLedgerLine(entry({ workflowId: 'torn' })).slice(0, 40));

    const torn = parseLedger(readFileSync(ledgerPath, 'utf8'));
    expect(torn.entries.map((e) => e.workflowId)).toEqual(['w1']);
    expect(torn.badLines).toEqual([2]);

    await recordOutcome({ repoRoot: repo, entry: entry({ workflowId: 'w3' }) });
    const after = await readLedger(repo);
    expect(after.entries.map((e) => e.workflowId)).toEqual(['w1', 'w3']);
    expect(after.badLines).toEqual([2]);
  });

  it('reads a missing ledger as empty and flags lines that are not entries', async () => {
    expect((await readLedger(repoDir())).entries).toEqual([]);
    const parsed = parseLedger(`${formatLedgerLine(entry())}{"hello":"world"}\n\n[1,2]\n`);
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.badLines).toEqual([2, 4]);
  });
});
