// What the ledger says about how Kaizen is doing: counts, success rate, why changes were rolled
// back, which strategies work, how long steps take. Pure: entries and a clock in, numbers out.
import { parseLedger, type ParsedLedger } from './ledger.js';
import { OUTCOMES, STEPS, type Outcome, type StepName, type Strategy } from '../types.js';
import { type LedgerEntry, type ReviewEntry, type UndoEntry } from './types.js';

/** Improvements from a ledger's text; lines of other kinds (`cycle`, `undelivered`, …) are only counted. */
export interface LedgerView {
  /** Oldest first (by timestamp; ties keep file order). */
  entries: LedgerEntry[];
  otherKinds: Record<string, number>;
  /** What `kaizen undo` did, oldest first. */
  undos: UndoEntry[];
  /** How Kaizen's pull requests ended (`"kind":"review"`), in file order. */
  reviews: ReviewEntry[];
  /** 1-based numbers of lines that could not be read (a torn write, hand edits). */
  badLines: number[];
}

export function readLedgerView(text: string): LedgerView {
  return ledgerView(parseLedger(text));
}

export function ledgerView(parsed: ParsedLedger): LedgerView {
  const otherKinds = { ...parsed.otherKinds };
  if (parsed.undelivered.length) otherKinds.undelivered = (otherKinds.undelivered ?? 0) + parsed.undelivered.length;
  return { entries: sortByTime(parsed.entries), otherKinds, undos: parsed.undos, reviews: parsed.reviews ?? [], badLines: parsed.badLines };
}

export function sortByTime(entries: LedgerEntry[]): LedgerEntry[] {
  return entries
    .map((entry, index) => ({ entry, index, at: Date.parse(entry.timestamp) }))
    .sort((a, b) => (a.at || 0) - (b.at || 0) || a.index - b.index)
    .map((x) => x.entry);
}

