// Slack, Discord, Teams and the generic signed webhook: render, then one POST. The URL (its
// path is the credential) is read from the channel's variable at delivery time.
import type { ChannelDelivery, ChannelSender } from '../../contracts/ports.js';
import { NotificationNotConfiguredError } from '../../core/notifications/errors.js';
import { eventName } from '../../core/notifications/common.js';
import { renderDiscord } from '../../core/notifications/discord.js';
import { renderSlack } from '../../core/notifications/slack.js';
import { renderTeams } from '../../core/notifications/teams.js';
import { DEFAULT_SECRET_ENV, DEFAULT_URL_ENV, type ChannelType } from '../../core/notifications/types.js';
import { renderWebhook } from '../../core/notifications/webhook.js';
import { postJson, urlFromEnv } from './http.js';
import { DELIVERY_HEADER, EVENT_HEADER, signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature.js';
import { namedSecret } from '../../core/config/environment.js';

type WebhookType = Exclude<ChannelType, 'email'>;

function urlOf(delivery: ChannelDelivery, type: WebhookType): URL {
  return urlFromEnv(delivery, delivery.channel.urlEnv ?? DEFAULT_URL_ENV[type]);
}

export function createSlackSender(): ChannelSender {
  return {
    async send(d) {
      await postJson(d, urlOf(d, 'slack'), JSON.stringify(renderSlack(d.event, d.context)));
    },
  };
}

export function createDiscordSender(): ChannelSender {
  return {
    async send(d) {
      await postJson(d, urlOf(d, 'discord'), JSON.stringify(renderDiscord(d.event, d.context)));
    },
  };
}

export function createTeamsSender(): ChannelSender {
  return {
    async send(d) {
      await postJson(d, urlOf(d, 'teams'), JSON.stringify(renderTeams(d.event, d.context)));
    },
  };
}

/** `now` is injectable so tests can sign in the past; real senders use the clock. */
export function createGenericWebhookSender(now: () => number = () => Date.now()): ChannelSender {
  return {
    async send(d) {
      const url = urlOf(d, 'webhook');
      const secretEnv = d.channel.secretEnv ?? DEFAULT_SECRET_ENV;
      const secret = namedSecret(d.env, secretEnv);
      if (!secret) {
        throw new NotificationNotConfiguredError(d.channel.id, secretEnv, `${secretEnv} is not set: the generic webhook is always signed (HMAC-SHA256)`);
      }
      const body = JSON.stringify(renderWebhook(d.event, d.context, d.deliveryId));
      const timestamp = Math.floor(now() / 1000);
      await postJson(d, url, body, {
        [EVENT_HEADER]: eventName(d.event),
        [DELIVERY_HEADER]: d.deliveryId,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
      });
    },
  };
}
