// The report page: one self-contained HTML file (inline CSS and SVG, no scripts, nothing
// fetched) so it can be mailed, archived or opened from a CI artifact as is.
import { formatDuration } from '../../duration.js';
import { computeStats, isSuccess, sortByTime, type Clock, type Stats } from '../stats.js';
import type { LedgerEntry } from '../types.js';
import { OUTCOME_COLORS, OUTCOME_LABELS, perDay, perRule, perStrategy, stepTimes } from './data.js';
import { esc } from './escape.js';
import { stackedBars, stackedColumns } from './svg.js';

export interface ReportInput extends Clock {
  /** Improvements (other ledger kinds already set aside). */
  entries: LedgerEntry[];
  repoName: string;
  repoPath?: string;
  otherKinds?: Record<string, number>;
  /** How many of the latest changes to show with their diffs. */
  latest?: number;
  /** Days the per-day chart covers at most. */
  maxDays?: number;
}

export const SUCCESS_RATE_NOTE = 'Success rate: applied + proposed over runs that were not skipped.';

const CSS = `
:root { color-scheme: light; --muted: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { margin: 0; background: #f9fafb; color: #111827; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; } h1 span { color: var(--muted); font-weight: 400; }
h2 { font-size: 16px; margin: 0 0 12px; }
.meta, .muted { color: var(--muted); }
section, .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin-top: 16px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-top: 16px; }
.grid2 > .card { margin-top: 0; min-width: 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; }
.tile .value { font-size: 22px; font-weight: 600; } .tile .label { color: var(--muted); font-size: 12px; }
.legend { display: flex; flex-wrap: wrap; gap: 16px; margin: 0 0 8px; font-size: 12px; color: var(--muted); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: middle; }
svg.chart { display: block; width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; } td { padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.n { text-align: right; width: 4em; font-variant-numeric: tabular-nums; }
.change { border-top: 1px solid var(--line); padding: 14px 0; } .change:first-of-type { border-top: 0; }
.change header { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: baseline; }
.badge { color: #fff; border-radius: 4px; padding: 1px 8px; font-size: 12px; font-weight: 600; }
code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code.file { font-size: 13px; font-weight: 600; overflow-wrap: anywhere; }
.reason { margin: 6px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.diff { margin: 8px 0 0; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 0; max-height: 360px; overflow: auto; }
pre.diff span { display: block; padding: 0 12px; white-space: pre; }
pre.diff .add { background: #e6ffec; } pre.diff .del { background: #ffebe9; } pre.diff .hunk { color: #0550ae; background: #ddf4ff; } pre.diff .head { color: var(--muted); }
.nodiff { color: var(--muted); font-style: italic; margin: 6px 0 0; }
footer { margin-top: 16px; color: var(--muted); font-size: 12px; }
@media (max-width: 800px) { .grid2 { grid-template-columns: 1fr; } main { padding: 16px; } }
`;

function localTime(iso: string, utcOffsetMinutes: number): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

function pct(rate: number | null): string {
  return rate === null ? 'n/a' : `${Math.round(rate * 100)}%`;
}

function tiles(s: Stats): string {
  const tile = (value: string | number, label: string) => `<div class="card tile"><div class="value">${esc(value)}</div><div class="label">${esc(label)}</div></div>`;
  return `<div class="tiles">${[
    tile(s.today.runs, `today (${s.today.succeeded} succeeded)`),
    tile(s.thisWeek.runs, `this week (${s.thisWeek.succeeded} succeeded)`),
    tile(pct(s.successRate), `success rate (${s.succeeded} of ${s.attempts} attempts)`),
    tile(s.byOutcome.applied, 'applied'),
    tile(s.byOutcome.proposed, 'proposed'),
    tile(s.byOutcome.rolled_back, 'rolled back'),
    tile(s.meanRunMs === null ? 'n/a' : formatDuration(s.meanRunMs), 'mean run time'),
  ].join('')}</div>`;
}

function legend(names: (keyof typeof OUTCOME_COLORS)[]): string {
  return `<div class="legend">${names.map((o) => `<span><span class="swatch" style="background:${OUTCOME_COLORS[o]}"></span>${esc(OUTCOME_LABELS[o])}</span>`).join('')}</div>`;
}

function rollbackTable(s: Stats): string {
  if (!s.rollbacks.length) return '<p class="muted">Nothing was rolled back.</p>';
  return `<table>${s.rollbacks.map((r) => `<tr><td class="n">${r.count}</td><td>${esc(r.name)}</td></tr>`).join('')}</table>`;
}

