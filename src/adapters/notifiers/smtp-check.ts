// `kaizen doctor`'s SMTP check: connects to the configured server the way the email notifier
// will (same settings, STARTTLS and login when configured) and says what failed. Never throws.
import { NotificationNotConfiguredError } from '../../core/notifications/errors.js';
import { redact } from '../../core/notifications/redact.js';
import { smtpSettings, type Environment } from '../../core/config/environment.js';
import { smtpConnection, smtpSecrets, smtpTransport } from './email.js';

export type SmtpCheck =
  | { kind: 'not_configured' }
  /** A variable is malformed; `variable` names it (never its value). */
  | { kind: 'invalid'; variable: string; message: string }
  | { kind: 'ok'; endpoint: string; login: boolean }
  | { kind: 'auth_failed'; endpoint: string; message: string }
  | { kind: 'unreachable'; endpoint: string; message: string };

export async function checkSmtp(env: Environment, timeoutMs = 5_000): Promise<SmtpCheck> {
  const smtp = smtpSettings(env);
  if (!smtp.url && !smtp.host) return { kind: 'not_configured' };
  let settings: ReturnType<typeof smtpConnection>;
  try {
    settings = smtpConnection(env, 'doctor');
  } catch (err) {
    if (err instanceof NotificationNotConfiguredError) return { kind: 'invalid', variable: err.variable, message: err.message };
    throw err;
  }
  const endpoint = `${settings.secure ? 'smtps' : 'smtp'}://${settings.host}:${settings.port}`;
  const transport = smtpTransport(settings, timeoutMs);
  try {
    await transport.verify();
    return { kind: 'ok', endpoint, login: settings.auth !== undefined };
  } catch (err) {
    const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: string; message?: string };
    const message = redact(e.message ?? String(err), smtpSecrets(env, settings));
    if (e.code === 'EAUTH') return { kind: 'auth_failed', endpoint, message };
    return { kind: 'unreachable', endpoint, message: e.code && !message.includes(e.code) ? `${e.code}: ${message}` : message };
  } finally {
    transport.close();
  }
}
