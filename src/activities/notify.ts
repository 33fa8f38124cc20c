// Telling people. `notify` fans one improvement out to the worker's in-process notifiers
// (the log); `deliverNotification` sends one event to one configured channel, so Temporal
// retries a failing channel on its own without sending the others twice.
import type { ActivityDeps, NotificationEvent } from '../contracts/ports.js';
import { activityContext, webUiBaseOf } from './context.js';
import { createChannelSenders, senderFor } from '../adapters/notifiers/index.js';
import type { NotificationChannel } from '../core/config/config.js';
import { durationMs } from '../core/duration.js';
import { KaizenError } from '../core/errors.js';
import { NotificationFailedError } from '../core/notifications/errors.js';
import { eventName } from '../core/notifications/common.js';
import { workflowLink } from '../core/notifications/links.js';
import { namedSecret } from '../core/config/environment.js';
import { smtpSecrets } from '../adapters/notifiers/email.js';
import { redact } from '../core/notifications/redact.js';
import { DEFAULT_SECRET_ENV, DEFAULT_URL_ENV } from '../core/notifications/types.js';
import type { ImprovementResult } from '../core/types.js';

export interface NotifyInput {
  result: ImprovementResult;
  /** Where the ledger line was written, for channels that link to it. */
  ledgerPath: string | null;
}

export interface NotifyResult {
  delivered: string[];
  failed: { id: string; error: string }[];
}

export interface DeliverInput {
  /** Names environment variables, never holds secrets. */
  channel: NotificationChannel;
  event: NotificationEvent;
  /** The same on every attempt (see deliveryId in core/notifications/select.ts). */
  deliveryId: string;
  /** The sending workflow's namespace: Web UI links point into it. */
  namespace: string;
}

export interface DeliverResult {
  channel: string;
  event: string;
}

const ERROR_CHARS = 500;
const DEFAULT_CHANNEL_TIMEOUT = '30s';

/** Fans one improvement out to the worker's in-process notifiers (the log); never throws. */
export async function tellNotifiers(deps: Pick<ActivityDeps, 'notifiers'>, input: NotifyInput): Promise<NotifyResult> {
  const event: NotificationEvent = { kind: 'improvement', result: input.result, ledgerPath: input.ledgerPath };
  // `.then` turns a synchronous throw inside send() into a rejection like any other.
  const outcomes = await Promise.allSettled(deps.notifiers.map((notifier) => Promise.resolve().then(() => notifier.send(event))));
  const delivered: string[] = [];
  const failed: NotifyResult['failed'] = [];
  outcomes.forEach((outcome, i) => {
    const id = deps.notifiers[i]?.id ?? `#${i}`;
    if (outcome.status === 'fulfilled') delivered.push(id);
    else {
      const error = describe(outcome.reason).slice(0, ERROR_CHARS);
      failed.push({ id, error });
      activityContext()?.log.warn('notifier failed', { notifier: id, error });
    }
  });
  return { delivered, failed };
}

export function createNotifyActivities(deps: ActivityDeps) {
  const senders = deps.channelSenders ?? createChannelSenders();
  return {
    async notify(input: NotifyInput): Promise<NotifyResult> {
      return tellNotifiers(deps, input);
    },

    async deliverNotification(input: DeliverInput): Promise<DeliverResult> {
      const { channel, event } = input;
      const ctx = activityContext();
      const timeoutMs = durationMs(channel.timeout ?? DEFAULT_CHANNEL_TIMEOUT);
      // Give up a little before Temporal's start-to-close timeout, so the failure says why.
      const attemptMs = Math.max(100, timeoutMs - Math.min(1000, Math.round(timeoutMs * 0.1)));
      const signals = [AbortSignal.timeout(attemptMs), ...(ctx ? [ctx.cancellationSignal] : [])];
      const base = webUiBaseOf(deps);
      try {
        await senderFor(senders, channel.type).send({
          channel,
          event,
          deliveryId: input.deliveryId,
          context: { link: (workflowId) => workflowLink(base, input.namespace, workflowId) },
          env: deps.env,
          signal: AbortSignal.any(signals),
          timeoutMs: attemptMs,
        });
      } catch (err) {
        if (err instanceof KaizenError) throw err;
        // An unexpected error may quote anything it touched: keep the channel's secrets out.
        throw new NotificationFailedError(channel.id, redact(describe(err), channelSecrets(channel, deps.env)).slice(0, ERROR_CHARS));
      }
      ctx?.log.info('notification delivered', { channel: channel.id, type: channel.type, event: eventName(event) });
      return { channel: channel.id, event: eventName(event) };
    },
  };
}

/** The values this channel reads from the environment, for redaction. */
export function channelSecrets(channel: NotificationChannel, env: NodeJS.ProcessEnv): (string | undefined)[] {
  if (channel.type === 'email') return smtpSecrets(env);
  return [namedSecret(env, channel.urlEnv ?? DEFAULT_URL_ENV[channel.type]), namedSecret(env, channel.secretEnv ?? DEFAULT_SECRET_ENV)];
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message || reason.name : String(reason);
}
