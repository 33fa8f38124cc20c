// Telling people, from workflow code. The improvement's last step writes its ledger line and
// then tells the worker's log and every configured channel. Each channel is its own activity
// with its own retries; one that still fails becomes an `undelivered` ledger line. Nothing
// here can change an outcome. Only channel and variable NAMES travel: secrets stay on workers.
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { KaizenActivities } from '../../activities/index.js';
import type { NotifyResult } from '../../activities/notify.js';
import { bootstrapActivityOptions, retryPolicy, stepActivityOptions } from './activity-options.js';
import type { Config, NotificationChannel, NotificationsConfig } from '../../core/config/config.js';
import { durationMs } from '../../core/duration.js';
import { NON_RETRYABLE_TYPES } from '../../core/errors.js';
import { eventName } from '../../core/notifications/common.js';
import { redactUrls } from '../../core/notifications/redact.js';
import { deliveriesFor, deliveryId } from '../../core/notifications/select.js';
import type { CycleSummary, NotificationEvent } from '../../core/notifications/types.js';
import { ledgerEntry } from '../../core/improvement/outcome.js';
import type { ImprovementResult, Proposal } from '../../core/types.js';
import { describeFailure } from './failures.js';

/** recordOutcome also tells the worker's notifiers: one activity at the run's end instead of two. */
export const NOTIFY_WITH_LEDGER_LINE = 'notify-with-ledger-line';

export interface NotifyStepInput {
  result: ImprovementResult;
  /** Undefined when the run failed before the repo's config was loaded. */
  config: Config | undefined;
  hostQueue: string;
  llm?: Proposal['llm'];
  /** Adds a line to the run's progress updates. */
  note(message: string): void;
}

export async function recordAndNotify(input: NotifyStepInput): Promise<void> {
  const { result, config, hostQueue } = input;
  const acts = proxyActivities<KaizenActivities>(
    config ? stepActivityOptions('notify', config, hostQueue, 'notify: ledger and channels') : bootstrapActivityOptions(hostQueue, 60_000),
  );
  // The ledger line and the worker's log in one activity (histories from before: two in a row).
  const together = patched(NOTIFY_WITH_LEDGER_LINE);
  let ledgerPath: string | null = null;
  let told: NotifyResult | undefined;
  try {
    const recorded = await acts.recordOutcome({ repoRoot: result.repo, entry: ledgerEntry(result, input.llm), ...(together ? { notify: { result } } : {}) });
    ledgerPath = recorded.ledgerPath;
    told = recorded.notified;
  } catch (err) {
    input.note(`ledger not written: ${describeFailure(err).message}`);
  }
  const logged = (async () => {
    try {
      // Not told yet: the ledger write failed, or the worker predates telling with it.
      const sent = told ?? (await acts.notify({ result, ledgerPath }));
      if (sent.failed.length) input.note(`not delivered to ${sent.failed.map((f) => f.id).join(', ')}`);
    } catch (err) {
      input.note(`notification failed: ${describeFailure(err).message}`);
    }
  })();
  const channels = deliverEvent({
    event: { kind: 'improvement', result, ledgerPath },
    notifications: config?.notifications,
    repoRoot: result.repo,
    taskQueue: hostQueue,
    note: input.note,
  });
  await Promise.all([logged, channels]);
}

export interface DeliverEventInput {
  event: NotificationEvent;
  /** The repo's `notifications` config; undefined sends nothing. */
  notifications: NotificationsConfig | undefined;
  /** Where `undelivered` lines go (`<repoRoot>/.kaizen/ledger.jsonl`). */
  repoRoot: string;
  /** A queue whose workers can write to repoRoot and hold the channels' secrets (the host queue). */
  taskQueue: string;
  note?(message: string): void;
}

export interface DeliveryReport {
  delivered: string[];
  undelivered: { channel: string; error: string }[];
}

