// The pure side of notifications: every format renders every event, escapes what it must,
// stays within the receivers' limits; which channel hears what; redaction; the config keys.
import { describe, expect, it } from 'vitest';
import { validateConfig, Config } from '../../../src/core/config/config.js';
import { cap, eventName, subject } from '../../../src/core/notifications/common.js';
import { DISCORD_DESCRIPTION_CHARS, renderDiscord } from '../../../src/core/notifications/discord.js';
import { escapeHtml, renderEmail } from '../../../src/core/notifications/email.js';
import { workflowLink } from '../../../src/core/notifications/links.js';
import { webUiBase } from '../../../src/core/config/environment.js';
import { redact, redactUrls } from '../../../src/core/notifications/redact.js';
import { deliveriesFor, deliveryId } from '../../../src/core/notifications/select.js';
import { renderSlack, SLACK_TEXT_CHARS } from '../../../src/core/notifications/slack.js';
import { cycleSummary } from '../../../src/core/notifications/summary.js';
import { renderTeams } from '../../../src/core/notifications/teams.js';
import type { NotificationEvent } from '../../../src/core/notifications/types.js';
import { renderWebhook } from '../../../src/core/notifications/webhook.js';
import { channel, LINK, SAMPLE_DIFF, sampleResult, sampleSummary } from '../../helpers/notify-fixtures.js';

const ctx = { link: LINK };
const improvement = (overrides = {}): NotificationEvent => ({ kind: 'improvement', result: sampleResult(overrides), ledgerPath: '/srv/repos/demo/.kaizen/ledger.jsonl' });
const cycle: NotificationEvent = { kind: 'cycle_summary', repo: '/srv/repos/demo', summary: sampleSummary() };
const paused: NotificationEvent = { kind: 'paused', repo: '/srv/repos/demo', by: 'alice', reason: 'release freeze', at: '2025-03-01T11:00:00.000Z', workflowId: 'governor-demo' };
const undone: NotificationEvent = {
  kind: 'undo',
  result: {
    workflowId: 'kaizen-undo-improvement-a',
    repo: 'https://github.com/acme/shop',
    startedAt: '2025-03-01T12:00:00.000Z',
    finishedAt: '2025-03-01T12:01:00.000Z',
    items: [
      { undoes: 'improvement-a', undoneCommit: 'a'.repeat(40), outcome: 'applied', reason: 'reverted and fast-forwarded main', commit: 'b'.repeat(40), file: 'src/<b>a</b>.js' },
      { undoes: 'improvement-b', undoneCommit: 'c'.repeat(40), outcome: 'proposed', reason: 'revert pull request opened', pullRequest: { url: 'https://github.com/acme/shop/pull/7', number: 7 }, file: 'src/b.js' },
      { undoes: 'improvement-c', undoneCommit: 'd'.repeat(40), outcome: 'failed', reason: 'the revert conflicts with 1234abcd in src/c.js', file: 'src/c.js' },
    ],
  },
};
const ALL: [string, NotificationEvent][] = [['improvement', improvement()], ['cycle_summary', cycle], ['paused', paused], ['undo', undone]];
const hugeDiff = `@@ -1,5000 +1,5000 @@\n${Array.from({ length: 5000 }, (_, i) => `-old line ${i}\n+new line ${i}`).join('\n')}`;

