// The email of one event: subject, plain text and HTML. Everything from the outside world
// (file names, reasons, diffs) is escaped before it goes into the HTML.
import {
  cap,
  countsLine,
  eventTone,
  improvementFacts,
  linesChanged,
  OUTCOME_WORDS,
  repoName,
  subject,
  title,
  type Fact,
  type Tone,
} from './common.js';
import type { NotificationEvent, RenderContext } from './types.js';
import { undoIntro, undoLines } from './undo.js';

export const EMAIL_DIFF_CHARS = 20_000;

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const TONE_COLOURS: Record<Tone, string> = { good: '#1a7f37', neutral: '#57606a', bad: '#cf222e', warn: '#9a6700' };

export function renderEmail(event: NotificationEvent, ctx: RenderContext): RenderedEmail {
  const body =
    event.kind === 'improvement' ? improvementBody(event, ctx) : event.kind === 'cycle_summary' ? cycleBody(event, ctx) : event.kind === 'undo' ? undoBody(event, ctx) : pausedBody(event, ctx);
  const html = [
    '<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#24292f">',
    `<h2 style="color:${TONE_COLOURS[eventTone(event)]};margin:0 0 12px">${escapeHtml(title(event))}</h2>`,
    body.html,
    '<p style="color:#57606a;font-size:12px">Sent by Kaizen.</p>',
    '</body></html>',
  ].join('\n');
  return { subject: oneLine(subject(event)), text: `${body.text}\n\n-- \nSent by Kaizen.\n`, html };
}

type Part = { text: string; html: string };

function improvementBody(event: Extract<NotificationEvent, { kind: 'improvement' }>, ctx: RenderContext): Part {
  const { result } = event;
  const link = ctx.link(result.workflowId);
  const facts = improvementFacts(result);
  if (event.ledgerPath) facts.push({ label: 'Ledger', value: event.ledgerPath, code: true });
  const diff = result.diffExcerpt ? cap(result.diffExcerpt, EMAIL_DIFF_CHARS) : '';
  const intro = `Kaizen ${OUTCOME_WORDS[result.outcome]} ${result.file ?? 'nothing'} in ${repoName(result.repo)}.`;
  const text = [intro, '', result.reason, '', factsText(facts), '', `Web UI: ${link}`, ...(diff ? ['', 'Diff:', diff] : [])].join('\n');
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    `<p style="white-space:pre-wrap">${escapeHtml(result.reason)}</p>`,
    factsHtml(facts),
    `<p><a href="${escapeHtml(link)}">Open the run in the Temporal Web UI</a></p>`,
    diff ? `<h3 style="margin:16px 0 4px">Diff</h3>${diffHtml(diff)}` : '',
  ].join('\n');
  return { text, html };
}

function cycleBody(event: Extract<NotificationEvent, { kind: 'cycle_summary' }>, ctx: RenderContext): Part {
  const { summary } = event;
  const link = ctx.link(summary.cycleId);
  const intro = `Kaizen's cycle over ${repoName(event.repo)} (${summary.startedAt} – ${summary.finishedAt}): ${countsLine(summary) || 'no improvements'}.`;
  const lines = summary.results.map(
    (r) => `- ${OUTCOME_WORDS[r.outcome]}: ${r.file ?? '(no file)'} (${linesChanged(r.linesAdded, r.linesRemoved)}, ${r.findingsFixed} fixed) — ${r.reason}\n  ${ctx.link(r.workflowId)}`,
  );
  const text = [intro, '', ...(lines.length ? lines : ['No changes to report.']), '', `Web UI: ${link}`].join('\n');
  const rows = summary.results
    .map(
      (r) =>
        `<tr><td style="padding:4px 8px">${escapeHtml(OUTCOME_WORDS[r.outcome])}</td>` +
        `<td style="padding:4px 8px"><a href="${escapeHtml(ctx.link(r.workflowId))}"><code>${escapeHtml(r.file ?? '(no file)')}</code></a></td>` +
        `<td style="padding:4px 8px">${escapeHtml(linesChanged(r.linesAdded, r.linesRemoved))}</td>` +
        `<td style="padding:4px 8px">${r.findingsFixed}</td>` +
        `<td style="padding:4px 8px">${escapeHtml(r.reason)}</td></tr>`,
    )
    .join('\n');
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    rows
      ? `<table style="border-collapse:collapse"><tr><th align="left">Outcome</th><th align="left">File</th><th align="left">Lines</th><th align="left">Fixed</th><th align="left">Reason</th></tr>\n${rows}</table>`
      : '<p>No changes to report.</p>',
    `<p><a href="${escapeHtml(link)}">Open the cycle in the Temporal Web UI</a></p>`,
  ].join('\n');
  return { text, html };
}

