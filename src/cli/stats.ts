// `kaizen stats [REPO]`: how Kaizen is doing in one repository, from its ledger.
import { formatDuration } from '../core/duration.js';
import { computeStats, type Stats } from '../core/ledger/stats.js';
import { OUTCOMES, STEPS } from '../core/types.js';
import { printJson } from './common.js';
import { firstLine, loadLedger, localOffsetMinutes, localTime, otherKindsNote, warnBadLines } from './log.js';

export const SUCCESS_RATE_DEFINITION = 'applied + proposed, over runs that were not skipped';

function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${Math.round(rate * 100)}%`;
}

export function formatStats(s: Stats, utcOffsetMinutes = 0): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${label.padEnd(14)}${value}`);
  row('today', `${s.today.runs} runs, ${s.today.succeeded} succeeded`);
  row('this week', `${s.thisWeek.runs} runs, ${s.thisWeek.succeeded} succeeded (since Monday)`);
  row('all time', `${s.total} runs: ${OUTCOMES.map((o) => `${o} ${s.byOutcome[o]}`).join(', ')}`);
  row('success rate', `${percent(s.successRate)} (${s.succeeded} of ${s.attempts} attempts; ${SUCCESS_RATE_DEFINITION})`);
  if (s.strategies.length) row('strategies', s.strategies.map((x) => `${x.strategy} ${percent(x.rate)} (${x.succeeded}/${x.attempts})`).join(', '));
  const steps = STEPS.flatMap((step) => (s.meanStepMs[step] === undefined ? [] : [`${step} ${formatDuration(s.meanStepMs[step])}`]));
  if (steps.length) row('mean step', steps.join(', '));
  if (s.meanRunMs !== null) row('mean run', formatDuration(s.meanRunMs));
  if (s.last) row('last', `${localTime(s.last.timestamp, utcOffsetMinutes)} ${s.last.outcome} ${s.last.file ?? '(no file)'}: ${firstLine(s.last.reason, 80)}`);
  if (s.lastSuccess && s.lastSuccess !== s.last) row('last success', `${localTime(s.lastSuccess.timestamp, utcOffsetMinutes)} ${s.lastSuccess.outcome} ${s.lastSuccess.file ?? '(no file)'}`);
  if (s.rollbacks.length) {
    lines.push(`rolled back ${s.byOutcome.rolled_back}, by reason:`);
    for (const r of s.rollbacks) lines.push(`  ${String(r.count).padStart(4)}  ${r.name}`);
  }
  return lines.join('\n');
}

export async function statsCommand(repo: string | undefined, opts: { json?: boolean }): Promise<number> {
  const now = new Date();
  const offset = localOffsetMinutes(now);
  const ledger = await loadLedger(repo);
  warnBadLines(ledger);
  const stats = computeStats(ledger.entries, { now, utcOffsetMinutes: offset });
  if (opts.json) {
    printJson({
      repo: ledger.repoRoot,
      ledgerPath: ledger.ledgerPath,
      generatedAt: now.toISOString(),
      successRateDefinition: SUCCESS_RATE_DEFINITION,
      ...stats,
      otherKinds: ledger.otherKinds,
      unreadableLines: ledger.badLines,
    });
    return 0;
  }
  console.log(`${ledger.repoRoot} (${ledger.ledgerPath})`);
  if (!stats.total) console.log('no improvements recorded yet');
  else console.log(formatStats(stats, offset));
  const note = otherKindsNote(ledger.otherKinds);
  if (note) console.log(`(${note})`);
  return 0;
}
