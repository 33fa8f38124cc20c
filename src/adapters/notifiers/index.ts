// The registry of channel senders: one per channel type.
import type { ChannelSender, ChannelSenders } from '../../contracts/ports.js';
import { CHANNEL_TYPES } from '../../core/notifications/types.js';
import { createEmailSender, type EmailSenderOptions } from './email.js';
import { createDiscordSender, createGenericWebhookSender, createSlackSender, createTeamsSender } from './webhook.js';

export function createChannelSenders(options: { email?: EmailSenderOptions } = {}): ChannelSenders {
  return {
    email: createEmailSender(options.email),
    slack: createSlackSender(),
    discord: createDiscordSender(),
    teams: createTeamsSender(),
    webhook: createGenericWebhookSender(),
  };
}

export function senderFor(senders: ChannelSenders, type: string): ChannelSender {
  const sender = (senders as Partial<Record<string, ChannelSender>>)[type];
  if (!sender) throw new Error(`unknown notification channel type '${type}'; valid types: ${CHANNEL_TYPES.join(', ')}`);
  return sender;
}
