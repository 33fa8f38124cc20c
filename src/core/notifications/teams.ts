// A Microsoft Teams message (incoming webhook or Workflows "post to a channel"): one
// Adaptive Card 1.4. The diff goes in RichTextBlock text runs, which Teams does not read as
// Markdown, so "- removed line" stays a diff line instead of becoming a bullet.
import { cap, countsLine, eventTone, improvementFacts, linesChanged, OUTCOME_WORDS, repoName, title, type Tone } from './common.js';
import type { NotificationEvent, RenderContext } from './types.js';
import { undoIntro, undoLines } from './undo.js';

/** Teams refuses cards over ~28 KB; the diff gets at most this much of it. */
export const TEAMS_DIFF_CHARS = 10_000;
const TEAMS_DIFF_LINES = 150;

const TONE_COLOURS: Record<Tone, string> = { good: 'Good', neutral: 'Default', bad: 'Attention', warn: 'Warning' };

export type CardElement = Record<string, unknown> & { type: string };

export interface TeamsMessage {
  type: 'message';
  attachments: { contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }[];
}

export interface AdaptiveCard {
  $schema: string;
  type: 'AdaptiveCard';
  version: '1.4';
  body: CardElement[];
  actions: CardElement[];
  msteams: { width: 'Full' };
}

const text = (value: string, extra: Record<string, unknown> = {}): CardElement => ({ type: 'TextBlock', text: value, wrap: true, ...extra });
const openUrl = (url: string, label: string): CardElement => ({ type: 'Action.OpenUrl', title: label, url });

export function renderTeams(event: NotificationEvent, ctx: RenderContext): TeamsMessage {
  const body: CardElement[] = [text(title(event), { weight: 'Bolder', size: 'Medium', color: TONE_COLOURS[eventTone(event)] })];
  const actions: CardElement[] = [];
  if (event.kind === 'improvement') {
    const { result } = event;
    body.push(text(cap(result.reason, 2000)));
    body.push({ type: 'FactSet', facts: improvementFacts(result).map((f) => ({ title: f.label, value: f.value })) });
    if (result.diffExcerpt) body.push(diffContainer(result.diffExcerpt));
    actions.push(openUrl(ctx.link(result.workflowId), 'Open in the Temporal Web UI'));
  } else if (event.kind === 'cycle_summary') {
    const { summary } = event;
    body.push(text(`${repoName(event.repo)}: ${countsLine(summary) || 'no improvements'} (${summary.startedAt} – ${summary.finishedAt})`));
    if (summary.results.length) {
      body.push({
        type: 'FactSet',
        facts: summary.results.slice(0, 50).map((r) => ({
          title: OUTCOME_WORDS[r.outcome],
          value: `[${r.file ?? '(no file)'}](${ctx.link(r.workflowId)}) (${linesChanged(r.linesAdded, r.linesRemoved)}, ${r.findingsFixed} fixed): ${r.reason.replace(/\s+/g, ' ').slice(0, 200)}`,
        })),
      });
    }
    actions.push(openUrl(ctx.link(summary.cycleId), 'Open the cycle in the Temporal Web UI'));
  } else if (event.kind === 'undo') {
    const { result } = event;
    body.push(text(cap(undoIntro(result, repoName(result.repo)), 2000)));
    const lines = undoLines(result);
    if (lines.length) body.push({ type: 'FactSet', facts: lines.slice(0, 50).map((l) => ({ title: l.word, value: `[${l.label}](${ctx.link(l.workflowId)})${l.detail ? `: ${l.detail.slice(0, 200)}` : ''}` })) });
    actions.push(openUrl(ctx.link(result.workflowId), 'Open the undo run in the Temporal Web UI'));
  } else {
    body.push(text(`Paused by ${event.by} since ${event.at}`));
    body.push(text(cap(event.reason, 2000)));
    if (event.workflowId) actions.push(openUrl(ctx.link(event.workflowId), 'Open in the Temporal Web UI'));
  }
  const content: AdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    actions,
    msteams: { width: 'Full' },
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }] };
}

function diffContainer(diff: string): CardElement {
  const capped = cap(diff, TEAMS_DIFF_CHARS).split('\n');
  const lines = capped.length > TEAMS_DIFF_LINES ? [...capped.slice(0, TEAMS_DIFF_LINES - 1), '… (truncated)'] : capped;
  return {
    type: 'Container',
    style: 'emphasis',
    items: lines.map((line) => ({
      type: 'RichTextBlock',
      spacing: 'None',
      inlines: [
        {
          type: 'TextRun',
          // An empty run collapses the line; a space keeps blank diff lines visible.
          text: line || ' ',
          fontType: 'Monospace',
          size: 'Small',
          ...(line.startsWith('+') && !line.startsWith('+++') ? { color: 'Good' } : line.startsWith('-') && !line.startsWith('---') ? { color: 'Attention' } : {}),
        },
      ],
    })),
  };
}