describe('email', () => {
  it('has the issue\'s subject and a text body with every fact, the diff and the run link', () => {
    const email = renderEmail(improvement(), ctx);
    expect(email.subject).toBe('[Kaizen] proposed: src/<b>math</b>.js');
    for (const part of ['src/<b>math</b>.js', '2025-03-01T10:02:00.000Z', '+1 −1', '2 (no-var, prefer-const)', 'npm test passed in 1.2s', '(cached)', 'kaizen/ab12cd34', 'c0ffee00112233445566778899aabbccddeeff00', 'refs/kaizen/backup/ab12cd34', LINK('improvement-demo-1'), SAMPLE_DIFF]) {
      expect(email.text).toContain(part);
    }
  });

  it('escapes everything from outside in the HTML and keeps the link', () => {
    const { html } = renderEmail(improvement(), ctx);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>math</b>');
    expect(html).toContain(escapeHtml('<script>alert("x")</script>'));
    expect(html).toContain('for review &#38; &#60;approval&#62;');
    expect(html).toContain(`<a href="${LINK('improvement-demo-1')}">`);
    expect(html).toContain('refs/kaizen/backup/ab12cd34');
  });

  it('caps a huge diff and keeps line breaks out of the subject', () => {
    const email = renderEmail(improvement({ diffExcerpt: hugeDiff, file: 'a\r\nBcc: evil@example.com' }), ctx);
    expect(email.text.length).toBeLessThan(22_000);
    expect(email.text).toContain('… (truncated)');
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it('renders a cycle digest with one linked line per improvement, and a pause', () => {
    const digest = renderEmail(cycle, ctx);
    expect(digest.subject).toBe('[Kaizen] cycle_summary: demo (1 applied, 1 rolled back, 1 skipped)');
    expect(digest.text).toContain(LINK('improvement-b'));
    expect(digest.html).toContain(`href="${LINK('cycle-demo-7')}"`);
    const pause = renderEmail(paused, ctx);
    expect(pause.subject).toBe('[Kaizen] paused: demo');
    expect(pause.text).toContain('release freeze');
    expect(pause.text).toContain('alice');
  });
});

describe('Slack blocks', () => {
  it('has a header, facts as fields (10 at most per section), the diff in a code block and the link', () => {
    const msg = renderSlack(improvement(), ctx);
    expect(msg.text).toBe('[Kaizen] proposed: src/&lt;b&gt;math&lt;/b&gt;.js');
    expect(msg.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'proposed: src/<b>math</b>.js', emoji: true } });
    const fieldSections = msg.blocks.filter((b) => b.type === 'section' && b.fields);
    expect(fieldSections.length).toBeGreaterThan(0);
    for (const s of fieldSections) expect(s.type === 'section' && s.fields!.length).toBeLessThanOrEqual(10);
    const texts = JSON.stringify(msg.blocks);
    expect(texts).toContain('```\\n--- a/src/&lt;b&gt;math&lt;/b&gt;.js');
    expect(texts).toContain(`<${LINK('improvement-demo-1')}|Open the run in the Temporal Web UI>`);
  });

  it('keeps every text within 3000 characters and under 50 blocks, whatever the diff', () => {
    for (const event of [improvement({ diffExcerpt: hugeDiff, reason: 'x'.repeat(10_000) }), { ...cycle, summary: { ...sampleSummary(), results: Array.from({ length: 500 }, (_, i) => ({ ...sampleSummary().results[0]!, workflowId: `w${i}` })) } } as NotificationEvent]) {
      const msg = renderSlack(event, ctx);
      expect(msg.blocks.length).toBeLessThanOrEqual(50);
      for (const block of msg.blocks) {
        if (block.type === 'section') {
          if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(SLACK_TEXT_CHARS);
          for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
        }
      }
    }
  });
});

describe('Discord embeds', () => {
  it('has one embed with title, link, colour, fields and the diff, and never mentions anyone', () => {
    const msg = renderDiscord(improvement({ reason: '@everyone look' }), ctx);
    const [embed] = msg.embeds;
    expect(embed).toMatchObject({ title: 'proposed: src/<b>math</b>.js', url: LINK('improvement-demo-1'), timestamp: '2025-03-01T10:02:00.000Z' });
    expect(embed!.fields.map((f) => f.name)).toContain('Backup ref');
    expect(embed!.description).toContain('```diff\n--- a/src/<b>math</b>.js');
    expect(msg.allowed_mentions).toEqual({ parse: [] });
  });

  it('stays within 4096 for the description and 6000 for the whole embed', () => {
    const [embed] = renderDiscord(improvement({ diffExcerpt: hugeDiff }), ctx).embeds;
    expect(embed!.description.length).toBeLessThanOrEqual(DISCORD_DESCRIPTION_CHARS);
    const total = embed!.title.length + embed!.description.length + embed!.footer.text.length + embed!.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(embed!.description).toContain('… (truncated)');
  });
});

describe('Teams Adaptive Card', () => {
  it('is a message with one adaptive card attachment: title, facts, diff lines, an Open URL action', () => {
    const msg = renderTeams(improvement(), ctx);
    expect(msg.type).toBe('message');
    const [attachment] = msg.attachments;
    expect(attachment?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = attachment!.content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: 'proposed: src/<b>math</b>.js' });
    expect(card.body.find((b) => b.type === 'FactSet')).toBeDefined();
    const diff = card.body.find((b) => b.type === 'Container') as unknown as { items: { inlines: { text: string; color?: string }[] }[] };
    expect(diff.items.map((i) => i.inlines[0]!.text)).toEqual(SAMPLE_DIFF.split('\n'));
    expect(diff.items[3]!.inlines[0]!.color).toBe('Attention');
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open in the Temporal Web UI', url: LINK('improvement-demo-1') }]);
  });

  it('keeps a huge diff to a card Teams accepts (well under 28 KB of diff)', () => {
    expect(JSON.stringify(renderTeams(improvement({ diffExcerpt: hugeDiff }), ctx)).length).toBeLessThan(28_000);
  });
});

