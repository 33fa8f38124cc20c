// `kaizen log`, `stats` and `report` as a user runs them: real processes on a real repository.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLedgerLine } from '../../../src/core/ledger/ledger.js';
import type { LedgerEntry } from '../../../src/core/ledger/types.js';
import { createRepo, GIT_ENV, type TempRepo } from '../../helpers/git-repo.js';
import { fixtureLedger } from '../../helpers/ledger-fixture.js';
import { KAIZEN_ROOT, runKaizen, type CliResult } from '../../helpers/kaizen-process.js';

function kaizen(cwd: string, ...args: string[]): Promise<CliResult> {
  return runKaizen(args, GIT_ENV, { cwd, timeoutMs: 60_000 });
}

let repo: TempRepo;
beforeAll(() => {
  repo = createRepo({ 'a.js': 'var a = 1;\n' });
  mkdirSync(join(repo.path, '.kaizen'));
  const lines = fixtureLedger(12, 4).map(formatLedgerLine);
  lines.splice(3, 0, `${JSON.stringify({ kind: 'cycle', timestamp: '2025-03-08T00:00:00.000Z' })}\n`);
  writeFileSync(join(repo.path, '.kaizen', 'ledger.jsonl'), lines.join(''));
});
afterAll(() => repo.cleanup());

describe('kaizen log, stats and report', () => {
  it('log --json prints the improvements oldest first, filtered by outcome', async () => {
    const all = await kaizen(KAIZEN_ROOT, 'log', repo.path, '--json');
    expect(all.code).toBe(0);
    const entries = JSON.parse(all.stdout) as LedgerEntry[];
    expect(entries).toHaveLength(12);
    const times = entries.map((e) => e.timestamp);
    expect(times).toEqual([...times].sort());
    const rolled = JSON.parse((await kaizen(KAIZEN_ROOT, 'log', repo.path, '--json', '--outcome', 'rolled_back')).stdout) as LedgerEntry[];
    expect(rolled.length).toBeGreaterThan(0);
    expect(rolled.every((e) => e.outcome === 'rolled_back')).toBe(true);
  });

  it('stats --json (from inside the repository) counts outcomes and the other line kinds', async () => {
    const { code, stdout } = await kaizen(repo.path, 'stats', '--json');
    expect(code).toBe(0);
    const stats = JSON.parse(stdout) as { total: number; byOutcome: Record<string, number>; successRate: number; otherKinds: Record<string, number>; successRateDefinition: string };
    expect(stats.total).toBe(12);
    expect(stats.byOutcome).toEqual({ applied: 4, proposed: 4, rolled_back: 2, skipped: 1, failed: 1 });
    expect(stats.successRate).toBeCloseTo(8 / 11);
    expect(stats.otherKinds).toEqual({ cycle: 1 });
    expect(stats.successRateDefinition).toContain('not skipped');
  });

  it('report writes a self-contained page into .kaizen by default', async () => {
    const { code, stdout } = await kaizen(repo.path, 'report');
    expect(code).toBe(0);
    const out = join(repo.path, '.kaizen', 'report.html');
    expect(stdout).toContain(out);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<svg class="chart"/);
  });

  it('explains bad input: a bad --since, a folder that is not a repository', async () => {
    const since = await kaizen(KAIZEN_ROOT, 'log', repo.path, '--since', 'lately');
    expect(since.code).toBe(1);
    expect(since.stderr).toContain("--since must be a duration like 30m, 12h, 7d or 2w, or a date like 2025-01-31, not 'lately'.");
    const plain = mkdtempSync(join(tmpdir(), 'kaizen-plain-'));
    const notRepo = await kaizen(plain, 'stats');
    rmSync(plain, { recursive: true, force: true });
    expect(notRepo.code).toBe(1);
    expect(notRepo.stderr).toMatch(/is not a git repository\. Run this inside a git repository or pass its path\./);
  });
});
