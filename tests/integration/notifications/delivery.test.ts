// Delivery to real receivers started here: an SMTP server (smtp-server) and HTTP servers
// that check each format's payload, the generic webhook's signature, and how failures are
// classified for Temporal's retries. Secrets must never show up in an error.
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivityDeps, ChannelSenders } from '../../../src/contracts/ports.js';
import { createNotifyActivities } from '../../../src/activities/notify.js';
import { createChannelSenders } from '../../../src/adapters/notifiers/index.js';
import { verifyWebhookSignature } from '../../../src/adapters/notifiers/signature.js';
import type { NotificationChannel } from '../../../src/core/config/config.js';
import { ErrorType, type KaizenError } from '../../../src/core/errors.js';
import type { NotificationEvent } from '../../../src/core/notifications/types.js';
import { fakeDeps } from '../workspace/fixtures.js';
import { channel, SAMPLE_DIFF, sampleResult, sampleSummary } from '../../helpers/notify-fixtures.js';
import { decodeHeader, parseMime, selfSignedCert, startHttpReceiver, startSmtpReceiver, type Answer, type HttpReceiver, type SmtpReceiver } from '../../helpers/notify-servers.js';

const TOKEN = 'T0KEN-b7f1c2d9e8';
const PASSWORD = 'pa55-w0rd-9f8e7d';
const SECRET = 'whsec-3c4d5e6f';
const UI = 'http://ui.test:8233';
const event: NotificationEvent = { kind: 'improvement', result: sampleResult(), ledgerPath: null };
const RUN_LINK = `${UI}/namespaces/prod/workflows/improvement-demo-1`;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function http(answer?: (n: number) => Answer): Promise<HttpReceiver> {
  const server = await startHttpReceiver(answer);
  closers.push(() => server.close());
  return server;
}

async function smtp(options: Parameters<typeof startSmtpReceiver>[0] = {}): Promise<SmtpReceiver> {
  const server = await startSmtpReceiver(options);
  closers.push(() => server.close());
  return server;
}

function deliver(ch: NotificationChannel, env: NodeJS.ProcessEnv, ev: NotificationEvent = event, senders?: ChannelSenders) {
  const deps: ActivityDeps = { ...fakeDeps({ KAIZEN_UI_URL: UI, ...env }), ...(senders ? { channelSenders: senders } : {}) };
  return createNotifyActivities(deps).deliverNotification({ channel: ch, event: ev, deliveryId: `improvement-demo-1:${ch.id}:proposed`, namespace: 'prod' });
}

/** Fails with a Kaizen error of this type whose message holds none of the secrets. */
async function expectFailure(promise: Promise<unknown>, type: string, contains?: string): Promise<KaizenError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as KaizenError,
  );
  expect(err.type).toBe(type);
  for (const secret of [TOKEN, PASSWORD, SECRET]) expect(err.message).not.toContain(secret);
  if (contains) expect(err.message).toContain(contains);
  return err;
}

