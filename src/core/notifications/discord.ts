// A Discord webhook message: one embed. Limits: title 256, description 4096, 25 fields
// (name 256, value 1024), 6000 characters in all; mentions are disabled so a reason can
// never ping @everyone.
import { cap, countsLine, eventTone, fenceSafe, improvementFacts, linesChanged, OUTCOME_WORDS, repoName, subject, title, type Tone } from './common.js';
import type { NotificationEvent, RenderContext } from './types.js';
import { undoIntro, undoLines } from './undo.js';

export const DISCORD_DESCRIPTION_CHARS = 4096;
const EMBED_TOTAL_CHARS = 6000;
const TITLE_CHARS = 256;
const FIELD_VALUE_CHARS = 1024;
const MAX_FIELDS = 25;

const TONE_COLOURS: Record<Tone, number> = { good: 0x1a7f37, neutral: 0x57606a, bad: 0xcf222e, warn: 0xbf8700 };

export interface DiscordEmbed {
  title: string;
  url?: string;
  description: string;
  color: number;
  fields: { name: string; value: string; inline: boolean }[];
  timestamp: string;
  footer: { text: string };
}

export interface DiscordMessage {
  username: string;
  content: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: string[] };
}

export function renderDiscord(event: NotificationEvent, ctx: RenderContext): DiscordMessage {
  const embed: DiscordEmbed = {
    title: cap(title(event), TITLE_CHARS),
    description: '',
    color: TONE_COLOURS[eventTone(event)],
    fields: [],
    timestamp: '',
    footer: { text: 'Kaizen' },
  };
  if (event.kind === 'improvement') {
    const { result } = event;
    embed.url = ctx.link(result.workflowId);
    embed.timestamp = result.finishedAt;
    embed.fields = improvementFacts(result)
      .slice(0, MAX_FIELDS)
      .map((f) => ({ name: f.label, value: cap(f.code ? `\`${f.value}\`` : f.value, FIELD_VALUE_CHARS), inline: true }));
    const reason = cap(result.reason, 1000);
    const used = embed.title.length + embed.footer.text.length + embed.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
    const room = Math.min(DISCORD_DESCRIPTION_CHARS, EMBED_TOTAL_CHARS - used) - reason.length - 16;
    embed.description = result.diffExcerpt && room > 200 ? `${reason}\n\`\`\`diff\n${cap(fenceSafe(result.diffExcerpt), room)}\n\`\`\`` : reason;
  } else if (event.kind === 'cycle_summary') {
    const { summary } = event;
    embed.url = ctx.link(summary.cycleId);
    embed.timestamp = summary.finishedAt;
    const lines = summary.results.map(
      (r) =>
        `• **${OUTCOME_WORDS[r.outcome]}** [${r.file ?? '(no file)'}](${ctx.link(r.workflowId)}) ` +
        `(${linesChanged(r.linesAdded, r.linesRemoved)}, ${r.findingsFixed} fixed): ${r.reason.replace(/\s+/g, ' ').slice(0, 200)}`,
    );
    const head = `**${repoName(event.repo)}**: ${countsLine(summary) || 'no improvements'}`;
    embed.description = cap([head, ...lines].join('\n'), DISCORD_DESCRIPTION_CHARS);
  } else if (event.kind === 'undo') {
    const { result } = event;
    embed.url = ctx.link(result.workflowId);
    embed.timestamp = result.finishedAt;
    const lines = undoLines(result).map((l) => `• **${l.word}** [${l.label}](${ctx.link(l.workflowId)})${l.detail ? `: ${l.detail.slice(0, 200)}` : ''}`);
    embed.description = cap([undoIntro(result, repoName(result.repo)), ...lines].join('\n'), DISCORD_DESCRIPTION_CHARS);
  } else {
    if (event.workflowId) embed.url = ctx.link(event.workflowId);
    embed.timestamp = event.at;
    embed.description = cap(`Paused by **${event.by}**\n${event.reason}`, DISCORD_DESCRIPTION_CHARS);
  }
  return { username: 'Kaizen', content: cap(subject(event), 2000), embeds: [embed], allowed_mentions: { parse: [] } };
}
