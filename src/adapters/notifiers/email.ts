// Email over SMTP with nodemailer. Settings come from the worker's environment at delivery
// time: SMTP_URL, or SMTP_HOST/SMTP_PORT/SMTP_USER/SMTP_PASSWORD/SMTP_SECURE. STARTTLS is
// used whenever the server offers it; SMTP_REQUIRE_TLS=true refuses to send without it.
import type { ConnectionOptions } from 'node:tls';
import nodemailer from 'nodemailer';
import type { ChannelDelivery, ChannelSender } from '../../contracts/ports.js';
import { NotificationFailedError, NotificationNotConfiguredError, NotificationRejectedError } from '../../core/errors.js';
import { renderEmail } from '../../core/notifications/email.js';
import { redact } from '../../core/notifications/redact.js';

export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465); otherwise STARTTLS when offered. */
  secure: boolean;
  requireTLS: boolean;
  auth?: { user: string; pass: string };
  from: string;
}

export interface EmailSenderOptions {
  /** Extra TLS options, e.g. `{ ca }` to trust a private CA (tests use a self-signed one). */
  tls?: ConnectionOptions;
}

const TRUE = /^(1|true|yes|on)$/i;

/** Reads the SMTP settings; anything missing names the variable to set. */
export function smtpSettings(env: NodeJS.ProcessEnv, channel: string, from?: string): SmtpSettings {
  const sender = from ?? env.SMTP_FROM ?? 'Kaizen <kaizen@localhost>';
  const requireTLS = TRUE.test(env.SMTP_REQUIRE_TLS ?? '');
  if (env.SMTP_URL) {
    let url: URL;
    try {
      url = new URL(env.SMTP_URL);
    } catch {
      throw new NotificationNotConfiguredError(channel, 'SMTP_URL', 'SMTP_URL is not a URL (expected smtp://user:password@host:587 or smtps://...)');
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
      throw new NotificationNotConfiguredError(channel, 'SMTP_URL', 'SMTP_URL must start with smtp:// or smtps://');
    }
    const secure = url.protocol === 'smtps:';
    const user = decodeURIComponent(url.username);
    return {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      requireTLS,
      ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
      from: sender,
    };
  }
  if (!env.SMTP_HOST) throw new NotificationNotConfiguredError(channel, 'SMTP_URL or SMTP_HOST', 'no SMTP server is configured');
  const secure = TRUE.test(env.SMTP_SECURE ?? '');
  const port = env.SMTP_PORT ? Number(env.SMTP_PORT) : secure ? 465 : 587;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new NotificationNotConfiguredError(channel, 'SMTP_PORT', 'SMTP_PORT is not a port number');
  if (env.SMTP_USER && env.SMTP_PASSWORD === undefined) {
    throw new NotificationNotConfiguredError(channel, 'SMTP_PASSWORD', 'SMTP_USER is set but SMTP_PASSWORD is not');
  }
  return {
    host: env.SMTP_HOST,
    port,
    secure,
    requireTLS,
    ...(env.SMTP_USER ? { auth: { user: env.SMTP_USER, pass: env.SMTP_PASSWORD ?? '' } } : {}),
    from: sender,
  };
}

/** A nodemailer transport for these settings; STARTTLS is used whenever the server offers it. */
export function smtpTransport(settings: SmtpSettings, timeoutMs: number, tls?: ConnectionOptions) {
  return nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTLS,
    ...(settings.auth ? { auth: settings.auth } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    ...(tls ? { tls } : {}),
  });
}

export function createEmailSender(options: EmailSenderOptions = {}): ChannelSender {
  return {
    async send(d) {
      const settings = smtpSettings(d.env, d.channel.id, d.channel.from);
      const secrets = [settings.auth?.pass, d.env.SMTP_URL, d.env.SMTP_PASSWORD];
      const transport = smtpTransport(settings, d.timeoutMs, options.tls);
      const { subject, text, html } = renderEmail(d.event, d.context);
      try {
        await abortable(
          transport.sendMail({ from: settings.from, to: d.channel.to ?? [], subject, text, html, headers: { 'X-Kaizen-Delivery': d.deliveryId } }),
          d.signal,
        );
      } catch (err) {
        throw classify(d, err, secrets);
      } finally {
        transport.close();
      }
    },
  };
}

/** nodemailer has no AbortSignal: give up waiting (the transport is closed in `finally`). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  message?: string;
}

function classify(d: ChannelDelivery, err: unknown, secrets: (string | undefined)[]): Error {
  const id = d.channel.id;
  if (d.signal.aborted) return new NotificationFailedError(id, `the SMTP server did not finish within ${d.timeoutMs} ms`);
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SmtpError;
  const message = redact(e.message ?? 'unknown error', secrets);
  const status = e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'SMTP');
  if (e.code === 'EAUTH') return new NotificationRejectedError(id, status, `${message} (check SMTP_USER and SMTP_PASSWORD)`);
  // 4xx is the server's "try again later"; 5xx is final.
  if (e.responseCode !== undefined) {
    return e.responseCode >= 500 ? new NotificationRejectedError(id, status, message) : new NotificationFailedError(id, `${status}: ${message}`);
  }
  if (e.code === 'ETLS' || e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return new NotificationRejectedError(id, status, message);
  // ESOCKET/ECONNECTION/ETIMEDOUT; nodemailer reports certificate errors as ESOCKET too.
  return new NotificationFailedError(id, `${status}: ${message}`);
}