describe('email over SMTP', () => {
  const mail = channel({ id: 'mail', type: 'email', to: ['dev@example.com', 'lead@example.com'] });

  it('logs in and delivers subject, text and HTML with the facts, the diff and the run link', async () => {
    const server = await smtp({ auth: { user: 'kaizen', pass: PASSWORD } });
    await deliver(mail, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(server.port), SMTP_USER: 'kaizen', SMTP_PASSWORD: PASSWORD, SMTP_FROM: 'Kaizen <kaizen@example.com>' });

    expect(server.messages).toHaveLength(1);
    const [message] = server.messages;
    expect(message).toMatchObject({ from: 'kaizen@example.com', to: ['dev@example.com', 'lead@example.com'], user: 'kaizen', secure: false });
    const { headers, parts } = parseMime(message!.raw);
    expect(decodeHeader(headers.subject ?? '')).toBe('[Kaizen] proposed: src/<b>math</b>.js');
    expect(headers['x-kaizen-delivery']).toBe('improvement-demo-1:mail:proposed');
    const text = parts.find((p) => p.headers['content-type']?.startsWith('text/plain'))?.body ?? '';
    const html = parts.find((p) => p.headers['content-type']?.startsWith('text/html'))?.body ?? '';
    for (const fact of ['+1 −1', '2 (no-var, prefer-const)', 'npm test passed', 'kaizen/ab12cd34', 'refs/kaizen/backup/ab12cd34', RUN_LINK]) expect(text).toContain(fact);
    expect(text.replace(/\r\n/g, '\n')).toContain(SAMPLE_DIFF);
    expect(html).toContain(`href="${RUN_LINK}"`);
    expect(html).toContain('&#60;script&#62;');
    expect(html).not.toContain('<script>');
    expect(message!.raw).not.toContain(PASSWORD);
  });

  const cert = selfSignedCert();
  it.skipIf(!cert)('upgrades with STARTTLS when offered (SMTP_URL, SMTP_REQUIRE_TLS) and verifies the certificate', async () => {
    const server = await smtp({ tls: cert!, auth: { user: 'kaizen', pass: PASSWORD } });
    const senders = createChannelSenders({ email: { tls: { ca: cert!.cert } } });
    await deliver(mail, { SMTP_URL: `smtp://kaizen:${encodeURIComponent(PASSWORD)}@127.0.0.1:${server.port}`, SMTP_REQUIRE_TLS: 'true' }, event, senders);
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]).toMatchObject({ secure: true, user: 'kaizen' });

    // Without the CA the certificate is refused (nodemailer reports it as a socket error), without the password in the error.
    await expectFailure(deliver(mail, { SMTP_URL: `smtp://kaizen:${PASSWORD}@127.0.0.1:${server.port}` }), ErrorType.NotificationFailed, 'self-signed certificate');
    expect(server.messages).toHaveLength(1);
  });

  it('refuses to send in clear text when SMTP_REQUIRE_TLS is set and the server offers no STARTTLS', async () => {
    const server = await smtp({ auth: { user: 'kaizen', pass: PASSWORD } });
    await expectFailure(deliver(mail, { SMTP_URL: `smtp://kaizen:${PASSWORD}@127.0.0.1:${server.port}`, SMTP_REQUIRE_TLS: '1' }), ErrorType.NotificationRejected);
    expect(server.messages).toHaveLength(0);
  });

  it('classifies a wrong password and 5xx as final, 4xx as worth retrying, and names missing settings', async () => {
    const server = await smtp({ auth: { user: 'kaizen', pass: 'right-password' } });
    const env = { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(server.port), SMTP_USER: 'kaizen', SMTP_PASSWORD: PASSWORD };
    await expectFailure(deliver(mail, env), ErrorType.NotificationRejected, 'check SMTP_USER and SMTP_PASSWORD');

    const full = await smtp({ rejectWith: 550 });
    await expectFailure(deliver(mail, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(full.port) }), ErrorType.NotificationRejected, 'SMTP 550');
    const busy = await smtp({ rejectWith: 451 });
    await expectFailure(deliver(mail, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(busy.port) }), ErrorType.NotificationFailed, 'SMTP 451');

    await expectFailure(deliver(mail, {}), ErrorType.NotificationNotConfigured, 'SMTP_URL or SMTP_HOST');
    await expectFailure(deliver(mail, { SMTP_HOST: 'x', SMTP_USER: 'kaizen' }), ErrorType.NotificationNotConfigured, 'SMTP_PASSWORD');
    await expectFailure(deliver(mail, { SMTP_URL: `http://kaizen:${PASSWORD}@x` }), ErrorType.NotificationNotConfigured, 'smtp://');
  });
});

describe('Slack, Discord and Teams webhooks', () => {
  const cases = [
    { type: 'slack', variable: 'KAIZEN_SLACK_WEBHOOK_URL', check: (body: Record<string, unknown>) => expect(body).toMatchObject({ text: expect.stringContaining('[Kaizen] proposed'), blocks: expect.arrayContaining([expect.objectContaining({ type: 'header' })]) }) },
    { type: 'discord', variable: 'KAIZEN_DISCORD_WEBHOOK_URL', check: (body: Record<string, unknown>) => expect(body).toMatchObject({ embeds: [expect.objectContaining({ url: RUN_LINK, title: 'proposed: src/<b>math</b>.js' })], allowed_mentions: { parse: [] } }) },
    {
      type: 'teams',
      variable: 'KAIZEN_TEAMS_WEBHOOK_URL',
      check: (body: Record<string, unknown>) =>
        expect(body).toMatchObject({ type: 'message', attachments: [expect.objectContaining({ contentType: 'application/vnd.microsoft.card.adaptive', content: expect.objectContaining({ type: 'AdaptiveCard', actions: [expect.objectContaining({ url: RUN_LINK })] }) })] }),
    },
  ] as const;

  it.each(cases)('$type: posts its format to the URL from $variable', async ({ type, variable, check }) => {
    const server = await http();
    await deliver(channel({ id: type, type }), { [variable]: `${server.url}/services/${TOKEN}` });
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req).toMatchObject({ method: 'POST', path: `/services/${TOKEN}` });
    expect(req!.headers['content-type']).toContain('application/json');
    check(JSON.parse(req!.body) as Record<string, unknown>);
  });

  it.each(cases)('$type: delivers a cycle digest and a pause too', async ({ type, variable }) => {
    const server = await http();
    const env = { [variable]: `${server.url}/hook` };
    await deliver(channel({ id: type, type, digest: true }), env, { kind: 'cycle_summary', repo: '/srv/repos/demo', summary: sampleSummary() });
    await deliver(channel({ id: type, type }), env, { kind: 'paused', repo: '/srv/repos/demo', by: 'alice', reason: 'release freeze', at: '2025-03-01T11:00:00.000Z' });
    expect(server.requests.map((r) => r.body)).toEqual([expect.stringContaining(`${UI}/namespaces/prod/workflows/improvement-b`), expect.stringContaining('release freeze')]);
  });

  it('reads the URL from the channel\'s own variable; a missing or bad one is named, never shown', async () => {
    const server = await http();
    await deliver(channel({ id: 'ops', type: 'slack', urlEnv: 'OPS_SLACK_URL' }), { OPS_SLACK_URL: `${server.url}/ops` });
    expect(server.requests[0]?.path).toBe('/ops');
    await expectFailure(deliver(channel({ id: 'ops', type: 'slack' }), {}), ErrorType.NotificationNotConfigured, 'KAIZEN_SLACK_WEBHOOK_URL is not set');
    await expectFailure(deliver(channel({ id: 'ops', type: 'teams' }), { KAIZEN_TEAMS_WEBHOOK_URL: `ftp://x/${TOKEN}` }), ErrorType.NotificationNotConfigured, 'not an http(s) URL');
  });
});