function undoBody(event: Extract<NotificationEvent, { kind: 'undo' }>, ctx: RenderContext): Part {
  const { result } = event;
  const link = ctx.link(result.workflowId);
  const intro = undoIntro(result, repoName(result.repo));
  const lines = undoLines(result);
  const text = [intro, '', ...lines.map((l) => `- ${l.word}: ${l.label}${l.detail ? ` — ${l.detail}` : ''}\n  ${ctx.link(l.workflowId)}`), '', `Web UI: ${link}`].join('\n');
  const rows = lines
    .map(
      (l) =>
        `<tr><td style="padding:4px 8px">${escapeHtml(l.word)}</td>` +
        `<td style="padding:4px 8px"><a href="${escapeHtml(ctx.link(l.workflowId))}"><code>${escapeHtml(l.label)}</code></a></td>` +
        `<td style="padding:4px 8px">${escapeHtml(l.detail)}</td></tr>`,
    )
    .join('\n');
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    rows ? `<table style="border-collapse:collapse"><tr><th align="left">Outcome</th><th align="left">Change</th><th align="left">Detail</th></tr>\n${rows}</table>` : '',
    `<p><a href="${escapeHtml(link)}">Open the undo run in the Temporal Web UI</a></p>`,
  ].join('\n');
  return { text, html };
}

function pausedBody(event: Extract<NotificationEvent, { kind: 'paused' }>, ctx: RenderContext): Part {
  const intro = `Kaizen is paused for ${repoName(event.repo)} since ${event.at}, by ${event.by}.`;
  const link = event.workflowId ? ctx.link(event.workflowId) : undefined;
  const text = [intro, '', `Reason: ${event.reason}`, ...(link ? ['', `Web UI: ${link}`] : [])].join('\n');
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    `<p>Reason: ${escapeHtml(event.reason)}</p>`,
    link ? `<p><a href="${escapeHtml(link)}">Open it in the Temporal Web UI</a></p>` : '',
  ].join('\n');
  return { text, html };
}

function factsText(facts: Fact[]): string {
  const width = Math.max(...facts.map((f) => f.label.length));
  return facts.map((f) => `${`${f.label}:`.padEnd(width + 2)}${f.value}`).join('\n');
}

function factsHtml(facts: Fact[]): string {
  const rows = facts.map((f) => {
    const value = f.code ? `<code>${escapeHtml(f.value)}</code>` : escapeHtml(f.value);
    return `<tr><th align="left" style="padding:2px 12px 2px 0;color:#57606a;font-weight:normal">${escapeHtml(f.label)}</th><td>${value}</td></tr>`;
  });
  return `<table style="border-collapse:collapse">\n${rows.join('\n')}\n</table>`;
}

function diffHtml(diff: string): string {
  const lines = diff.split('\n').map((line) => {
    const colour = line.startsWith('+') && !line.startsWith('+++') ? '#1a7f37' : line.startsWith('-') && !line.startsWith('---') ? '#cf222e' : line.startsWith('@@') ? '#0969da' : '';
    return colour ? `<span style="color:${colour}">${escapeHtml(line)}</span>` : escapeHtml(line);
  });
  return `<pre style="background:#f6f8fa;padding:8px;font-size:12px;overflow:auto">${lines.join('\n')}</pre>`;
}

/** Header values must not contain line breaks (a file name could). */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
