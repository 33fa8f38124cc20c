// Inline SVG charts for the report: stacked columns (per day) and stacked horizontal bars (per
// strategy, per rule). Every label and tooltip is escaped; sizes are in viewBox units.
import { esc } from './escape.js';

export interface Series {
  name: string;
  color: string;
  /** One value per label. */
  values: number[];
}

export interface ChartInput {
  /** Accessible name of the chart. */
  title: string;
  labels: string[];
  series: Series[];
  /** Shown instead of the chart when every value is 0. */
  emptyText?: string;
}

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';
const AXIS = '#6b7280';
const GRID = '#e5e7eb';

function totals(input: ChartInput): number[] {
  return input.labels.map((_, i) => input.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
}

/** A 1-2-5 step that puts about `count` gridlines up to `max`. */
export function niceStep(max: number, count = 4): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  return Math.max(1, step);
}

function empty(input: ChartInput, width: number, height: number): string {
  return (
    `<svg class="chart empty" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(input.title)}" ${FONT}>` +
    `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="14" fill="${AXIS}">${esc(input.emptyText ?? 'nothing recorded yet')}</text></svg>`
  );
}

function round(n: number): string {
  return Number(n.toFixed(1)).toString();
}

/** Vertical columns, one per label, each stacked by series. */
export function stackedColumns(input: ChartInput, width = 1000, height = 260): string {
  const sums = totals(input);
  const max = Math.max(0, ...sums);
  if (max === 0) return empty(input, width, 120);
  const m = { top: 14, right: 24, bottom: 40, left: 36 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const step = niceStep(max);
  const yMax = Math.ceil(max / step) * step;
  const y = (v: number) => m.top + plotH - (v / yMax) * plotH;
  const band = plotW / input.labels.length;
  const barW = Math.max(1, band * 0.72);
  // Keep x labels at least ~52 units apart so they never overlap.
  const every = Math.max(1, Math.ceil(52 / band));
  const parts: string[] = [];
  for (let v = 0; v <= yMax; v += step) {
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${round(y(v))}" y2="${round(y(v))}" stroke="${GRID}"/>`);
    parts.push(`<text x="${m.left - 6}" y="${round(y(v) + 4)}" text-anchor="end" font-size="11" fill="${AXIS}">${v}</text>`);
  }
  input.labels.forEach((label, i) => {
    const x = m.left + i * band + (band - barW) / 2;
    let base = 0;
    for (const s of input.series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const top = y(base + v);
      parts.push(
        `<rect x="${round(x)}" y="${round(top)}" width="${round(barW)}" height="${round(y(base) - top)}" fill="${s.color}"><title>${esc(`${label} · ${s.name}: ${v}`)}</title></rect>`,
      );
      base += v;
    }
    // Counted from the end, so the latest column always has its label.
    if ((input.labels.length - 1 - i) % every === 0) {
      parts.push(`<text x="${round(x + barW / 2)}" y="${height - m.bottom + 16}" text-anchor="middle" font-size="11" fill="${AXIS}">${esc(label)}</text>`);
    }
  });
  parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${round(y(0))}" y2="${round(y(0))}" stroke="${AXIS}"/>`);
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(input.title)}" ${FONT}>${parts.join('')}</svg>`;
}

/** Horizontal bars, one row per label, each stacked by series, with the row's total at its end. */
export function stackedBars(input: ChartInput, width = 520): string {
  const sums = totals(input);
  const max = Math.max(0, ...sums);
  if (max === 0) return empty(input, width, 80);
  const rowH = 26;
  const barH = 16;
  const charW = 6.6;
  const longest = Math.max(...input.labels.map((l) => l.length));
  const labelW = Math.min(250, Math.max(70, Math.ceil(longest * charW) + 10));
  const maxChars = Math.floor((labelW - 10) / charW);
  const valueW = 36;
  const plotW = width - labelW - valueW;
  const height = input.labels.length * rowH + 8;
  const parts: string[] = [];
  input.labels.forEach((label, i) => {
    const top = 4 + i * rowH;
    const shown = label.length > maxChars ? `${label.slice(0, maxChars - 1)}…` : label;
    parts.push(`<text x="${labelW - 8}" y="${top + barH - 3}" text-anchor="end" font-size="12" fill="#111827"><title>${esc(label)}</title>${esc(shown)}</text>`);
    let x = labelW;
    for (const s of input.series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const w = (v / max) * plotW;
      parts.push(`<rect x="${round(x)}" y="${top}" width="${round(w)}" height="${barH}" fill="${s.color}"><title>${esc(`${label} · ${s.name}: ${v}`)}</title></rect>`);
      x += w;
    }
    parts.push(`<text x="${round(x + 6)}" y="${top + barH - 3}" font-size="12" fill="${AXIS}">${sums[i] ?? 0}</text>`);
  });
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(input.title)}" ${FONT}>${parts.join('')}</svg>`;
}
