// A followed pull request whose target branch moved, or that conflicts with it: Kaizen's one
// commit is rebased onto the target's tip on the remote in a fresh worktree of the repository
// (the checkout's, or this host's mirror), verified again as the improvement verified it
// (runTests beside checkFindings, improvement/verify.ts), and pushed to kaizen/<id> with
// --force-with-lease on the commit Kaizen pushed before: a person's push is never replaced.
// Every step runs on the host queue that holds the worktree (StepRunner), and the worktree and
// its branch are removed whatever the outcome, in a scope a cancellation cannot interrupt.
import { CancellationScope, isCancellation, uuid4 } from '@temporalio/workflow';
import type { Config } from '../../core/config/config.js';
import type { FollowPullRequestInput, FollowRebase } from '../../core/forge/follow.js';
import { ErrorType } from '../../core/errors.js';
import type { TestRun, VerifyFindingsResult, Workspace } from '../../core/types.js';
import { plannedWorkspace } from '../improvement/result.js';
import { StepRunner } from '../improvement/step-runner.js';
import { describeFailure, oneLine, redRunDetail } from '../shared/failures.js';

export type RebaseEnd =
  /** Rebased, verified and pushed: the pull request now holds `commit`, on the target's `baseCommit`. */
  | { kind: 'pushed'; commit: string; baseCommit: string; rebase: FollowRebase; comment: string }
  /** It cannot be rebased or fails verify: close it with this comment. */
  | { kind: 'close'; review: 'conflict' | 'verify_failed'; comment: string }
  /** A person pushed to the branch: hands off. */
  | { kind: 'taken_over'; reason: string }
  /** Nothing to blame the change for (the target is red, a step failed): try again once the target moves. */
  | { kind: 'wait'; why: string };

const CLOSES = 'Kaizen closes this pull request:';

/** Rebases the pull request's branch onto `baseBranch` on the remote; the worktree is gone when it returns. */
export async function rebasePullRequest(input: FollowPullRequestInput, baseBranch: string): Promise<RebaseEnd> {
  const runner = new StepRunner(input.hostQueue);
  const repo = input.repo ?? input.repoRoot;
  // Its own worktree and branch (kaizen/<id>-rebase-…), never the pushed branch's name: only the push names that.
  const runId = `${input.branch.replace(/^kaizen\//, '').slice(0, 40)}-rebase-${uuid4().slice(0, 8)}`;
  const host = runner.bootstrap(input.hostQueue, 30 * 60_000, `rebase #${input.pullRequest.number}: worktree and dependencies`);
  let workspace: Workspace | undefined;
  try {
    const prepared = await runner.timed('prepare', () => host.prepareWorkspace({ repoRoot: repo, runId, targetBranch: baseBranch }));
    workspace = prepared.workspace;
    runner.config = prepared.config;
    return await rebaseIn(runner, input, prepared.workspace, prepared.config);
  } catch (err) {
    if (isCancellation(err)) throw err;
    const failure = describeFailure(err);
    if (failure.type === ErrorType.BranchTakenOver) return { kind: 'taken_over', reason: oneLine(failure.message, 600) };
    return { kind: 'wait', why: oneLine(`the rebase onto ${baseBranch} failed (${failure.message}); Kaizen tries again once ${baseBranch} moves`, 600) };
  } finally {
    const ws = workspace ?? plannedWorkspace(repo, runId);
    await CancellationScope.nonCancellable(() =>
      runner
        .bootstrap(input.hostQueue, 5 * 60_000, 'rebase: remove the worktree')
        .removeWorkspace({ workspace: ws, deleteBranch: true, deleteBackupRef: true })
        .catch(() => undefined),
    );
  }
}

