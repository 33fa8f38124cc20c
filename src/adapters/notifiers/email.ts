// Email over SMTP with nodemailer. Settings come from the worker's environment at delivery
// time: SMTP_URL, or SMTP_HOST/SMTP_PORT/SMTP_USER/SMTP_PASSWORD/SMTP_SECURE. STARTTLS is
// used whenever the server offers it; SMTP_REQUIRE_TLS=true refuses to send without it.
import type { ConnectionOptions } from 'node:tls';
import nodemailer from 'nodemailer';
import type { ChannelDelivery, ChannelSender } from '../../contracts/ports.js';
import { NotificationFailedError, NotificationNotConfiguredError, NotificationRejectedError } from '../../core/notifications/errors.js';
import { renderEmail } from '../../core/notifications/email.js';
import { redact } from '../../core/notifications/redact.js';
import { smtpSettings, type Environment } from '../../core/config/environment.js';

export interface SmtpConnection {
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

/** The SMTP connection the environment describes; anything missing or malformed names the variable to set. */
export function smtpConnection(env: Environment, channel: string, from?: string): SmtpConnection {
  const smtp = smtpSettings(env);
  const sender = from ?? smtp.from ?? 'Kaizen <kaizen@localhost>';
  const requireTLS = smtp.requireTls;
  if (smtp.url) {
    let url: URL;
    try {
      url = new URL(smtp.url);
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
  if (!smtp.host) throw new NotificationNotConfiguredError(channel, 'SMTP_URL or SMTP_HOST', 'no SMTP server is configured');
  const port = smtp.port ? Number(smtp.port) : smtp.secure ? 465 : 587;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new NotificationNotConfiguredError(channel, 'SMTP_PORT', 'SMTP_PORT is not a port number');
  if (smtp.user && smtp.password === undefined) {
    throw new NotificationNotConfiguredError(channel, 'SMTP_PASSWORD', 'SMTP_USER is set but SMTP_PASSWORD is not');
  }
  return {
    host: smtp.host,
    port,
    secure: smtp.secure,
    requireTLS,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    from: sender,
  };
}

/** The secrets an SMTP error message must never show. */
export function smtpSecrets(env: Environment, connection?: SmtpConnection): (string | undefined)[] {
  const smtp = smtpSettings(env);
  return [connection?.auth?.pass, smtp.url, smtp.password];
}

/** A nodemailer transport for these settings; STARTTLS is used whenever the server offers it. */
export function smtpTransport(settings: SmtpConnection, timeoutMs: number, tls?: ConnectionOptions) {
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
      const settings = smtpConnection(d.env, d.channel.id, d.channel.from);
      const secrets = smtpSecrets(d.env, settings);
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