describe('every format renders every event', () => {
  it.each(ALL)('%s', (_name, event) => {
    const texts = [
      JSON.stringify(renderEmail(event, ctx)),
      JSON.stringify(renderSlack(event, ctx)),
      JSON.stringify(renderDiscord(event, ctx)),
      JSON.stringify(renderTeams(event, ctx)),
      JSON.stringify(renderWebhook(event, ctx, 'd1')),
    ];
    const expected = { improvement: 'proposed', paused: 'release freeze', cycle_summary: 'improvement-b', undo: 'the revert conflicts with 1234abcd' }[event.kind];
    for (const text of texts) expect(text).toContain(expected);
  });
});

describe('an undo run', () => {
  it('is titled by its counts in revert words, and each format lists every change with its link and where the revert is', () => {
    expect(subject(undone)).toBe('[Kaizen] undo: shop (1 reverted, 1 revert proposed, 1 not reverted)');
    const email = renderEmail(undone, ctx);
    for (const part of ['reverted: improvement-a (src/<b>a</b>.js) — revert commit bbbbbbbbbbbb', 'revert pull request https://github.com/acme/shop/pull/7', LINK('improvement-c'), LINK('kaizen-undo-improvement-a')]) {
      expect(email.text).toContain(part);
    }
    expect(email.html).not.toContain('<b>a</b>');
    const slack = JSON.stringify(renderSlack(undone, ctx));
    expect(slack).toContain(`<${LINK('improvement-b')}|improvement-b (src/b.js)>`);
    expect(slack).toContain('&lt;b&gt;a&lt;/b&gt;');
    expect(renderDiscord(undone, ctx).embeds[0]).toMatchObject({ url: LINK('kaizen-undo-improvement-a'), timestamp: '2025-03-01T12:01:00.000Z' });
    // A revert that did not go through is bad news, in every colour scheme.
    expect(JSON.stringify(renderTeams(undone, ctx))).toContain('"color":"Attention"');
    const payload = renderWebhook(undone, ctx, 'u');
    expect(payload).toMatchObject({ event: 'undo', repo: 'https://github.com/acme/shop', link: LINK('kaizen-undo-improvement-a') });
    expect(payload.undo?.items.map((i) => [i.undoes, i.outcome, i.link])).toEqual([
      ['improvement-a', 'applied', LINK('improvement-a')],
      ['improvement-b', 'proposed', LINK('improvement-b')],
      ['improvement-c', 'failed', LINK('improvement-c')],
    ]);
  });
});

describe('generic webhook payload', () => {
  it('carries the event name, delivery id, link and the whole result', () => {
    const payload = renderWebhook(improvement(), ctx, 'improvement-demo-1:hook:proposed');
    expect(payload).toMatchObject({ version: 1, event: 'proposed', deliveryId: 'improvement-demo-1:hook:proposed', repo: '/srv/repos/demo', link: LINK('improvement-demo-1') });
    expect(payload.improvement).toMatchObject({ commit: sampleResult().commit, diffExcerpt: SAMPLE_DIFF, ledgerPath: '/srv/repos/demo/.kaizen/ledger.jsonl' });
    const digest = renderWebhook(cycle, ctx, 'c');
    expect(digest.cycle?.results[1]).toMatchObject({ workflowId: 'improvement-b', link: LINK('improvement-b') });
    expect(renderWebhook(paused, ctx, 'p').pause).toEqual({ by: 'alice', reason: 'release freeze', at: '2025-03-01T11:00:00.000Z' });
  });
});

