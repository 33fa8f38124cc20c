import { describe, expect, it } from 'vitest';
import { LEDGER_DIFF_LIMIT, ledgerEntry as toLedgerEntry } from '../../../src/core/improvement/outcome.js';
import { perDay, perRule } from '../../../src/core/ledger/report/data.js';
import { esc } from '../../../src/core/ledger/report/escape.js';
import { renderReport } from '../../../src/core/ledger/report/page.js';
import { niceStep, stackedBars, stackedColumns } from '../../../src/core/ledger/report/svg.js';
import type { ImprovementResult } from '../../../src/core/types.js';
import { fixtureLedger, ledgerEntry } from '../../helpers/ledger-fixture.js';

const NOW = new Date('2025-03-10T20:00:00.000Z');

function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start, `section ${id}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('renderReport', () => {
  const html = renderReport({ entries: fixtureLedger(30, 10), now: NOW, repoName: 'my-app', repoPath: '/src/my-app', otherKinds: { cycle: 4 } });

  it('is one self-contained page: no scripts, nothing fetched', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import/i);
    expect(html).toContain(`default-src 'none'`);
    expect(html).toContain('<title>Kaizen report: my-app</title>');
  });

  it('charts outcomes per day (one column per day, empty days included), per strategy and per rule', () => {
    const perDayChart = section(html, 'per-day');
    expect(perDayChart).toContain('Mar 1 to Mar 10');
    expect(perDayChart.match(/<title>Mar 4 · [^<]+<\/title>/g)?.length).toBeGreaterThan(0);
    expect(section(html, 'per-strategy')).toMatch(/>autofix<.*>llm</s);
    expect(section(html, 'per-rule')).toContain('>prefer-const<');
    expect(section(html, 'steps')).toContain('>verify<');
    expect(section(html, 'rollbacks')).toContain('tests failed after the change');
  });

  it('shows the latest changes newest first, with diffs and "no diff recorded" for old lines', () => {
    const changes = section(html, 'changes');
    const files = [...changes.matchAll(/<code class="file">([^<]*)<\/code>/g)].map((m) => m[1]);
    expect(files).toHaveLength(15);
    expect(changes.indexOf('improve-app-r028')).toBeLessThan(changes.indexOf('improve-app-r025'));
    expect(changes).toContain('<span class="add">+  let sum = 0;</span>');
    expect(changes).toContain('no diff recorded');
    expect(html).toContain('Other ledger lines, not counted: cycle 4.');
  });

  it('escapes file names, reasons, rules, workflow ids and diffs', () => {
    const evil = renderReport({
      entries: [
        ledgerEntry({
          file: 'src/<img onerror=x>.js',
          reason: 'tests failed after the change: <script>alert("x")</script>',
          fixedRules: ['<b>rule</b>'],
          workflowId: 'w"><svg onload=1>',
          diffExcerpt: '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-</pre><script>1</script>\n+ok & done',
        }),
      ],
      now: NOW,
      repoName: '<repo>',
    });
    expect(evil).not.toMatch(/<script|<img|<b>|<svg onload/);
    expect(evil).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(evil).toContain('src/&lt;img onerror=x&gt;.js');
    expect(evil).toContain('<span class="del">-&lt;/pre&gt;&lt;script&gt;1&lt;/script&gt;</span>');
    expect(evil).toContain('+ok &amp; done');
    expect(evil).toContain('&lt;b&gt;rule&lt;/b&gt;');
    expect(evil).toContain('Kaizen report: &lt;repo&gt;');
  });

  it('says so instead of drawing empty charts when nothing was recorded', () => {
    const empty = renderReport({ entries: [], now: NOW, repoName: 'empty' });
    expect(empty).toContain('no improvements in this period');
    expect(empty).toContain('No change has been made yet.');
    expect(empty).not.toContain('<rect');
  });
});

describe('chart data and svg', () => {
  it('covers every day from the first entry to today, at most maxDays', () => {
    const entries = [ledgerEntry({ timestamp: '2025-03-07T23:30:00.000Z' }), ledgerEntry({ timestamp: '2025-03-10T01:00:00.000Z' })];
    expect(perDay(entries, { now: NOW }).days).toEqual(['2025-03-07', '2025-03-08', '2025-03-09', '2025-03-10']);
    // In UTC+1 the first entry falls on the 8th.
    expect(perDay(entries, { now: NOW, utcOffsetMinutes: 60 }).days[0]).toBe('2025-03-08');
    expect(perDay(fixtureLedger(200, 90), { now: NOW }, 30).days).toHaveLength(30);
  });

  it('counts only verified changes per rule, most fixed first', () => {
    const chart = perRule([
      ledgerEntry({ outcome: 'applied', fixedRules: ['eqeqeq', 'no-var'] }),
      ledgerEntry({ outcome: 'proposed', fixedRules: ['no-var'] }),
      ledgerEntry({ outcome: 'rolled_back', fixedRules: ['curly'] }),
    ]);
    expect(chart.labels).toEqual(['no-var', 'eqeqeq']);
    expect(chart.series.map((s) => [s.name, s.values])).toEqual([
      ['applied', [1, 1]],
      ['proposed', [1, 0]],
    ]);
  });

  it('stacks one rect per non-zero value, with a tooltip naming label, series and value', () => {
    const input = { title: 't', labels: ['a', 'b'], series: [{ name: 'x', color: '#000', values: [2, 0] }, { name: 'y', color: '#111', values: [1, 3] }] };
    for (const svg of [stackedColumns(input), stackedBars(input)]) {
      expect(svg.match(/<rect /g)).toHaveLength(3);
      expect(svg).toContain('<title>b · y: 3</title>');
    }
    expect(niceStep(4)).toBe(1);
    expect(niceStep(37)).toBe(10);
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('ledger lines carry the diff', () => {
  const result: ImprovementResult = {
    workflowId: 'w',
    runId: 'r',
    repo: '/r',
    file: 'a.js',
    strategy: 'autofix',
    mode: 'branch',
    outcome: 'proposed',
    reason: 'ready',
    findingsFixed: 1,
    fixedRules: ['no-var'],
    linesAdded: 1,
    linesRemoved: 1,
    steps: [],
    startedAt: '2025-03-10T00:00:00.000Z',
    finishedAt: '2025-03-10T00:01:00.000Z',
  };

  it('records the diff excerpt capped, and none when the run made no change', () => {
    expect(toLedgerEntry({ ...result, diffExcerpt: '+x' }).diffExcerpt).toBe('+x');
    const long = toLedgerEntry({ ...result, diffExcerpt: 'y'.repeat(LEDGER_DIFF_LIMIT + 500) }).diffExcerpt ?? '';
    expect(long.startsWith('y'.repeat(LEDGER_DIFF_LIMIT))).toBe(true);
    expect(long).toContain('(500 more characters)');
    expect(toLedgerEntry(result)).not.toHaveProperty('diffExcerpt');
  });
});
