// Which channels hear about an event, and what exactly each one is sent. Pure: the
// workflow decides this, so a channel that wants nothing costs no activity at all.
import type { NotificationChannel } from '../config/config.js';
import { eventName } from './common.js';
import type { NotificationEvent } from './types.js';

export interface Delivery {
  channel: NotificationChannel;
  event: NotificationEvent;
}

/**
 * - an improvement goes to the channels that list its outcome, except digest channels;
 * - a cycle summary goes to digest channels (listing only the outcomes they subscribe to)
 *   and to the others that list `cycle_summary`;
 * - a pause goes to the channels that list `paused`.
 */
export function deliveriesFor(channels: readonly NotificationChannel[], event: NotificationEvent): Delivery[] {
  const name = eventName(event);
  const out: Delivery[] = [];
  for (const channel of channels) {
    const events: readonly string[] = channel.events;
    if (event.kind === 'improvement') {
      if (!channel.digest && events.includes(name)) out.push({ channel, event });
    } else if (event.kind === 'cycle_summary') {
      if (channel.digest) {
        const results = event.summary.results.filter((r) => events.includes(r.outcome));
        out.push({ channel, event: { ...event, summary: { ...event.summary, results } } });
      } else if (events.includes(name)) out.push({ channel, event });
    } else if (events.includes(name)) out.push({ channel, event });
  }
  return out;
}

/** The id a receiver sees on every attempt of one delivery (for dropping duplicates). */
export function deliveryId(workflowId: string, channelId: string, event: NotificationEvent): string {
  return `${workflowId}:${channelId}:${eventName(event)}`;
}
