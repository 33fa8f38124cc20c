// An improvement's check-in with its repository's governor, as one request built from the
// run and the repository's config. The workflow asks it as a local activity, or — so the
// answer costs the run no time of its own — prepare asks it on the worker while the worktree
// is made (activities/governor.ts `checkInBeside`); both send exactly this request. Pure.
import type { Config } from '../config/config.js';
import type { Strategy } from '../types.js';
import { slotLeaseMs } from './budget.js';
import type { GovernorTarget, SlotAnswer, SlotRequest } from './protocol.js';

/** What the run knows before the repository's config is read. */
export interface CheckInRun {
  workflowId: string;
  file: string | null;
  family: string | null;
  strategy: Strategy;
  enforceBudget: boolean;
}

/** A check-in to send once the config is known: to whom, for which run, from which host. */
export interface CheckInCall {
  target: GovernorTarget;
  run: CheckInRun;
  /** The queue of the host that holds the run's worktree (the governor's notifications go there). */
  hostQueue: string;
}

/** The governor's answer, or why it could not be asked (the workflow then asks it itself). */
export type CheckInOutcome = { answer: SlotAnswer } | { failed: string };

export function slotRequestFor(run: CheckInRun, config: Config, hostQueue: string): SlotRequest {
  return {
    workflowId: run.workflowId,
    requestedBy: run.workflowId,
    file: run.file,
    family: run.family,
    fixable: true,
    strategies: [run.strategy],
    strategy: run.strategy,
    limits: config.budget,
    enforceBudget: run.enforceBudget,
    opensPullRequest: config.mode === 'pr',
    leaseMs: slotLeaseMs(config),
    ...(config.notifications.channels.length ? { notify: { hostQueue, notifications: config.notifications } } : {}),
  };
}
