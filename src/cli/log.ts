// `kaizen log [REPO]`: the ledger as one line per improvement, oldest first. Also the ledger
// loading that `stats` and `report` share: which repository, which file, which lines.
import { parseRepoUrl } from '../core/repository/remote-url.js';
import { mirrorPathOf } from '../activities/workspace/mirror.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ledgerPath, readLedger } from '../activities/ledger.js';
import { locateRepository } from '../adapters/repository.js';
import { NotAGitRepoError, RepoNotFoundError } from '../core/errors.js';
import { ledgerView, type LedgerView } from '../core/ledger/stats.js';
import { OUTCOMES, type Outcome } from '../core/types.js';
import { type LedgerEntry, type UndoEntry } from '../core/ledger/types.js';
import { printJson } from './common.js';
import { CliError } from './errors.js';

export interface LoadedLedger extends LedgerView {
  repoRoot: string;
  ledgerPath: string;
}

/** REPO (default: the cwd) resolved to its git top-level. */
export async function resolveRepoRoot(repo: string | undefined, cwd = process.cwd()): Promise<string> {
  // A repository given by URL: its ledger is beside this machine's mirror (a worker's home).
  const url = repo !== undefined && !existsSync(resolve(cwd, repo)) ? parseRepoUrl(repo) : null;
  if (url) {
    const mirror = mirrorPathOf(url, process.env);
    if (!existsSync(mirror)) {
      throw new CliError(`This machine has no mirror of ${url.url} (${mirror}): its ledger is kept by the workers that ran it. Run this on a worker's host, with the worker's KAIZEN_USER_HOME.`);
    }
    return mirror;
  }
  try {
    return await locateRepository(repo ?? '.', { cwd, env: process.env });
  } catch (err) {
    const dir = resolve(cwd, repo ?? '.');
    if (err instanceof RepoNotFoundError) throw new CliError(`${dir} does not exist or is not a folder. Pass the path of a git repository Kaizen improves.`);
    if (err instanceof NotAGitRepoError) {
      const hint = repo === undefined ? 'Run this inside a git repository or pass its path' : 'Pass the path of a git repository Kaizen improves';
      throw new CliError(`${dir} is not a git repository. ${hint}.`);
    }
    throw err;
  }
}

export async function loadLedger(repo: string | undefined, cwd = process.cwd()): Promise<LoadedLedger> {
  const repoRoot = await resolveRepoRoot(repo, cwd);
  const path = ledgerPath(repoRoot);
  if (!existsSync(path)) {
    throw new CliError(`No ledger yet: ${path} does not exist. Kaizen writes it when an improvement ends; start one with 'kaizen improve ${repo ?? '.'}'.`);
  }
  return { ...ledgerView(await readLedger(repoRoot)), repoRoot, ledgerPath: path };
}

/** The viewer's offset from UTC in minutes, for "today" and the times shown. */
export function localOffsetMinutes(at = new Date()): number {
  return -at.getTimezoneOffset();
}

/** Unreadable lines go to stderr so `--json` output stays parseable. */
export function warnBadLines(ledger: LoadedLedger): void {
  if (!ledger.badLines.length) return;
  const shown = ledger.badLines.slice(0, 10).join(', ');
  process.stderr.write(`kaizen: skipped ${ledger.badLines.length} unreadable line(s) of ${ledger.ledgerPath} (line ${shown}${ledger.badLines.length > 10 ? ', …' : ''})\n`);
}

const UNITS_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `--since`: a duration back from now (30m, 12h, 7d, 2w) or a date (2025-01-31, local midnight) or ISO time. */
export function parseSince(value: string, now: Date, utcOffsetMinutes = 0): Date {
  const duration = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(value.trim());
  if (duration) return new Date(now.getTime() - Number(duration[1]) * (UNITS_MS[duration[2] as string] as number));
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (day) {
    const utc = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    if (!Number.isNaN(utc) && new Date(utc).toISOString().startsWith(value.trim())) return new Date(utc - utcOffsetMinutes * 60_000);
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(value.trim()) && !Number.isNaN(Date.parse(value))) {
    return new Date(Date.parse(value));
  }
  throw new CliError(`--since must be a duration like 30m, 12h, 7d or 2w, or a date like 2025-01-31, not '${value}'.`);
}

export function parseOutcomes(value: string): Outcome[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(OUTCOMES as readonly string[]).includes(n));
  if (!names.length || bad.length) throw new CliError(`--outcome must be one or more of ${OUTCOMES.join(', ')} (comma-separated), not '${value}'.`);
  return names as Outcome[];
}

