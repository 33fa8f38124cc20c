// The GovernorGateway on a Temporal Client: updates go to the repository's governor workflow,
// which is started on first use (update-with-start, USE_EXISTING), so nobody has to create it.
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { GovernorGateway, GovernorTarget } from '../../contracts/ports.js';
import type { GovernorInput, GovernorView } from '../../core/governor/protocol.js';
import { repoName } from '../../core/repository/key.js';
import { KaizenRepo } from '../../contracts/search-attributes.js';
import { checkLlmUpdate, governorStateQuery, requestMergeLockUpdate, requestSlotUpdate, reserveFileUpdate } from '../../contracts/governor.js';
import { WORKFLOW_TYPES, type GovernorWorkflow } from '../../contracts/workflows.js';

export function governorStartOptions(target: GovernorTarget) {
  const args: [GovernorInput] = [{ repoPath: target.repoRoot }];
  return {
    workflowId: target.workflowId,
    taskQueue: target.taskQueue,
    args,
    typedSearchAttributes: [{ key: KaizenRepo, value: repoName(target.repoRoot) }],
    staticSummary: `Governor of ${repoName(target.repoRoot)}: budgets, merge lock, pause, strategy statistics`,
    staticDetails: `Repository: \`${target.repoRoot}\``,
  };
}

function startOperation(target: GovernorTarget) {
  return new WithStartWorkflowOperation<GovernorWorkflow>(WORKFLOW_TYPES.governor, { ...governorStartOptions(target), workflowIdConflictPolicy: 'USE_EXISTING' });
}

export function createGovernorGateway(client: Client): GovernorGateway {
  return {
    requestSlot(target, request) {
      return client.workflow.executeUpdateWithStart(requestSlotUpdate, { args: [request], startWorkflowOperation: startOperation(target) });
    },
    reserveFile(target, request) {
      return client.workflow.executeUpdateWithStart(reserveFileUpdate, { args: [request], startWorkflowOperation: startOperation(target) });
    },
    requestMergeLock(target, request) {
      return client.workflow.executeUpdateWithStart(requestMergeLockUpdate, { args: [request], startWorkflowOperation: startOperation(target) });
    },
    checkLlm(target, request) {
      return client.workflow.executeUpdateWithStart(checkLlmUpdate, { args: [request], startWorkflowOperation: startOperation(target) });
    },
    async view(target): Promise<GovernorView | null> {
      try {
        return await client.workflow.getHandle(target.workflowId).query(governorStateQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return null;
        throw err;
      }
    },
  };
}
