// One workflow per pull request Kaizen opened (`kaizen-pr-<repoKey>-<number>`), started by pr
// mode and following the pull request until it is merged or closed: it asks the forge every
// forge.pollInterval (sooner on a `pullRequestChanged` signal), decides with the pure rules of
// core/forge/follow.ts (merge on green when forge.autoMerge is on, close on a red check, when
// stale, hands off when a person pushed), rebases it when its target moved or it conflicts
// (pull-request/rebase.ts: verify again, push; close with a comment when that fails), writes
// one `"kind":"review"` ledger line, and tells the governor (open count, learner, cooldown).
// Continues as new before its history grows large.
import { ActivityFailure, ApplicationFailure, continueAsNew, condition, getExternalWorkflowHandle, isCancellation, log, patched, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { KaizenActivities } from '../activities/index.js';
import type { PullRequestTarget } from '../activities/workspace/pull-request-life.js';
import { decideFollow, reviewOutcome, type FollowPullRequestInput, type FollowSettings, type FollowState, type ReviewResult } from '../core/forge/follow.js';
import { durationMs } from '../core/duration.js';
import { NON_RETRYABLE_TYPES } from '../core/errors.js';
import type { PullRequestEnded } from '../core/governor/pull-requests.js';
import type { ReviewEntry } from '../core/ledger/types.js';
import { governorWorkflowId } from '../core/repository/key.js';
import { pullRequestEndedSignal, pullRequestOpenedSignal } from '../contracts/governor.js';
import { pullRequestChangedSignal, pullRequestStateQuery } from '../contracts/pull-request.js';
import { DEFAULT_HEARTBEAT_MS } from './shared/activity-options.js';
import { describeFailure, oneLine } from './shared/failures.js';
import { rebasePullRequest } from './pull-request/rebase.js';

/** History events after which the follow workflow starts a fresh run. */
export const FOLLOW_CONTINUE_AS_NEW_AFTER = 1000;
/** An open pull request stays counted by the governor this long past forge.staleAfter without news from its follower. */
const GOVERNOR_GRACE_MS = 86_400_000;

type ForgeActivities = Pick<KaizenActivities, 'pullRequestState' | 'mergePullRequest' | 'closePullRequest' | 'commentOnPullRequest' | 'remoteBranchTip' | 'recordReview'>;

/** What a look needs besides the forge: the input as it is now (a rebase moves its commit) and the target tip a rebase gave up on. */
interface Follow {
  input: FollowPullRequestInput & { openedAt: number };
  settings: FollowSettings;
  state: FollowState;
  show: (status: string) => void;
  /** The target's commit a rebase last could not be blamed on the change (red there too, a step failed): not tried again. */
  gaveUpOnto: string | null;
}

export async function followPullRequest(given: FollowPullRequestInput): Promise<FollowState> {
  const input: FollowPullRequestInput & { openedAt: number } = { ...given, openedAt: given.openedAt ?? Date.now() };
  const pollMs = durationMs(input.forge.pollInterval);
  // Rebasing a moved or conflicting pull request (histories from before close a conflicting one).
  const rebases = patched('follow-rebase');
  const settings: FollowSettings = { autoMerge: input.forge.autoMerge, mergeMethod: input.forge.mergeMethod, staleAfterMs: durationMs(input.forge.staleAfter), rebase: rebases };
  const acts = proxyActivities<ForgeActivities>({
    taskQueue: input.hostQueue,
    startToCloseTimeout: 2 * 60_000,
    // Every activity heartbeats (activities/heartbeat-interceptor.ts): a killed worker's look is retried after this, not after 2 minutes.
    heartbeatTimeout: DEFAULT_HEARTBEAT_MS,
    // Backoff on a forge that fails or rate-limits: from 10 s up to the poll interval (at least a minute).
    retry: { initialInterval: 10_000, backoffCoefficient: 2, maximumInterval: Math.max(60_000, pollMs), maximumAttempts: 8, nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES] },
    summary: `pull request #${input.pullRequest.number}`,
  });
  const target = { repoRoot: input.repoRoot, remote: input.remote, ...(input.remoteUrl ? { remoteUrl: input.remoteUrl } : {}), forge: input.forge, number: input.pullRequest.number };
  const state: FollowState = { pullRequest: input.pullRequest, review: null, status: 'looking at it', checkedAt: null, checks: null, failedChecks: [], mergeable: null, ...(input.rebases ? { rebases: input.rebases } : {}) };
  let woken = false;
  setHandler(pullRequestChangedSignal, () => {
    woken = true;
  });
  setHandler(pullRequestStateQuery, () => state);
  const show = (status: string): void => {
    state.status = status;
    setCurrentDetails(`**#${input.pullRequest.number}** ${input.pullRequest.url}\n\n${status}`);
  };

  await tellGovernor(input, (h) =>
    h.signal(pullRequestOpenedSignal, {
      followId: workflowInfo().workflowId,
      improvementWorkflowId: input.improvementWorkflowId,
      number: input.pullRequest.number,
      url: input.pullRequest.url,
      file: input.file,
      family: input.family,
      strategy: input.strategy,
      openedAt: input.openedAt,
      expiresAt: input.openedAt + settings.staleAfterMs + GOVERNOR_GRACE_MS,
    }),
  );

  const threshold = input.continueAsNewAfterEvents ?? FOLLOW_CONTINUE_AS_NEW_AFTER;
  // A signal that arrives during a look asks for another one (older histories dropped it).
  const keepsSignalsDuringLook = patched('follow-signal-during-look');
  const follow: Follow = { input, settings, state, show, gaveUpOnto: input.gaveUpOnto ?? null };
  for (;;) {
    if (keepsSignalsDuringLook) woken = false;
    const ended = await lookOnce(follow, acts, target);
    if (ended) return finish(follow.input, acts, state, ended.review, ended.reason);
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= threshold) {
      await continueAsNew<typeof followPullRequest>({ ...follow.input, ...(state.rebases ? { rebases: state.rebases } : {}), ...(follow.gaveUpOnto ? { gaveUpOnto: follow.gaveUpOnto } : {}) });
    }
    if (!keepsSignalsDuringLook) woken = false;
    await condition(() => woken, pollMs, { summary: 'next look at the pull request' });
  }
}