/** 'YYYY-MM-DD HH:MM' in the viewer's time zone. */
export function localTime(iso: string, utcOffsetMinutes = 0): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso.slice(0, 16);
  return new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

export function firstLine(text: string, max = 100): string {
  const line = (text.split('\n')[0] ?? '').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** One line per entry; `fileWidth` aligns the columns after the file across lines. */
export function formatLogLine(e: LedgerEntry, utcOffsetMinutes = 0, fileWidth = 0): string {
  // A change's id is what `kaizen undo ID` takes.
  const where = e.commit ? `commit ${e.commit.slice(0, 12)}${e.branch ? ` on ${e.branch}` : ''}  id ${e.workflowId}` : e.branch ? `branch ${e.branch}` : '';
  const parts = [localTime(e.timestamp, utcOffsetMinutes), e.outcome.padEnd(11), (e.file ?? '(no file)').padEnd(fileWidth), String(e.strategy).padEnd(7), firstLine(e.reason)];
  return [...parts, where].filter(Boolean).join('  ');
}

/** An undo line: what it reverted, with which commit. */
export function formatUndoLine(u: UndoEntry, utcOffsetMinutes = 0): string {
  const where = u.commit ? `revert ${u.commit.slice(0, 12)}${u.branch ? ` on ${u.branch}` : ''}` : u.pullRequest ? `pull request ${u.pullRequest.url}` : '';
  return [localTime(u.timestamp, utcOffsetMinutes), u.outcome.padEnd(11), `undo ${u.undoes}`, firstLine(u.reason), where].filter(Boolean).join('  ');
}

/** Improvement and undo lines in one list, oldest first (ties keep improvements first). */
export function formatLogWithUndos(entries: LedgerEntry[], undos: UndoEntry[], utcOffsetMinutes = 0): string[] {
  const lines = formatLog(entries, utcOffsetMinutes).map((line, i) => ({ at: Date.parse(entries[i]?.timestamp ?? ''), line }));
  const undone = undos.map((u) => ({ at: Date.parse(u.timestamp), line: formatUndoLine(u, utcOffsetMinutes) }));
  return [...lines, ...undone].map((x, i) => ({ ...x, i })).sort((a, b) => (a.at || 0) - (b.at || 0) || a.i - b.i).map((x) => x.line);
}

export function formatLog(entries: LedgerEntry[], utcOffsetMinutes = 0): string[] {
  const fileWidth = Math.min(40, Math.max(0, ...entries.map((e) => (e.file ?? '(no file)').length)));
  return entries.map((e) => formatLogLine(e, utcOffsetMinutes, fileWidth));
}

export function otherKindsNote(otherKinds: Record<string, number>): string {
  const kinds = Object.entries(otherKinds).map(([kind, n]) => `${kind} ${n}`);
  return kinds.length ? `other ledger lines, not improvements: ${kinds.join(', ')}` : '';
}

export interface LogOptions {
  since?: string;
  outcome?: string;
  json?: boolean;
}

export async function logCommand(repo: string | undefined, opts: LogOptions): Promise<number> {
  const now = new Date();
  const offset = localOffsetMinutes(now);
  const since = opts.since ? parseSince(opts.since, now, offset) : undefined;
  const outcomes = opts.outcome ? parseOutcomes(opts.outcome) : undefined;
  const ledger = await loadLedger(repo);
  warnBadLines(ledger);
  const wanted = (e: { timestamp: string; outcome: Outcome }) => (!since || Date.parse(e.timestamp) >= since.getTime()) && (!outcomes || outcomes.includes(e.outcome));
  const shown = ledger.entries.filter(wanted);
  const undos = ledger.undos.filter(wanted);
  if (opts.json) {
    // Undo lines carry "kind": "undo"; improvement lines have no kind or "improvement".
    printJson([...shown, ...undos].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp)));
    return 0;
  }
  if (!ledger.entries.length) console.log(`no improvements recorded yet in ${ledger.ledgerPath}`);
  else if (!shown.length) console.log(`none of the ${ledger.entries.length} improvements match`);
  for (const line of formatLogWithUndos(shown, undos, offset)) console.log(line);
  const notes = [shown.length !== ledger.entries.length && shown.length ? `${shown.length} of ${ledger.entries.length} improvements shown` : '', otherKindsNote(ledger.otherKinds)];
  for (const note of notes.filter(Boolean)) console.log(`(${note})`);
  return 0;
}
