// The `notifications` section of kaizen.config.json: the channels (email, Slack, Discord, Teams,
// a signed generic webhook), what each hears about, and the per-channel retries. Secrets never
// appear here, only the names of the variables that hold them. Every key has a default and a
// description (see config.ts).
import { z } from 'zod';
import { Duration, retryPolicy } from './duration.js';
import { CHANNEL_TYPES, DEFAULT_CHANNEL_EVENTS, NOTIFICATION_EVENT_NAMES } from '../notifications/types.js';


/** Only the NAME of a variable travels in config and workflow history; the worker reads its value. */
const EnvName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the NAME of an environment variable holding the secret (e.g. KAIZEN_SLACK_WEBHOOK_URL), never the secret itself');

export const NotificationChannel = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _').describe('name shown in logs and the ledger'),
    type: z.enum(CHANNEL_TYPES).describe('email, slack, discord, teams, or webhook (generic JSON POST, HMAC-signed)'),
    events: z
      .array(z.enum(NOTIFICATION_EVENT_NAMES))
      .min(1)
      .default([...DEFAULT_CHANNEL_EVENTS])
      .describe('what this channel hears about; default: every outcome but skipped, cycle_summary and paused'),
    digest: z.boolean().default(false).describe('one message per cycle listing its changes, instead of one per change'),
    to: z.array(z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'expected an email address')).min(1).optional().describe('email: recipients'),
    from: z.string().min(1).optional().describe('email: sender; default SMTP_FROM, else kaizen@localhost'),
    urlEnv: EnvName.optional().describe('webhooks: variable holding the URL; default KAIZEN_<TYPE>_WEBHOOK_URL (generic: KAIZEN_WEBHOOK_URL)'),
    secretEnv: EnvName.optional().describe('webhook: variable holding the HMAC-SHA256 key; default KAIZEN_WEBHOOK_SECRET'),
    timeout: Duration.default('30s').describe('time limit of one delivery attempt'),
  })
  .strict()
  .superRefine((channel, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (channel.type === 'email') {
      if (!channel.to) problem('to', 'an email channel needs "to": a list of addresses');
      if (channel.urlEnv) problem('urlEnv', 'email reads SMTP_URL or SMTP_HOST/SMTP_PORT/...; urlEnv is for webhooks');
    } else {
      if (channel.to) problem('to', `only email channels have recipients, not ${channel.type}`);
      if (channel.from) problem('from', `only email channels have a sender, not ${channel.type}`);
    }
    if (channel.secretEnv && channel.type !== 'webhook') problem('secretEnv', 'only the generic webhook is signed');
  });

const NotificationRetry = retryPolicy({ maximumAttempts: 5, initialInterval: '2s' }, 'attempts per channel, including the first');

export const Notifications = z
  .object({
    channels: z
      .array(NotificationChannel)
      .default([])
      .superRefine((channels, ctx) => {
        const seen = new Set<string>();
        channels.forEach((c, i) => {
          if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate channel id '${c.id}'` });
          seen.add(c.id);
        });
      })
      .describe('where outcomes are sent besides the ledger and the worker log'),
    retry: NotificationRetry.prefault({}).describe('per-channel retries; a channel that still fails is recorded as undelivered'),
  })
  .strict();

export type NotificationChannel = z.infer<typeof NotificationChannel>;
export type NotificationsConfig = z.infer<typeof Notifications>;
