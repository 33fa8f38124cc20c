// The report's chart data: ledger entries grouped per day, per strategy and per rule.
import { countBy, dayKey, type Clock } from '../stats.js';
import { OUTCOMES, STEPS, type Outcome, type StepName } from '../../types.js';
import { type LedgerEntry } from '../types.js';
import type { ChartInput, Series } from './svg.js';

export const OUTCOME_COLORS: Record<Outcome, string> = {
  applied: '#15803d',
  proposed: '#2563eb',
  rolled_back: '#ea580c',
  skipped: '#9ca3af',
  failed: '#b91c1c',
};

export const OUTCOME_LABELS: Record<Outcome, string> = {
  applied: 'applied',
  proposed: 'proposed',
  rolled_back: 'rolled back',
  skipped: 'skipped',
  failed: 'failed',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

function outcomeSeries(groups: LedgerEntry[][], outcomes: readonly Outcome[] = OUTCOMES): Series[] {
  return outcomes.map((o) => ({ name: OUTCOME_LABELS[o], color: OUTCOME_COLORS[o], values: groups.map((g) => g.filter((e) => e.outcome === o).length) }));
}

/** 'Jan 3' from 'YYYY-MM-DD'. */
export function shortDay(key: string): string {
  const [, month, day] = key.split('-');
  return `${MONTHS[Number(month) - 1] ?? month} ${Number(day)}`;
}

/** Every day from the first entry (at most `maxDays` back) to today, empty days included. */
export function perDay(entries: LedgerEntry[], clock: Clock, maxDays = 60): ChartInput & { days: string[] } {
  const offset = clock.utcOffsetMinutes ?? 0;
  const today = dayKey(clock.now, offset);
  const keys = entries.map((e) => dayKey(e.timestamp, offset)).filter((k) => /^\d{4}-\d{2}-\d{2}$/.test(k));
  const first = keys.reduce((a, b) => (b < a ? b : a), today);
  const days: string[] = [];
  const end = Date.parse(today);
  for (let t = Math.max(Date.parse(first), end - (maxDays - 1) * DAY_MS); t <= end; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  const groups = days.map((d) => entries.filter((e) => dayKey(e.timestamp, offset) === d));
  return { title: 'Improvements per day by outcome', labels: days.map(shortDay), days, series: outcomeSeries(groups), emptyText: 'no improvements in this period' };
}

export function perStrategy(entries: LedgerEntry[]): ChartInput {
  const strategies = countBy(entries.map((e) => String(e.strategy))).map((c) => c.name);
  const groups = strategies.map((s) => entries.filter((e) => String(e.strategy) === s));
  return { title: 'Improvements per strategy by outcome', labels: strategies, series: outcomeSeries(groups), emptyText: 'no improvements yet' };
}

/** Rules are recorded only for changes that were verified, so this counts applied and proposed. */
export function perRule(entries: LedgerEntry[], top = 12): ChartInput {
  const fixed = entries.filter((e) => e.outcome === 'applied' || e.outcome === 'proposed');
  const rules = countBy(fixed.flatMap((e) => e.fixedRules ?? [])).slice(0, top).map((c) => c.name);
  const groups = rules.map((r) => fixed.filter((e) => (e.fixedRules ?? []).includes(r)));
  return { title: 'Verified changes per rule', labels: rules, series: outcomeSeries(groups, ['applied', 'proposed']), emptyText: 'no rule fixed yet' };
}

export function stepTimes(meanStepMs: Partial<Record<StepName, number>>): ChartInput & { ms: number[] } {
  const steps = STEPS.filter((s) => meanStepMs[s] !== undefined);
  const ms = steps.map((s) => meanStepMs[s] ?? 0);
  // Seconds, so the bar-end totals read as numbers a person expects.
  const values = ms.map((v) => Math.round(v / 100) / 10);
  return { title: 'Mean seconds per step', labels: [...steps], ms, series: [{ name: 'seconds', color: '#6366f1', values }], emptyText: 'no step timings recorded' };
}
