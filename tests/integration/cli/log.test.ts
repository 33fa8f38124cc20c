import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLog, formatLogLine, loadLedger, parseOutcomes, parseSince, resolveRepoRoot } from '../../../src/cli/log.js';
import { CliError } from '../../../src/cli/errors.js';
import { formatStats } from '../../../src/cli/stats.js';
import { computeStats } from '../../../src/core/ledger/stats.js';
import { createRepo, type TempRepo } from '../../helpers/git-repo.js';
import { fixtureLedger, ledgerEntry } from '../../helpers/ledger-fixture.js';

const NOW = new Date('2025-03-12T09:30:00.000Z');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function repo(): TempRepo {
  const r = createRepo({ 'a.js': 'var a = 1;\n' });
  cleanups.push(r.cleanup);
  return r;
}

describe('--since and --outcome', () => {
  it('takes a duration back from now or a date at local midnight', () => {
    expect(parseSince('12h', NOW).toISOString()).toBe('2025-03-11T21:30:00.000Z');
    expect(parseSince('7d', NOW).toISOString()).toBe('2025-03-05T09:30:00.000Z');
    expect(parseSince('2w', NOW).toISOString()).toBe('2025-02-26T09:30:00.000Z');
    expect(parseSince('2025-03-01', NOW, 60).toISOString()).toBe('2025-02-28T23:00:00.000Z');
    expect(parseSince('2025-03-01T08:00:00Z', NOW).toISOString()).toBe('2025-03-01T08:00:00.000Z');
  });

  it.each(['yesterday', '7', '2025-02-30', '-3d'])('rejects %s with an example of what works', (bad) => {
    expect(() => parseSince(bad, NOW)).toThrow(CliError);
    expect(() => parseSince(bad, NOW)).toThrow(/duration like 30m, 12h, 7d or 2w, or a date like 2025-01-31/);
  });

  it('accepts comma-separated outcomes and names the valid ones otherwise', () => {
    expect(parseOutcomes('applied,rolled_back')).toEqual(['applied', 'rolled_back']);
    expect(() => parseOutcomes('applied,landed')).toThrow(/applied, proposed, rolled_back, skipped, failed/);
  });
});

describe('log lines', () => {
  it('shows time, outcome, file, strategy, the first line of the reason and where the change is', () => {
    const line = formatLogLine(
      ledgerEntry({ timestamp: '2025-03-10T12:05:00.000Z', outcome: 'proposed', reason: 'ready for review\nmore detail', commit: 'abcdef1234567890', branch: 'kaizen/x' }),
      60,
    );
    expect(line).toBe('2025-03-10 13:05  proposed     src/a.js  autofix  ready for review  commit abcdef123456 on kaizen/x  id improve-app-1');
    expect(formatLog([ledgerEntry({ file: 'src/long/name.ts', strategy: 'llm' }), ledgerEntry({ outcome: 'skipped', file: null, commit: null, branch: null, reason: 'nothing to do' })])).toEqual([
      '2025-03-10 12:00  proposed     src/long/name.ts  llm      branch kaizen/ab12cd34 is ready for review  commit ffffffffffff on kaizen/ab12cd34  id improve-app-1',
      '2025-03-10 12:00  skipped      (no file)         autofix  nothing to do',
    ]);
  });

  it('summarises stats for a person, with the success rate explained', () => {
    const text = formatStats(computeStats(fixtureLedger(30, 10), { now: new Date('2025-03-10T20:00:00.000Z') }));
    expect(text).toContain('success rate  67% (18 of 27 attempts; applied + proposed, over runs that were not skipped)');
    expect(text).toMatch(/rolled back 6, by reason:\n\s+2  tests failed after the change/);
    expect(text).toMatch(/mean step\s+prepare \d/);
  });
});

describe('finding the ledger', () => {
  it('resolves a subfolder to the repository top-level and defaults to the cwd', async () => {
    const r = repo();
    mkdirSync(join(r.path, 'src', 'deep'), { recursive: true });
    const top = realpathSync(r.path);
    expect(await resolveRepoRoot('src/deep', r.path)).toBe(top);
    expect(await resolveRepoRoot(undefined, join(r.path, 'src'))).toBe(top);
  });

  it('explains a folder that is not a git repository, or does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaizen-notgit-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await expect(resolveRepoRoot(dir)).rejects.toThrow(/is not a git repository\. Pass the path of a git repository/);
    await expect(resolveRepoRoot(undefined, dir)).rejects.toThrow(/Run this inside a git repository or pass its path/);
    await expect(resolveRepoRoot(join(dir, 'missing'))).rejects.toThrow(/does not exist/);
  });

  it('says there is no ledger yet and how to get one', async () => {
    const r = repo();
    await expect(loadLedger(r.path)).rejects.toThrow(/No ledger yet: .*ledger\.jsonl does not exist.*kaizen improve/);
  });

  it('reads improvements and sets aside other kinds and torn lines', async () => {
    const r = repo();
    mkdirSync(join(r.path, '.kaizen'));
    const lines = [JSON.stringify(ledgerEntry()), JSON.stringify({ kind: 'cycle', at: 'x' }), '{"torn'];
    writeFileSync(join(r.path, '.kaizen', 'ledger.jsonl'), `${lines.join('\n')}\n`);
    const ledger = await loadLedger(r.path);
    expect(ledger.entries).toHaveLength(1);
    expect(ledger.otherKinds).toEqual({ cycle: 1 });
    expect(ledger.badLines).toEqual([3]);
  });
});