/** One look at the pull request and what follows from it; the end, when it has ended. */
async function lookOnce(follow: Follow, acts: ForgeActivities, target: PullRequestTarget): Promise<{ review: ReviewResult; reason: string } | null> {
  const { input, settings, state, show } = follow;
  let info;
  try {
    info = await acts.pullRequestState(target);
  } catch (err) {
    return forgeFailed(err, input, show);
  }
  Object.assign(state, { checkedAt: new Date().toISOString(), checks: info.checks, failedChecks: info.failedChecks, mergeable: info.mergeable });
  // Where the target is on the remote (git, not the forge): only for an open pull request still Kaizen's.
  let targetSha: string | null = null;
  if (settings.rebase && info.status === 'open' && info.headSha === input.commit) {
    const { number: _number, ...remote } = target;
    targetSha = await acts.remoteBranchTip({ ...remote, branch: info.baseBranch }).catch((err: unknown) => {
      if (isCancellation(err)) throw err;
      return null;
    });
  }
  const decision = decideFollow({
    info,
    verifiedSha: input.commit,
    openedAt: input.openedAt,
    now: Date.now(),
    settings,
    targetSha,
    ...(input.baseCommit ? { verifiedBase: input.baseCommit } : {}),
    ...(input.earlierCommits ? { earlierCommits: input.earlierCommits } : {}),
  });
  if (decision.kind === 'wait') {
    show(decision.why);
    return null;
  }
  if (decision.kind === 'ended') return { review: decision.review, reason: decision.reason };
  if (decision.kind === 'rebase') return rebaseOnce(follow, acts, target, info.baseBranch, targetSha, decision.why);
  try {
    if (decision.kind === 'close') {
      await acts.closePullRequest({ ...target, comment: decision.comment });
      return { review: decision.review, reason: decision.comment.replace(/^Kaizen closes this pull request: /, `Kaizen closed pull request #${input.pullRequest.number}: `) };
    }
    const answer = await acts.mergePullRequest({ ...target, method: decision.method, sha: decision.sha });
    if (answer.merged) return { review: 'merged', reason: `Kaizen merged pull request #${input.pullRequest.number} (${decision.method}) at ${decision.sha.slice(0, 8)} once every check was green` };
    show(`checks green, but the forge refused the merge: ${oneLine(answer.reason, 300)}; trying again at the next look`);
    return null;
  } catch (err) {
    return forgeFailed(err, input, show);
  }
}

