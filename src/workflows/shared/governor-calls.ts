// How workflows reach a repository's governor: its workflow id and queue, and the activities
// that send it updates (workflows cannot send updates to other workflows themselves).
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { GovernorActivities } from '../../activities/index.js';
import type { GovernorTarget } from '../../core/governor/protocol.js';
import { governorWorkflowId } from '../../core/repository/key.js';

export function governorTarget(repoRoot: string, sharedQueue: string): GovernorTarget {
  return { workflowId: governorWorkflowId(repoRoot), repoRoot, taskQueue: sharedQueue };
}

const GOVERNOR_CALL = {
  startToCloseTimeout: 60_000,
  retry: { initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 30_000, maximumAttempts: 20 },
  summary: 'governor',
};

/** Activities that only talk to Temporal: short, retried through a governor's continue-as-new. */
export function governorActivities(sharedQueue: string): GovernorActivities {
  return proxyActivities<GovernorActivities>({ taskQueue: sharedQueue, ...GOVERNOR_CALL });
}

/**
 * The same, as local activities: run by the worker that runs the workflow (every Kaizen worker
 * has a governor client), without an activity task's trip through the server and a workflow task
 * for its result.
 */
export function governorLocalActivities(): GovernorActivities {
  return proxyLocalActivities<GovernorActivities>(GOVERNOR_CALL);
}