describe('the generic signed webhook', () => {
  const hook = channel({ id: 'hook', type: 'webhook' });

  it('signs timestamp and exact body with HMAC-SHA256: verifies with the secret, not with another, a changed body or an old timestamp', async () => {
    const server = await http();
    await deliver(hook, { KAIZEN_WEBHOOK_URL: `${server.url}/in/${TOKEN}`, KAIZEN_WEBHOOK_SECRET: SECRET });
    const [req] = server.requests;
    const signature = req!.headers['x-kaizen-signature'] as string;
    const timestamp = req!.headers['x-kaizen-timestamp'] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(req!.headers['x-kaizen-event']).toBe('proposed');
    expect(req!.headers['x-kaizen-delivery']).toBe('improvement-demo-1:hook:proposed');
    expect(JSON.parse(req!.body)).toMatchObject({ version: 1, event: 'proposed', link: RUN_LINK, improvement: { diffExcerpt: SAMPLE_DIFF } });
    expect(req!.body).not.toContain(SECRET);

    const base = { body: req!.body, signature, timestamp };
    expect(verifyWebhookSignature({ ...base, secret: SECRET })).toBe(true);
    expect(verifyWebhookSignature({ ...base, secret: 'another-secret' })).toBe(false);
    expect(verifyWebhookSignature({ ...base, secret: SECRET, body: req!.body.replace('proposed', 'applied') })).toBe(false);
    expect(verifyWebhookSignature({ ...base, secret: SECRET, now: Number(timestamp) + 3600 })).toBe(false);
    expect(verifyWebhookSignature({ ...base, secret: SECRET, timestamp: String(Number(timestamp) - 1) })).toBe(false);
  });

  it('uses the channel\'s secretEnv, and is never sent unsigned', async () => {
    const server = await http();
    await deliver(channel({ id: 'hook', type: 'webhook', secretEnv: 'HOOK_KEY' }), { KAIZEN_WEBHOOK_URL: server.url, HOOK_KEY: SECRET });
    const [req] = server.requests;
    expect(verifyWebhookSignature({ secret: SECRET, body: req!.body, signature: req!.headers['x-kaizen-signature'] as string, timestamp: req!.headers['x-kaizen-timestamp'] as string })).toBe(true);
    await expectFailure(deliver(hook, { KAIZEN_WEBHOOK_URL: server.url }), ErrorType.NotificationNotConfigured, 'KAIZEN_WEBHOOK_SECRET is not set');
    expect(server.requests).toHaveLength(1);
  });
});

describe('failures, classified for Temporal and redacted', () => {
  const slack = channel({ id: 'team', type: 'slack', timeout: '1s' });

  it('5xx, 429 and refused connections are retryable; other 4xx are final; no error shows the URL path', async () => {
    const statuses = [500, 429, 404, 400];
    const server = await http((n) => ({ status: statuses[n - 1] ?? 200, body: `echo /services/${TOKEN}` }));
    const env = { KAIZEN_SLACK_WEBHOOK_URL: `${server.url}/services/${TOKEN}` };
    const e500 = await expectFailure(deliver(slack, env), ErrorType.NotificationFailed, 'HTTP 500');
    expect(e500.message).toContain(server.url);
    await expectFailure(deliver(slack, env), ErrorType.NotificationFailed, 'HTTP 429');
    await expectFailure(deliver(slack, env), ErrorType.NotificationRejected, 'HTTP 404');
    await expectFailure(deliver(slack, env), ErrorType.NotificationRejected, 'HTTP 400');
    await deliver(slack, env);

    const closed = await http();
    await closed.close();
    await expectFailure(deliver(slack, { KAIZEN_SLACK_WEBHOOK_URL: `${closed.url}/services/${TOKEN}` }), ErrorType.NotificationFailed, 'ECONNREFUSED');
  });

  it('gives up on a server that never answers within the channel timeout', async () => {
    const server = await http(() => 'hang');
    const started = Date.now();
    await expectFailure(deliver(slack, { KAIZEN_SLACK_WEBHOOK_URL: `${server.url}/services/${TOKEN}` }), ErrorType.NotificationFailed, 'no answer within 900 ms');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.requests).toHaveLength(1);
  });
});