describe('who hears what', () => {
  const perChange = channel({ id: 'team', type: 'slack' });
  const digest = channel({ id: 'daily', type: 'email', to: ['dev@example.com'], digest: true, events: ['applied', 'rolled_back'] });
  const failures = channel({ id: 'alerts', type: 'webhook', events: ['failed', 'rolled_back'] });
  const channels = [perChange, digest, failures];

  it('defaults a channel to every outcome but skipped, plus cycle_summary, paused and undo', () => {
    expect(perChange.events).toEqual(['applied', 'proposed', 'rolled_back', 'failed', 'cycle_summary', 'paused', 'undo']);
    expect(perChange).toMatchObject({ digest: false, timeout: '30s' });
  });

  it('sends each improvement to the non-digest channels that list its outcome', () => {
    expect(deliveriesFor(channels, improvement({ outcome: 'rolled_back' })).map((d) => d.channel.id)).toEqual(['team', 'alerts']);
    expect(deliveriesFor(channels, improvement({ outcome: 'proposed' })).map((d) => d.channel.id)).toEqual(['team']);
    expect(deliveriesFor(channels, improvement({ outcome: 'skipped' }))).toEqual([]);
  });

  it('sends a digest channel one cycle summary listing only its outcomes', () => {
    const out = deliveriesFor(channels, cycle);
    expect(out.map((d) => d.channel.id)).toEqual(['team', 'daily']);
    const daily = out[1]!.event;
    expect(daily.kind === 'cycle_summary' && daily.summary.results.map((r) => r.workflowId)).toEqual(['improvement-a', 'improvement-b']);
    expect(daily.kind === 'cycle_summary' && daily.summary.counts).toEqual(sampleSummary().counts);
    expect(deliveriesFor(channels, paused).map((d) => d.channel.id)).toEqual(['team']);
    // An undo run goes to the channels that list `undo` (the default does), digest or not.
    expect(deliveriesFor(channels, undone).map((d) => d.channel.id)).toEqual(['team']);
  });

  it('gives every attempt of one delivery the same id', () => {
    expect(deliveryId('improvement-1', 'team', improvement())).toBe('improvement-1:team:proposed');
    expect(eventName(cycle)).toBe('cycle_summary');
  });

  it('builds a cycle summary with counts from results', () => {
    const s = cycleSummary('cycle-1', 'a', 'b', [sampleResult({ outcome: 'applied' }), sampleResult({ outcome: 'failed', reason: 'r'.repeat(900) })]);
    expect(s.counts).toEqual({ applied: 1, proposed: 0, rolled_back: 0, failed: 1, skipped: 0 });
    expect(s.results[1]!.reason.length).toBeLessThanOrEqual(500);
    expect(subject({ kind: 'cycle_summary', repo: '/r/x', summary: s })).toBe('[Kaizen] cycle_summary: x (1 applied, 1 failed)');
  });
});

describe('links and redaction', () => {
  it('links to the run in the Web UI: KAIZEN_UI_URL, else the dev server convention, else :8233', () => {
    expect(workflowLink(webUiBase({ KAIZEN_UI_URL: 'https://temporal.example.com/' }), 'prod', 'improvement 1')).toBe('https://temporal.example.com/namespaces/prod/workflows/improvement%201');
    expect(webUiBase({ TEMPORAL_ADDRESS: 'localhost:7300' })).toBe('http://localhost:8300');
    expect(webUiBase({})).toBe('http://localhost:8233');
  });

  it('cuts URLs to scheme and host and removes known secret values', () => {
    expect(redactUrls('POST https://hooks.slack.com/services/T000/B000/XXXX?x=1 failed')).toBe('POST https://hooks.slack.com/… failed');
    expect(redactUrls('to http://user:pw@127.0.0.1:8080/hook')).toBe('to http://127.0.0.1:8080/…');
    expect(redact('login hunter22 refused', ['hunter22', undefined, 'ab'])).toBe('login [redacted] refused');
    expect(cap('abcdef', 10)).toBe('abcdef');
  });
});

describe('notifications config', () => {
  it('has no channels and 5 attempts from 2 s by default', () => {
    expect(Config.parse({}).notifications).toEqual({ channels: [], retry: { maximumAttempts: 5, initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' } });
  });

  it('names every problem, and refuses a secret pasted where a variable name belongs', () => {
    const result = validateConfig({
      notifications: {
        channels: [
          { id: 'mail', type: 'email' },
          { id: 'mail', type: 'slack', urlEnv: 'https://hooks.slack.com/services/T/B/secret', to: ['a@b.c'] },
          { id: 'x', type: 'teams', url: 'https://example.com' },
          { id: 'y', type: 'discord', events: ['merged'] },
        ],
      },
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'notifications.channels.0.to: an email channel needs "to": a list of addresses',
        expect.stringMatching(/^notifications\.channels\.1\.urlEnv: the NAME of an environment variable/),
        'notifications.channels.1.to: only email channels have recipients, not slack',
        'notifications.channels.2.url: unknown key',
        expect.stringMatching(/^notifications\.channels\.3\.events\.0: /),
      ]),
    );
    expect(problems.join('\n')).not.toContain('hooks.slack.com');
    const twice = validateConfig({ notifications: { channels: [{ id: 'team', type: 'slack' }, { id: 'team', type: 'discord' }] } });
    expect(twice.ok ? [] : twice.problems).toEqual(["notifications.channels.1.id: duplicate channel id 'team'"]);
  });
});
