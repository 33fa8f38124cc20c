// One JSON POST to a webhook, classified for Temporal: 5xx, 408, 425, 429, network errors and
// timeouts are worth retrying; any other 4xx is final. No message ever names the URL's path.
import { NotificationFailedError, NotificationNotConfiguredError, NotificationRejectedError } from '../../core/notifications/errors.js';
import { redact } from '../../core/notifications/redact.js';
import type { ChannelDelivery } from '../../contracts/ports.js';
import { namedSecret } from '../../core/config/environment.js';

const RETRYABLE_STATUSES = new Set([408, 425, 429]);
const BODY_SNIPPET_CHARS = 300;

/** The URL in `variable`, checked; a missing or malformed one names the variable, never the value. */
export function urlFromEnv(delivery: ChannelDelivery, variable: string): URL {
  const value = namedSecret(delivery.env, variable);
  if (!value) throw new NotificationNotConfiguredError(delivery.channel.id, variable, `${variable} is not set`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new NotificationNotConfiguredError(delivery.channel.id, variable, `${variable} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new NotificationNotConfiguredError(delivery.channel.id, variable, `${variable} is not an http(s) URL`);
  }
  return url;
}

export async function postJson(delivery: ChannelDelivery, url: URL, body: string, headers: Record<string, string> = {}): Promise<void> {
  const id = delivery.channel.id;
  const secrets = [url.href, url.pathname.length > 1 ? url.pathname : undefined, url.search || undefined];
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Kaizen', ...headers },
      body,
      signal: delivery.signal,
    });
  } catch (err) {
    throw new NotificationFailedError(id, `POST to ${url.origin} failed: ${redact(describeFetchError(err, delivery), secrets)}`);
  }
  const answer = await response.text().catch(() => '');
  if (response.ok) return;
  const snippet = redact(answer.replace(/\s+/g, ' ').trim().slice(0, BODY_SNIPPET_CHARS), secrets);
  const detail = `${url.origin} answered HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`;
  if (response.status >= 500 || RETRYABLE_STATUSES.has(response.status)) throw new NotificationFailedError(id, detail);
  throw new NotificationRejectedError(id, `HTTP ${response.status}`, detail);
}

function describeFetchError(err: unknown, delivery: ChannelDelivery): string {
  if (delivery.signal.aborted) {
    const reason: unknown = delivery.signal.reason;
    return reason instanceof Error && reason.name === 'TimeoutError' ? `no answer within ${delivery.timeoutMs} ms` : 'cancelled';
  }
  if (!(err instanceof Error)) return String(err);
  // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, ...) in the cause.
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const causeMessage = typeof cause?.message === 'string' ? cause.message : undefined;
  return [err.message, code ?? causeMessage].filter(Boolean).join(': ');
}