/** Rebases, verifies and pushes; a pushed rebase is followed from its new commit, a failed one closes the pull request. */
async function rebaseOnce(follow: Follow, acts: ForgeActivities, target: PullRequestTarget, baseBranch: string, targetSha: string | null, why: string): Promise<{ review: ReviewResult; reason: string } | null> {
  const { input, state, show } = follow;
  const number = input.pullRequest.number;
  if (targetSha !== null && targetSha === follow.gaveUpOnto) {
    show(`${why}; the last rebase onto ${targetSha.slice(0, 8)} could not be verified, so Kaizen waits for ${baseBranch} to move again`);
    return null;
  }
  show(`${why}: rebasing, verifying again and pushing`);
  const end = await rebasePullRequest(input, baseBranch);
  if (end.kind === 'taken_over') return { review: 'taken_over', reason: end.reason };
  if (end.kind === 'wait') {
    follow.gaveUpOnto = targetSha;
    show(end.why);
    return null;
  }
  try {
    if (end.kind === 'close') {
      await acts.closePullRequest({ ...target, comment: end.comment });
      return { review: end.review, reason: end.comment.replace(/^Kaizen closes this pull request: /, `Kaizen closed pull request #${number}: `) };
    }
    follow.input = { ...input, commit: end.commit, baseCommit: end.baseCommit, earlierCommits: [...(input.earlierCommits ?? []), input.commit].slice(-20) };
    state.rebases = [...(state.rebases ?? []), end.rebase];
    show(`rebased onto ${baseBranch} (${end.baseCommit.slice(0, 8)}), verified and pushed as ${end.commit.slice(0, 8)}`);
    // What a reviewer sees: why the branch was force-pushed, and what verified it.
    await acts.commentOnPullRequest({ ...target, comment: end.comment });
    return null;
  } catch (err) {
    return forgeFailed(err, input, show);
  }
}

function forgeFailed(err: unknown, input: FollowPullRequestInput, show: (status: string) => void): { review: ReviewResult; reason: string } | null {
  if (isCancellation(err)) throw err;
  const why = describeFailure(err).message;
  // Bad configuration, a revoked token, a deleted pull request: asking again cannot help.
  if (permanent(err)) return { review: 'lost', reason: oneLine(`Kaizen stopped following pull request #${input.pullRequest.number}: ${why}`, 600) };
  show(`the forge did not answer (${oneLine(why, 200)}); asking again at the next look`);
  return null;
}

/** Records the end in the ledger and with the governor; the workflow's result. */
async function finish(input: FollowPullRequestInput, acts: ForgeActivities, state: FollowState, review: ReviewResult, reason: string): Promise<FollowState> {
  state.review = review;
  state.status = reason;
  setCurrentDetails(`**#${input.pullRequest.number}** ${input.pullRequest.url}\n\n**${review}**: ${reason}`);
  const followId = workflowInfo().workflowId;
  const entry: ReviewEntry = {
    kind: 'review',
    timestamp: new Date().toISOString(),
    workflowId: followId,
    improvementWorkflowId: input.improvementWorkflowId,
    repo: input.repo ?? input.repoRoot,
    pullRequest: input.pullRequest,
    branch: input.branch,
    commit: input.commit,
    file: input.file,
    family: input.family,
    strategy: input.strategy,
    review,
    outcome: reviewOutcome(review),
    reason,
  };
  // A repository given by URL keeps its ledger in this host's mirror (recordInLedger finds it).
  await acts.recordReview({ repoRoot: input.repo ?? input.repoRoot, entry });
  const ended: PullRequestEnded = {
    followId,
    number: input.pullRequest.number,
    file: input.file,
    family: input.family,
    strategy: input.strategy,
    review,
    ...(review === 'closed' ? { cooldownUntil: Date.now() + durationMs(input.forge.cooldownAfterClose) } : {}),
  };
  await tellGovernor(input, (h) => h.signal(pullRequestEndedSignal, ended));
  log.info('pull request followed to its end', { number: input.pullRequest.number, review });
  return state;
}

async function tellGovernor(input: FollowPullRequestInput, send: (handle: ReturnType<typeof getExternalWorkflowHandle>) => Promise<void>): Promise<void> {
  if (!input.governed) return;
  // A governor that was terminated has nothing to count; a new one starts clean.
  await send(getExternalWorkflowHandle(governorWorkflowId(input.repo ?? input.repoRoot))).catch((err: unknown) => log.warn('governor not told about the pull request', { error: String(err) }));
}

function permanent(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && (cause.nonRetryable || (NON_RETRYABLE_TYPES as readonly string[]).includes(cause.type ?? ''));
}

