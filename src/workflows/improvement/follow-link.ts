// pr mode's hand-over to the workflow that follows the pull request (workflows/pull-request.ts):
// one per pull request, with a workflow id from the repository and the number, started as an
// abandoned child so it outlives this run. A replayed or retried start finds it running (or
// finished) and starts no second one. Runs started by an older worker replay without it.
import { isCancellation, ParentClosePolicy, patched, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Config } from '../../core/config/config.js';
import { pullRequestWorkflowId, type FollowPullRequestInput } from '../../core/forge/follow.js';
import { primaryFamily } from '../../core/governor/learner.js';
import type { PullRequestRef } from '../../core/forge/types.js';
import { repoName } from '../../core/repository/key.js';
import type { Workspace } from '../../core/types.js';
import { WORKFLOW_TYPES, type FollowPullRequestWorkflow } from '../../contracts/workflows.js';
import { describeFailure } from '../shared/failures.js';
import type { ImprovementRun } from './run.js';

export async function followPullRequestOf(run: ImprovementRun, ws: Workspace, config: Config, commit: string, pr: PullRequestRef): Promise<void> {
  if (!patched('follow-pull-request')) return;
  // A repository given by URL has one identity on every worker (its mirror's path differs per host).
  const workflowId = pullRequestWorkflowId(run.repo, pr.number);
  const input: FollowPullRequestInput = {
    repoRoot: ws.repoRoot,
    repo: run.repo,
    ...(ws.remoteUrl ? { remoteUrl: ws.remoteUrl } : {}),
    hostQueue: run.runner.hostQueue,
    governed: run.governor !== undefined,
    improvementWorkflowId: run.workflowId,
    pullRequest: { url: pr.url, number: pr.number },
    branch: ws.branch,
    commit,
    baseCommit: ws.baseCommit,
    // A rebase of the pull request verifies the way this run did: its tests and its findings gate.
    verify: {
      ...(run.input.testCommand ? { testCommand: run.input.testCommand } : {}),
      before: run.findings,
      beforeRuleCounts: run.targetRuleCounts,
      targets: run.proposal?.targets ?? [],
      ...(run.analysedCommit ? { analysedCommit: run.analysedCommit } : {}),
    },
    file: run.file ?? null,
    family: primaryFamily(run.findings)?.family ?? null,
    strategy: run.strategy,
    remote: config.remote,
    forge: config.forge,
    openedAt: Date.now(),
  };
  try {
    await startChild<FollowPullRequestWorkflow>(WORKFLOW_TYPES.followPullRequest, {
      workflowId,
      taskQueue: run.sharedQueue,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      staticSummary: `Pull request #${pr.number} of ${repoName(run.repo)}: ${config.forge.autoMerge ? `merge (${config.forge.mergeMethod}) when checks are green` : 'follow until merged or closed'}`,
    });
    run.note(`following pull request #${pr.number} in ${workflowId}`);
  } catch (err) {
    if (isCancellation(err)) throw err;
    // Already followed (the same pull request found again): that workflow keeps following it.
    if (err instanceof WorkflowExecutionAlreadyStartedError) run.note(`pull request #${pr.number} is already followed by ${workflowId}`);
    else run.note(`pull request #${pr.number} is not followed: ${describeFailure(err).message}`);
  }
}