async function rebaseIn(runner: StepRunner, input: FollowPullRequestInput, ws: Workspace, config: Config): Promise<RebaseEnd> {
  const git = (summary: string) => runner.acts('apply', `rebase #${input.pullRequest.number}: ${summary}`);
  const remote = { remote: input.remote, forge: input.forge };
  const head = await runner.timed('integrate', () => git(`fetch ${input.branch}`).fetchRemoteTarget({ workspace: ws, ...remote, branch: input.branch }));
  if (head.commit !== input.commit) {
    return { kind: 'taken_over', reason: `someone pushed to ${input.branch} (head ${short(head.commit)}, Kaizen pushed ${short(input.commit)}): Kaizen no longer touches pull request #${input.pullRequest.number}` };
  }
  const tip = await runner.timed('integrate', () => git(`fetch ${ws.targetBranch}`).fetchRemoteTarget({ workspace: ws, ...remote }));
  // The worktree holds Kaizen's commit, then replays it onto the target's tip (merge mode's rebase).
  await runner.timed('integrate', () => git('check out the pushed commit').resetWorkspace({ workspace: { ...ws, baseCommit: input.commit } }));
  const base = input.baseCommit ?? `${input.commit}~1`;
  const rebased = await runner.timed('integrate', () => git(`rebase onto ${ws.targetBranch}`).rebaseWorkspace({ workspace: { ...ws, baseCommit: base }, onto: tip.commit }));
  const onto = `${ws.targetBranch} (${short(tip.commit)})`;
  if (rebased.alreadyOnTarget) return { kind: 'close', review: 'conflict', comment: `${CLOSES} ${onto} already contains this change, so there is nothing left to merge.` };
  if (!rebased.ok || !rebased.commit || !rebased.baseCommit) {
    return { kind: 'close', review: 'conflict', comment: `${CLOSES} ${rebased.reason ?? `it no longer rebases onto ${onto}`}. A later run will make the change again on the current ${ws.targetBranch}.` };
  }
  const verifiedWs: Workspace = { ...ws, baseCommit: rebased.baseCommit, baseTree: rebased.baseTree ?? '' /* no tree: none is trusted for the new base */ };
  const verified = await verifyRebased(runner, input, verifiedWs, config, onto);
  if (verified.kind !== 'green') return verified;

  // The push replaces only the commit Kaizen pushed before (BranchTakenOver otherwise).
  await runner.timed('integrate', () =>
    runner.acts('apply', `rebase #${input.pullRequest.number}: push ${input.branch}`).pushBranch({ workspace: { ...verifiedWs, branch: input.branch }, commit: rebased.commit as string, ...remote, replaces: input.commit }),
  );
  const tests = verified.tests;
  const rebase: FollowRebase = { at: new Date().toISOString(), onto: tip.commit, commit: rebased.commit, tests: { command: tests.command, passed: tests.passed, cached: tests.cached } };
  const testWords = tests.skipped ? 'no test command, so the findings gate only' : `\`${tests.command.join(' ')}\` green${tests.cached ? ' (cached by tree hash)' : ''}`;
  const gateWords = verified.gate ? ', the findings gate passed' : '';
  return {
    kind: 'pushed',
    commit: rebased.commit,
    baseCommit: rebased.baseCommit,
    rebase,
    comment: `Kaizen rebased this pull request onto ${onto}, which had moved since ${short(input.commit)} was verified, and verified it again: ${testWords}${gateWords}. The branch now holds ${short(rebased.commit)}.`,
  };
}

/** The tests and the findings gate on the rebased commit, side by side; red on the untouched target too: not the change's fault. */
async function verifyRebased(
  runner: StepRunner,
  input: FollowPullRequestInput,
  ws: Workspace,
  config: Config,
  onto: string,
): Promise<{ kind: 'green'; tests: TestRun; gate: VerifyFindingsResult | null } | Extract<RebaseEnd, { kind: 'close' | 'wait' }>> {
  const command = input.verify?.testCommand ? { command: input.verify.testCommand } : {};
  const testing = runner.timed('verify', () => runner.acts('verify', 'rebase: tests on the rebased change').runTests({ workspace: ws, config, phase: 'verify', ...command }));
  const v = input.verify;
  const gating =
    v && input.file
      ? runner.timed('verify', () =>
          runner.acts('verify', `rebase: findings in ${input.file}`).checkFindings({
            workspace: ws,
            config,
            target: input.file as string,
            before: v.before,
            beforeRuleCounts: v.beforeRuleCounts,
            targets: v.targets,
            strategy: input.strategy,
            ...(v.analysedCommit ? { analysedCommit: v.analysedCommit } : {}),
          }),
        )
      : null;
  gating?.catch(() => undefined);
  // Whatever the tests end with, the gate has finished reading the worktree before anything resets it.
  const tests = await testing.catch(async (err: unknown) => {
    await gating?.catch(() => undefined);
    throw err;
  });
  if (!tests.passed) {
    await gating?.catch(() => undefined);
    await runner.timed('test', () => runner.acts('apply', 'rebase: back to the untouched target').resetWorkspace({ workspace: ws }));
    const untouched = await runner.timed('test', () => runner.acts('test', 'rebase: tests on the untouched target').runTests({ workspace: ws, config, phase: 'baseline', ...command }));
    const why = tests.timedOut ? 'timed out' : `exited with ${tests.exitCode}`;
    if (!untouched.passed) return { kind: 'wait', why: `the tests (${tests.command.join(' ')}) are red on ${onto} without the change too; Kaizen rebases again once it moves` };
    return { kind: 'close', review: 'verify_failed', comment: `${CLOSES} rebased onto ${onto}, the change fails Kaizen's tests: \`${tests.command.join(' ')}\` ${why} (${redRunDetail(tests)}), while they pass on ${onto} without it. It counts as rolled back.` };
  }
  const gate = gating ? await gating : null;
  if (gate && !gate.ok) return { kind: 'close', review: 'verify_failed', comment: `${CLOSES} rebased onto ${onto}, the change fails Kaizen's findings gate: ${gate.reason ?? 'the targeted findings are not fixed'}. It counts as rolled back.` };
  return { kind: 'green', tests, gate };
}

function short(sha: string): string {
  return sha.slice(0, 8);
}
