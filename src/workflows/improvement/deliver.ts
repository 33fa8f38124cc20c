// integrate in push and pr modes: push the verified `kaizen/<id>` to the configured remote
// (activity pushBranch), then in pr mode open its pull request (openPullRequest). A push or a
// pull request that fails ends the run as failed, with the branch that holds the verified
// change kept and named: nothing is lost, and nothing is left unaccounted for.
import { isCancellation } from '@temporalio/workflow';
import type { Config } from '../../core/config/config.js';
import type { PullRequestFacts, TestEvidence } from '../../core/forge/pull-request-body.js';
import { rulesByCount } from '../../core/improvement/outcome.js';
import type { TestRun, Workspace } from '../../core/types.js';
import { describeFailure, oneLine } from '../shared/failures.js';
import { followPullRequestOf } from './follow-link.js';
import type { ImprovementRun } from './run.js';

export async function deliverChange(run: ImprovementRun, ws: Workspace, config: Config, commit: string): Promise<void> {
  const { runner } = run;
  const input = { workspace: ws, commit, remote: config.remote, forge: config.forge };
  run.workspace = ws;
  let pushedWords: string;
  try {
    const pushed = await runner.timed('integrate', () => runner.acts('apply', `integrate: push ${ws.branch} to ${config.remote}`).pushBranch(input));
    pushedWords = `pushed ${ws.branch} to ${config.remote}${pushed.alreadyThere ? ' (an earlier attempt had)' : ''}`;
  } catch (err) {
    // The verified change stays on the local branch, for a person to push or a later run.
    return keptAfter(run, ws, commit, err, `the verified change is on the local branch ${ws.branch}, not pushed`, `push it yourself (git push ${config.remote} ${ws.branch})`);
  }
  run.note(pushedWords);
  if (run.mode === 'push') {
    run.landed({ kind: 'proposed', commit, branch: ws.branch, reason: `${pushedWords}: open a pull request from it to ${ws.targetBranch}` });
    return;
  }
  try {
    const facts = pullRequestFacts(run, ws, commit, config.remote);
    const pr = await runner.timed('integrate', () => runner.acts('apply', `integrate: open the pull request of ${ws.branch}`).openPullRequest({ ...input, facts }));
    const words = `${pr.reused ? 'found' : 'opened'} pull request #${pr.number} (${pr.url}) from ${ws.branch} to ${ws.targetBranch}`;
    run.note(words);
    run.landed({ kind: 'proposed', commit, branch: ws.branch, pullRequest: { url: pr.url, number: pr.number }, reason: words });
    await followPullRequestOf(run, ws, config, commit, pr);
  } catch (err) {
    return keptAfter(run, ws, commit, err, `${pushedWords}, but no pull request could be opened`, `open one from ${ws.branch} yourself`);
  }
}

/**
 * A delivery that failed after verify: the run fails, but its branch is kept (locally, and on
 * the remote once pushed) and named, so the verified change is never lost. A cancellation
 * still ends the run as cancelled.
 */
function keptAfter(run: ImprovementRun, ws: Workspace, commit: string, err: unknown, what: string, yourself: string): void {
  if (isCancellation(err)) throw err;
  run.keepBranch({ kind: 'proposed', commit, branch: ws.branch });
  run.outcome = 'failed';
  run.reason = oneLine(`${what}: ${describeFailure(err).message} — ${yourself}, or fix that and run again`, 900);
}

/** What the pull request's body says, from what the run knows (plain JSON for the activity). */
export function pullRequestFacts(run: ImprovementRun, ws: Workspace, commit: string, remote: string): PullRequestFacts {
  const proposal = run.proposal;
  const fixed = run.fixed ?? proposal?.targets ?? [];
  return {
    workflowId: run.workflowId,
    file: run.file ?? '',
    strategy: run.strategy,
    ...(proposal?.llm ? { model: `${proposal.llm.model}, prompt ${proposal.llm.promptVersion}` } : {}),
    summary: proposal?.summary ?? '',
    fixedRules: rulesByCount(fixed),
    remaining: run.remaining.length,
    ...(run.testsBefore ? { testsBefore: testEvidenceOf(run.testsBefore) } : {}),
    ...(run.testsAfter ? { testsAfter: testEvidenceOf(run.testsAfter) } : {}),
    files: proposal?.files ?? [],
    linesAdded: proposal?.linesAdded ?? 0,
    linesRemoved: proposal?.linesRemoved ?? 0,
    branch: ws.branch,
    commit,
    targetBranch: ws.targetBranch,
    baseCommit: ws.baseCommit,
    remote,
  };
}

/** A test run as a pull request's body shows it (plain JSON for the activity). */
export function testEvidenceOf(run: TestRun): TestEvidence {
  const { command, passed, skipped, cached, durationMs, passedCount, failedCount, flaky, coverage } = run;
  return {
    command,
    passed,
    skipped,
    cached,
    durationMs,
    ...(passedCount !== undefined ? { passedCount } : {}),
    ...(failedCount !== undefined ? { failedCount } : {}),
    ...(flaky ? { flaky } : {}),
    ...(coverage ? { coverage } : {}),
  };
}
