// A Slack incoming-webhook message: Block Kit blocks plus a plain `text` fallback for
// notifications. Limits: header 150 chars, section text 3000, 10 fields of 2000, 50 blocks.
import { cap, countsLine, fenceSafe, improvementFacts, linesChanged, OUTCOME_WORDS, repoName, subject, title } from './common.js';
import type { NotificationEvent, RenderContext } from './types.js';
import { undoIntro, undoLines } from './undo.js';

export const SLACK_TEXT_CHARS = 3000;
const HEADER_CHARS = 150;
const FIELD_CHARS = 2000;
const MAX_FIELDS = 10;
const MAX_LIST_SECTIONS = 20;

type TextObject = { type: 'mrkdwn' | 'plain_text'; text: string; emoji?: boolean };
export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Slack's mrkdwn treats &, < and > as control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const md = (text: string): TextObject => ({ type: 'mrkdwn', text: cap(text, SLACK_TEXT_CHARS) });
const section = (text: string): SlackBlock => ({ type: 'section', text: md(text) });
const linkTo = (url: string, label: string) => `<${url}|${label}>`;

export function renderSlack(event: NotificationEvent, ctx: RenderContext): SlackMessage {
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: cap(title(event), HEADER_CHARS), emoji: true } }];
  if (event.kind === 'improvement') {
    const { result } = event;
    blocks.push(section(escapeSlack(result.reason)));
    const fields = improvementFacts(result).map((f) => md(cap(`*${f.label}*\n${f.code ? `\`${escapeSlack(f.value)}\`` : escapeSlack(f.value)}`, FIELD_CHARS)));
    for (let i = 0; i < fields.length; i += MAX_FIELDS) blocks.push({ type: 'section', fields: fields.slice(i, i + MAX_FIELDS) });
    if (result.diffExcerpt) {
      // The fence takes 8 characters of the 3000.
      blocks.push(section(`\`\`\`\n${cap(fenceSafe(escapeSlack(result.diffExcerpt)), SLACK_TEXT_CHARS - 8)}\n\`\`\``));
    }
    blocks.push(section(linkTo(ctx.link(result.workflowId), 'Open the run in the Temporal Web UI')));
  } else if (event.kind === 'cycle_summary') {
    const { summary } = event;
    blocks.push(section(`*${escapeSlack(repoName(event.repo))}*: ${escapeSlack(countsLine(summary) || 'no improvements')} (${summary.startedAt} – ${summary.finishedAt})`));
    const lines = summary.results.map(
      (r) =>
        `• *${OUTCOME_WORDS[r.outcome]}* ${linkTo(ctx.link(r.workflowId), escapeSlack(r.file ?? '(no file)'))} ` +
        `(${linesChanged(r.linesAdded, r.linesRemoved)}, ${r.findingsFixed} fixed): ${escapeSlack(r.reason.replace(/\s+/g, ' ').slice(0, 300))}`,
    );
    for (const chunk of chunks(lines, SLACK_TEXT_CHARS).slice(0, MAX_LIST_SECTIONS)) blocks.push(section(chunk));
    blocks.push(section(linkTo(ctx.link(summary.cycleId), 'Open the cycle in the Temporal Web UI')));
  } else if (event.kind === 'undo') {
    const { result } = event;
    blocks.push(section(escapeSlack(undoIntro(result, repoName(result.repo)))));
    const lines = undoLines(result).map((l) => `• *${l.word}* ${linkTo(ctx.link(l.workflowId), escapeSlack(l.label))}${l.detail ? `: ${escapeSlack(l.detail)}` : ''}`);
    for (const chunk of chunks(lines, SLACK_TEXT_CHARS).slice(0, MAX_LIST_SECTIONS)) blocks.push(section(chunk));
    blocks.push(section(linkTo(ctx.link(result.workflowId), 'Open the undo run in the Temporal Web UI')));
  } else {
    blocks.push(section(`Paused by *${escapeSlack(event.by)}* since ${event.at}\n${escapeSlack(event.reason)}`));
    if (event.workflowId) blocks.push(section(linkTo(ctx.link(event.workflowId), 'Open it in the Temporal Web UI')));
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Sent by Kaizen' }] });
  return { text: escapeSlack(subject(event)), blocks };
}

/** Joins lines into texts of at most `max` characters (a longer line is cut). */
export function chunks(lines: string[], max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = cap(raw, max);
    if (current && current.length + 1 + line.length > max) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(current);
  return out;
}
