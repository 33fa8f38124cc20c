// An improvement through @temporalio/client (gRPC): the path for every server, and the one
// `kaizen demo`, `kaizen watch` and a `kaizen improve` without a recorded dev server take.
import type { Client } from '@temporalio/client';
import type { ImprovementInput, ImprovementResult } from '../core/types.js';
import { progressQuery } from '../contracts/improvement.js';
import { WORKFLOW_TYPES, type ImprovementWorkflow } from '../contracts/workflows.js';
import { improvementStart, newWorkflowId, type StartedImprovement } from './improvement-run.js';
import { warnWhileNoWorker } from './worker-presence.js';
import { resultOrQueried } from './workflow-result.js';

export async function startImprovement(c: Client, input: ImprovementInput, queue: string, workflowId = newWorkflowId(input.repoPath)) {
  const { summary, details } = improvementStart(input);
  return c.workflow.start<ImprovementWorkflow>(WORKFLOW_TYPES.improvement, {
    taskQueue: queue,
    workflowId,
    args: [input],
    staticSummary: summary,
    staticDetails: details,
  });
}

/** startImprovement, for `kaizen improve`. */
export async function startOverGrpc(c: Client, namespace: string, input: ImprovementInput, queue: string, workflowId: string): Promise<StartedImprovement> {
  await startImprovement(c, input, queue, workflowId);
  return {
    workflowId,
    warnWhileNoWorker: () => warnWhileNoWorker(c, namespace, queue),
    result: () => waitForResult(c, workflowId),
  };
}

/** Waits for the result; a cancelled run still has its outcome in the progress query. */
export function waitForResult(c: Client, workflowId: string): Promise<ImprovementResult> {
  return resultOrQueried(c, workflowId, progressQuery, (progress) => progress.result);
}