/** A clock and the viewer's time zone (minutes east of UTC, e.g. 60 for CET), so "today" is their day. */
export interface Clock {
  now: Date;
  utcOffsetMinutes?: number;
}

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' of an instant in the viewer's time zone. */
export function dayKey(at: Date | string, utcOffsetMinutes = 0): string {
  const ms = (typeof at === 'string' ? Date.parse(at) : at.getTime()) + utcOffsetMinutes * 60_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Start of the viewer's day containing `now`, as an instant. */
export function startOfDay(clock: Clock): Date {
  const offset = (clock.utcOffsetMinutes ?? 0) * 60_000;
  const local = clock.now.getTime() + offset;
  return new Date(local - (((local % DAY_MS) + DAY_MS) % DAY_MS) - offset);
}

/** Start of the viewer's week (Monday) containing `now`. */
export function startOfWeek(clock: Clock): Date {
  const day = startOfDay(clock);
  const weekday = new Date(day.getTime() + (clock.utcOffsetMinutes ?? 0) * 60_000).getUTCDay();
  return new Date(day.getTime() - ((weekday + 6) % 7) * DAY_MS);
}

/** applied and proposed: a verified change exists. */
export function isSuccess(outcome: Outcome): boolean {
  return outcome === 'applied' || outcome === 'proposed';
}

// Reasons start with a fixed phrase the workflow writes; the rest (test output, names) varies.
const FAMILIES: [RegExp, string][] = [
  [/^tests failed after the change/i, 'tests failed after the change'],
  [/^quality gate failed/i, 'quality gate failed'],
  [/^cancelled/i, 'cancelled'],
  [/^not approved/i, 'not approved'],
  [/^rejected/i, 'rejected'],
  [/^target moved/i, 'target moved'],
  [/kept moving during integration/i, 'target kept moving'],
  [/timed? ?out/i, 'timed out'],
];

/** The family a rollback reason belongs to: a known phrase, else its first few words before any detail. */
export function reasonFamily(reason: string): string {
  const text = reason.trim();
  for (const [pattern, family] of FAMILIES) if (pattern.test(text)) return family;
  const head = (text.split(/[:;(\n]/)[0] ?? '').trim().toLowerCase();
  const words = head.split(/\s+/).filter(Boolean).slice(0, 4).join(' ');
  return words || 'no reason given';
}

export interface Count {
  name: string;
  count: number;
}

export interface StrategyStats {
  strategy: Strategy;
  attempts: number;
  succeeded: number;
  /** succeeded / attempts, or null without attempts. */
  rate: number | null;
}

export interface Stats {
  total: number;
  byOutcome: Record<Outcome, number>;
  today: { runs: number; succeeded: number };
  thisWeek: { runs: number; succeeded: number };
  /** Runs that were not skipped: the ones that tried to change something. */
  attempts: number;
  succeeded: number;
  /** (applied + proposed) / attempts; null when nothing was attempted. */
  successRate: number | null;
  rollbacks: Count[];
  strategies: StrategyStats[];
  /** Mean duration of each step over the runs that reached it, in saga order. */
  meanStepMs: Partial<Record<StepName, number>>;
  /** Mean of each run's summed step durations. */
  meanRunMs: number | null;
  last: LedgerEntry | null;
  lastSuccess: LedgerEntry | null;
}

export function computeStats(entries: LedgerEntry[], clock: Clock): Stats {
  const sorted = sortByTime(entries);
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const e of sorted) byOutcome[e.outcome] += 1;
  const dayStart = startOfDay(clock).getTime();
  const weekStart = startOfWeek(clock).getTime();
  const window = (from: number) => {
    const runs = sorted.filter((e) => Date.parse(e.timestamp) >= from);
    return { runs: runs.length, succeeded: runs.filter((e) => isSuccess(e.outcome)).length };
  };
  const attempted = sorted.filter((e) => e.outcome !== 'skipped');
  const succeeded = attempted.filter((e) => isSuccess(e.outcome)).length;
  return {
    total: sorted.length,
    byOutcome,
    today: window(dayStart),
    thisWeek: window(weekStart),
    attempts: attempted.length,
    succeeded,
    successRate: attempted.length ? succeeded / attempted.length : null,
    rollbacks: countBy(sorted.filter((e) => e.outcome === 'rolled_back').map((e) => reasonFamily(e.reason))),
    strategies: strategyStats(attempted),
    ...durations(sorted),
    last: sorted.at(-1) ?? null,
    lastSuccess: sorted.findLast((e) => isSuccess(e.outcome)) ?? null,
  };
}

/** Counts of each name, most frequent first, then alphabetical. */
export function countBy(names: string[]): Count[] {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts.entries()].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

function strategyStats(attempted: LedgerEntry[]): StrategyStats[] {
  const by = new Map<Strategy, StrategyStats>();
  for (const e of attempted) {
    const s = by.get(e.strategy) ?? { strategy: e.strategy, attempts: 0, succeeded: 0, rate: null };
    s.attempts += 1;
    if (isSuccess(e.outcome)) s.succeeded += 1;
    s.rate = s.succeeded / s.attempts;
    by.set(e.strategy, s);
  }
  return [...by.values()].sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0) || b.attempts - a.attempts);
}

function durations(entries: LedgerEntry[]): Pick<Stats, 'meanStepMs' | 'meanRunMs'> {
  const meanStepMs: Partial<Record<StepName, number>> = {};
  for (const step of STEPS) {
    const values = entries.map((e) => e.durationsMs?.[step]).filter((v): v is number => typeof v === 'number');
    if (values.length) meanStepMs[step] = Math.round(mean(values));
  }
  const totals = entries.map((e) => Object.values(e.durationsMs ?? {}).reduce((a, b) => a + (b ?? 0), 0)).filter((t) => t > 0);
  return { meanStepMs, meanRunMs: totals.length ? Math.round(mean(totals)) : null };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
