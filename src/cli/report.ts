// `kaizen report [REPO] --out FILE`: the ledger as one self-contained HTML page.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { renderReport } from '../core/ledger/report/page.js';
import { repoName } from './common.js';
import { CliError } from './errors.js';
import { loadLedger, localOffsetMinutes, warnBadLines } from './log.js';

export interface ReportOptions {
  out?: string;
  latest?: string;
  days?: string;
}

function positive(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} must be a positive whole number, not '${value}'.`);
  return n;
}

export async function reportCommand(repo: string | undefined, opts: ReportOptions): Promise<number> {
  const latest = positive(opts.latest, '--latest', 15);
  const maxDays = positive(opts.days, '--days', 60);
  const ledger = await loadLedger(repo);
  warnBadLines(ledger);
  const now = new Date();
  const html = renderReport({
    entries: ledger.entries,
    now,
    utcOffsetMinutes: localOffsetMinutes(now),
    repoName: repoName(ledger.repoRoot),
    repoPath: ledger.repoRoot,
    otherKinds: ledger.otherKinds,
    latest,
    maxDays,
  });
  // The default sits in <repo>/.kaizen, which ignores itself: no stray file in `git status`.
  const out = opts.out ? resolve(opts.out) : join(ledger.repoRoot, '.kaizen', 'report.html');
  try {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, html);
  } catch (err) {
    throw new CliError(`Cannot write the report to ${out}: ${(err as Error).message}. Pass --out with a writable path.`);
  }
  console.log(`wrote ${out} (${ledger.entries.length} improvements)`);
  return 0;
}
