// Waiting for a workflow's result from the CLI. A run that was cancelled or terminated, or
// failed, may still hold what it did in a query (an improvement's outcome in its progress, a
// cycle's summary), which says more to a user than the failure does.
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';

/** The result, or when the run failed, what `fromAnswer` finds in the query's answer; else the failure. */
export async function resultOrQueried<Result, Answer>(
  c: Client,
  workflowId: string,
  query: QueryDefinition<Answer>,
  fromAnswer: (answer: Answer) => Result | null | undefined,
): Promise<Result> {
  const handle = c.workflow.getHandle(workflowId);
  try {
    return (await handle.result()) as Result;
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      const answer = await handle.query(query).catch(() => undefined);
      const found = answer === undefined ? undefined : fromAnswer(answer);
      if (found) return found;
    }
    throw err;
  }
}
