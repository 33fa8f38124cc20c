// `kaizen webhook-server`: receives the forge's webhooks (GitHub, GitLab, Gitea/Forgejo),
// checks each against KAIZEN_WEBHOOK_SECRET, and wakes the workflows that follow the pull
// requests it concerns, so a merge, a close or a finished check is seen in seconds rather
// than at the next forge.pollInterval.
import { startWebhookServer } from '../adapters/webhooks/server.js';
import { webhookSecret } from '../core/config/environment.js';
import { client as connect, type GlobalOptions } from './common.js';
import { CliError } from './errors.js';
import { untilStopped } from './stop-signal.js';

export const DEFAULT_WEBHOOK_PORT = 8787;

export interface WebhookServerCommandOptions extends GlobalOptions {
  port?: string;
  host?: string;
}

export async function webhookServerCommand(opts: WebhookServerCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const secret = webhookSecret(env);
  if (!secret) {
    throw new CliError(
      'kaizen webhook-server needs KAIZEN_WEBHOOK_SECRET: the secret your forge signs its webhooks with (GitHub, Gitea: "Secret"; GitLab: "Secret token"). Set the same value in both places; make one with `openssl rand -hex 32`.',
    );
  }
  const port = opts.port === undefined ? DEFAULT_WEBHOOK_PORT : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be a port number (0-65535), not '${opts.port}'.`);
  const host = opts.host ?? '0.0.0.0';
  const server = await startWebhookServer({ client: await connect(opts), secret, port, host, log: (line) => console.log(line) });
  console.log(
    [
      `Webhook server on ${server.url}`,
      'Point a webhook of the repository at it (content type application/json, the secret in KAIZEN_WEBHOOK_SECRET):',
      '  GitHub: events Pull requests, Check suites, Statuses; GitLab: Merge request and Pipeline events; Gitea/Forgejo: Pull Request and Status events.',
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  const signal = await untilStopped();
  console.log(`${signal}: stopping the webhook server…`);
  await server.close();
  return 0;
}