/** Sends one event to every channel that wants it, at once; never throws. */
export async function deliverEvent(input: DeliverEventInput): Promise<DeliveryReport> {
  const { notifications, event } = input;
  const report: DeliveryReport = { delivered: [], undelivered: [] };
  if (!notifications) return report;
  const info = workflowInfo();
  await Promise.all(
    deliveriesFor(notifications.channels, event).map(async ({ channel, event: forChannel }) => {
      const id = deliveryId(info.workflowId, channel.id, forChannel);
      try {
        await channelActivities(channel, notifications, input.taskQueue, forChannel).deliverNotification({
          channel,
          event: forChannel,
          deliveryId: id,
          namespace: info.namespace,
        });
        report.delivered.push(channel.id);
      } catch (err) {
        const error = undeliveredReason(err, notifications.retry.maximumAttempts);
        report.undelivered.push({ channel: channel.id, error });
        input.note?.(`notification to ${channel.id} not delivered: ${error}`);
        try {
          await proxyActivities<KaizenActivities>({ ...bootstrapActivityOptions(input.taskQueue, 30_000), summary: `ledger: ${channel.id} undelivered` }).recordUndelivered({
            repoRoot: input.repoRoot,
            entry: {
              kind: 'undelivered',
              timestamp: new Date().toISOString(),
              workflowId: info.workflowId,
              repo: input.repoRoot,
              channel: channel.id,
              channelType: channel.type,
              event: eventName(forChannel),
              deliveryId: id,
              error,
            },
          });
        } catch (ledgerErr) {
          input.note?.(`undelivered notification not recorded: ${describeFailure(ledgerErr).message}`);
        }
      }
    }),
  );
  return report;
}

export interface CycleDigestInput {
  repo: string;
  summary: CycleSummary;
  config: Pick<Config, 'notifications'> | undefined;
  /** See DeliverEventInput.taskQueue. */
  taskQueue: string;
  note?(message: string): void;
}

/** The cycle's one message: digest channels get their outcomes listed, others a summary if they asked. */
export function notifyCycleDigest(input: CycleDigestInput): Promise<DeliveryReport> {
  return deliverEvent({
    event: { kind: 'cycle_summary', repo: input.repo, summary: input.summary },
    notifications: input.config?.notifications,
    repoRoot: input.repo,
    taskQueue: input.taskQueue,
    ...(input.note ? { note: input.note } : {}),
  });
}

export interface PausedInput {
  repo: string;
  by: string;
  reason: string;
  config: Pick<Config, 'notifications'> | undefined;
  taskQueue: string;
  /** The workflow to link to; default: the calling workflow. */
  workflowId?: string;
  note?(message: string): void;
}

export function notifyPaused(input: PausedInput): Promise<DeliveryReport> {
  return deliverEvent({
    event: {
      kind: 'paused',
      repo: input.repo,
      by: input.by,
      reason: input.reason,
      at: new Date().toISOString(),
      workflowId: input.workflowId ?? workflowInfo().workflowId,
    },
    notifications: input.config?.notifications,
    repoRoot: input.repo,
    taskQueue: input.taskQueue,
    ...(input.note ? { note: input.note } : {}),
  });
}

function channelActivities(channel: NotificationChannel, notifications: NotificationsConfig, taskQueue: string, event: NotificationEvent): KaizenActivities {
  return proxyActivities<KaizenActivities>({
    taskQueue,
    startToCloseTimeout: durationMs(channel.timeout),
    retry: retryPolicy(notifications.retry),
    summary: `notify: ${channel.type} ${channel.id} (${eventName(event)})`,
  });
}

function undeliveredReason(err: unknown, attempts: number): string {
  const failure = describeFailure(err);
  const final = failure.type !== null && (NON_RETRYABLE_TYPES as readonly string[]).includes(failure.type);
  // The activity already leaves URLs out; this is the last line of defence.
  const message = redactUrls(failure.message).slice(0, 500);
  return final ? message : `${message} (after ${attempts} attempts)`;
}