/** A unified diff as lines coloured by kind; every line escaped. */
export function renderDiff(diff: string): string {
  const lines = diff.replace(/\n$/, '').split('\n');
  const cls = (line: string) =>
    line.startsWith('+++') || line.startsWith('---') || line.startsWith('===') || line.startsWith('Index:')
      ? 'head'
      : line.startsWith('@@')
        ? 'hunk'
        : line.startsWith('+')
          ? 'add'
          : line.startsWith('-')
            ? 'del'
            : '';
  return `<pre class="diff"><code>${lines.map((l) => `<span${cls(l) ? ` class="${cls(l)}"` : ''}>${esc(l) || ' '}</span>`).join('')}</code></pre>`;
}

function changeArticle(e: LedgerEntry, utcOffsetMinutes: number): string {
  const reason = e.reason.length > 800 ? `${e.reason.slice(0, 800)}…` : e.reason;
  const where = e.commit ? `commit ${e.commit.slice(0, 12)}${e.branch ? ` on ${e.branch}` : ''}` : e.branch ? `branch ${e.branch}` : '';
  const facts = [localTime(e.timestamp, utcOffsetMinutes), String(e.strategy), `+${e.linesAdded ?? 0} −${e.linesRemoved ?? 0} lines`, where, e.workflowId].filter(Boolean);
  return (
    `<article class="change"><header><span class="badge" style="background:${OUTCOME_COLORS[e.outcome]}">${esc(OUTCOME_LABELS[e.outcome])}</span>` +
    `<code class="file">${esc(e.file ?? '(no file)')}</code><span class="muted">${facts.map((f) => esc(f)).join(' · ')}</span></header>` +
    `<p class="reason">${esc(reason)}</p>` +
    (e.diffExcerpt ? renderDiff(e.diffExcerpt) : '<p class="nodiff">no diff recorded</p>') +
    '</article>'
  );
}

export function renderReport(input: ReportInput): string {
  const offset = input.utcOffsetMinutes ?? 0;
  const clock: Clock = { now: input.now, utcOffsetMinutes: offset };
  const entries = sortByTime(input.entries);
  const stats = computeStats(entries, clock);
  const days = perDay(entries, clock, input.maxDays ?? 60);
  const steps = stepTimes(stats.meanStepMs);
  const changes = entries.filter((e) => isSuccess(e.outcome) || e.outcome === 'rolled_back').slice(-(input.latest ?? 15)).reverse();
  const others = Object.entries(input.otherKinds ?? {}).map(([k, n]) => `${k} ${n}`);
  const span = entries.length ? `${entries.length} improvements, ${localTime(entries[0]?.timestamp ?? '', offset)} to ${localTime(entries.at(-1)?.timestamp ?? '', offset)}` : 'no improvements yet';
  const body = [
    `<header><h1>Kaizen report <span>${esc(input.repoName)}</span></h1>`,
    `<p class="meta">${esc([input.repoPath, span, `generated ${localTime(input.now.toISOString(), offset)}`].filter(Boolean).join(' · '))}</p></header>`,
    tiles(stats),
    `<section id="per-day"><h2>Outcomes per day${entries.length ? ` (${esc(days.labels[0] ?? '')} to ${esc(days.labels.at(-1) ?? '')})` : ''}</h2>${legend(['applied', 'proposed', 'rolled_back', 'skipped', 'failed'])}${stackedColumns(days)}</section>`,
    `<div class="grid2"><section class="card" id="per-strategy"><h2>Per strategy</h2>${stackedBars(perStrategy(entries))}</section>`,
    `<section class="card" id="per-rule"><h2>Per rule (verified changes)</h2>${legend(['applied', 'proposed'])}${stackedBars(perRule(entries))}</section></div>`,
    `<div class="grid2"><section class="card" id="rollbacks"><h2>Why changes were rolled back</h2>${rollbackTable(stats)}</section>`,
    `<section class="card" id="steps"><h2>Mean time per step (seconds)</h2>${stackedBars(steps)}</section></div>`,
    `<section id="changes"><h2>Latest changes</h2>${changes.length ? changes.map((e) => changeArticle(e, offset)).join('') : '<p class="muted">No change has been made yet.</p>'}</section>`,
    `<footer>${esc(SUCCESS_RATE_NOTE)}${others.length ? ` Other ledger lines, not counted: ${esc(others.join(', '))}.` : ''}</footer>`,
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Belt and braces: even a missed escape could not load or run anything.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Kaizen report: ${esc(input.repoName)}</title>`,
    `<style>${CSS}</style></head>`,
    `<body><main>${body.join('\n')}</main></body></html>`,
    '',
  ].join('\n');
}
