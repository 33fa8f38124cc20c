// A change that came as a pull request is undone by a pull request: the tested revert is pushed
// as `kaizen/undo-<id>` (pushBranch) and its pull request opened against the target branch
// (openPullRequest), through the same activities as an improvement in pr mode.
import type { Config } from '../../core/config/config.js';
import type { PullRequestFacts } from '../../core/forge/pull-request-body.js';
import type { TestRun, Workspace } from '../../core/types.js';
import type { UndoTarget } from '../../core/undo/types.js';
import type { RevertContext, RevertLanding } from './context.js';
import { testEvidenceOf } from '../improvement/deliver.js';

export interface TestedRevert {
  commit: string;
  files: string[];
  testsAfter: TestRun;
}

export async function deliverRevert(ctx: RevertContext, ws: Workspace, config: Config, revert: TestedRevert, target: UndoTarget): Promise<RevertLanding> {
  const { runner, view } = ctx;
  const input = { workspace: ws, commit: revert.commit, remote: config.remote, forge: config.forge };
  view.step('integrate', `pushing ${ws.branch} and opening the revert's pull request`);
  await runner.timed('integrate', () => runner.acts('apply', `undo: push ${ws.branch} to ${config.remote}`).pushBranch(input));
  const facts = revertFacts(ctx, ws, config, revert, target);
  const pr = await runner.timed('integrate', () => runner.acts('apply', `undo: open the pull request of ${ws.branch}`).openPullRequest({ ...input, facts }));
  return {
    kind: 'proposed',
    commit: revert.commit,
    branch: ws.branch,
    pullRequest: { url: pr.url, number: pr.number },
    reason: `${pr.reused ? 'found' : 'opened'} revert pull request #${pr.number} (${pr.url}) from ${ws.branch} to ${ws.targetBranch}`,
  };
}

function revertFacts(ctx: RevertContext, ws: Workspace, config: Config, revert: TestedRevert, target: UndoTarget): PullRequestFacts {
  const testsAfter = testEvidenceOf(revert.testsAfter);
  return {
    workflowId: ctx.undoWorkflowId,
    file: target.file ?? '',
    strategy: target.strategy,
    summary: `Reverts ${target.commit.slice(0, 12)}`,
    fixedRules: [],
    remaining: 0,
    testsAfter,
    files: revert.files,
    linesAdded: 0,
    linesRemoved: 0,
    branch: ws.branch,
    commit: revert.commit,
    targetBranch: ws.targetBranch,
    baseCommit: ws.baseCommit,
    remote: config.remote,
    reverts: { workflowId: target.workflowId, commit: target.commit, ...(target.pullRequest ? { pullRequest: target.pullRequest } : {}) },
  };
}
