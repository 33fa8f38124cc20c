// The notify step: tells every configured channel about one improvement. Channels are
// independent: one that throws or rejects is reported, never allowed to stop the others.
import type { ActivityDeps, NotificationEvent } from './deps.js';
import { activityContext } from './activity-context.js';
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

const ERROR_CHARS = 500;

export function createNotifyActivities(deps: ActivityDeps) {
  return {
    async notify(input: NotifyInput): Promise<NotifyResult> {
      const event: NotificationEvent = { kind: 'improvement', result: input.result, ledgerPath: input.ledgerPath };
      // `.then` turns a synchronous throw inside send() into a rejection like any other.
      const outcomes = await Promise.allSettled(
        deps.notifiers.map((notifier) => Promise.resolve().then(() => notifier.send(event))),
      );
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
    },
  };
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message || reason.name : String(reason);
}
