// What a notification channel is told about. Plain JSON: events travel as activity inputs,
// so they carry no secrets (channels name the environment variables that hold them).
import type { ImprovementResult, Outcome } from '../types.js';
import type { UndoResult } from '../undo/types.js';

export type ChannelType = 'email' | 'slack' | 'discord' | 'teams' | 'webhook';
export const CHANNEL_TYPES: readonly ChannelType[] = ['email', 'slack', 'discord', 'teams', 'webhook'];

/** What a channel can subscribe to: every improvement outcome, a cycle's summary, a pause, an undo run. */
export type NotificationEventName = Outcome | 'cycle_summary' | 'paused' | 'undo';
export const NOTIFICATION_EVENT_NAMES: readonly NotificationEventName[] = [
  'applied',
  'proposed',
  'rolled_back',
  'failed',
  'skipped',
  'cycle_summary',
  'paused',
  'undo',
];
/** Everything but `skipped`, which is routine ("nothing to do") and would be noise. */
export const DEFAULT_CHANNEL_EVENTS: readonly NotificationEventName[] = ['applied', 'proposed', 'rolled_back', 'failed', 'cycle_summary', 'paused', 'undo'];

/** Where each channel type reads its URL from when `urlEnv` is not set. */
export const DEFAULT_URL_ENV: Readonly<Record<Exclude<ChannelType, 'email'>, string>> = {
  slack: 'KAIZEN_SLACK_WEBHOOK_URL',
  discord: 'KAIZEN_DISCORD_WEBHOOK_URL',
  teams: 'KAIZEN_TEAMS_WEBHOOK_URL',
  webhook: 'KAIZEN_WEBHOOK_URL',
};
export const DEFAULT_SECRET_ENV = 'KAIZEN_WEBHOOK_SECRET';

/** One improvement as a cycle summary lists it. */
export interface ImprovementBrief {
  workflowId: string;
  file: string | null;
  outcome: Outcome;
  reason: string;
  findingsFixed: number;
  linesAdded: number;
  linesRemoved: number;
  commit?: string;
  branch?: string;
  pullRequest?: { url: string; number: number };
}

export interface CycleSummary {
  /** The cycle workflow's id (its Web UI link). */
  cycleId: string;
  startedAt: string;
  finishedAt: string;
  counts: Record<Outcome, number>;
  results: ImprovementBrief[];
}

export type NotificationEvent =
  | { kind: 'improvement'; result: ImprovementResult; ledgerPath: string | null }
  | { kind: 'cycle_summary'; repo: string; summary: CycleSummary }
  | { kind: 'paused'; repo: string; by: string; reason: string; at: string; workflowId?: string }
  | { kind: 'undo'; result: UndoResult };

/** What renderers need from the outside world: the Web UI link of a workflow. */
export interface RenderContext {
  link(workflowId: string): string;
}
