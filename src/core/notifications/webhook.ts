// The generic webhook's JSON body: the whole event for machines, with Web UI links. The
// sender signs the exact bytes of this body (src/adapters/notifiers/signature.ts).
import { eventName, eventRepo, eventWorkflowId, title } from './common.js';
import type { CycleSummary, ImprovementBrief, NotificationEvent, NotificationEventName, RenderContext } from './types.js';
import type { ImprovementResult } from '../types.js';
import type { UndoItem, UndoResult } from '../undo/types.js';

export const WEBHOOK_PAYLOAD_VERSION = 1;

export interface WebhookPayload {
  version: typeof WEBHOOK_PAYLOAD_VERSION;
  /** `applied` … `skipped`, `cycle_summary`, `paused` or `undo`. */
  event: NotificationEventName;
  /** Same on every retry of one delivery: receivers drop duplicates by it. */
  deliveryId: string;
  repo: string;
  title: string;
  link: string | null;
  improvement?: ImprovementResult & { ledgerPath: string | null };
  cycle?: Omit<CycleSummary, 'results'> & { results: (ImprovementBrief & { link: string })[] };
  pause?: { by: string; reason: string; at: string };
  /** An undo run: every change it dealt with, each with the undone run's Web UI link. */
  undo?: Omit<UndoResult, 'items'> & { items: (UndoItem & { link: string })[] };
}

export function renderWebhook(event: NotificationEvent, ctx: RenderContext, deliveryId: string): WebhookPayload {
  const workflowId = eventWorkflowId(event);
  const payload: WebhookPayload = {
    version: WEBHOOK_PAYLOAD_VERSION,
    event: eventName(event),
    deliveryId,
    repo: eventRepo(event),
    title: title(event),
    link: workflowId ? ctx.link(workflowId) : null,
  };
  if (event.kind === 'improvement') payload.improvement = { ...event.result, ledgerPath: event.ledgerPath };
  else if (event.kind === 'cycle_summary') payload.cycle = { ...event.summary, results: event.summary.results.map((r) => ({ ...r, link: ctx.link(r.workflowId) })) };
  else if (event.kind === 'undo') payload.undo = { ...event.result, items: event.result.items.map((i) => ({ ...i, link: ctx.link(i.undoes) })) };
  else payload.pause = { by: event.by, reason: event.reason, at: event.at };
  return payload;
}
