// What the workflow that follows one pull request does after each look at it. Pure: the
// forge's answer, what Kaizen verified and the settings in, one decision out, so every rule
// is unit-tested without Temporal or a forge (the workflow is src/workflows/pull-request.ts).
import type { ForgeConfig } from '../config/forge.js';
import { repoKey } from '../repository/key.js';
import type { Finding, Outcome, Strategy } from '../types.js';
import type { MergeMethod, PullRequestInfo, PullRequestRef } from './types.js';

/** One workflow per pull request: a retried step or a second worker finds it started. */
export function pullRequestWorkflowId(repoRoot: string, number: number): string {
  return `kaizen-pr-${repoKey(repoRoot)}-${number}`;
}

/** What the follow workflow is started with (and continues as new with). Plain JSON, no secrets. */
export interface FollowPullRequestInput {
  /** The checkout (or, for a repository given by URL, the mirror) on the worker's host whose remote the pull request is on. */
  repoRoot: string;
  /** The repository as its governor and ledger know it (a path, or a URL); absent: repoRoot. */
  repo?: string;
  /** A repository given by URL: the mirror's own remote is used, whatever `remote` says. */
  remoteUrl?: string;
  /** That host's queue: the forge is reached through the checkout's remote, the ledger is there. */
  hostQueue: string;
  /** Registered with the repository's governor (open count, learner, cooldowns); false with --no-governor. */
  governed: boolean;
  improvementWorkflowId: string;
  pullRequest: PullRequestRef;
  branch: string;
  /** The commit Kaizen verified and pushed (after a rebase: the rebased one). */
  commit: string;
  /** The target branch's commit `commit` was made (or rebased) on; absent in older histories: its parent. */
  baseCommit?: string;
  /** What verify checked, so a rebase verifies the same way; absent in older histories: tests only. */
  verify?: FollowVerify;
  /** Commits Kaizen pushed to the branch before rebasing it: a forge that still shows one has not seen the push yet. */
  earlierCommits?: string[];
  /** The rebases so far, carried over a continue-as-new. */
  rebases?: FollowRebase[];
  /** The target's commit a rebase could not be verified on (red there too, a step failed): not tried again. */
  gaveUpOnto?: string;
  file: string | null;
  family: string | null;
  strategy: Strategy;
  remote: string;
  forge: ForgeConfig;
  /** When pr mode opened (or found) it, ms since the epoch; absent: when the workflow started. */
  openedAt?: number;
  /** Continue as new after this many history events (tests force it lower). */
  continueAsNewAfterEvents?: number;
}

/** The findings gate's baseline and the test command of the improvement that opened the pull request. */
export interface FollowVerify {
  /** `--test-cmd`, when the run had one. */
  testCommand?: string[];
  /** The target's findings before the change (capped) and the per-rule counts of all of them. */
  before: Finding[];
  beforeRuleCounts: Record<string, number>;
  /** The findings the change fixes. */
  targets: Finding[];
  /** The commit the findings were found on. */
  analysedCommit?: string;
}

/** One rebase of the pull request's branch onto its moved target, verified and pushed. */
export interface FollowRebase {
  at: string;
  /** The target branch's commit it now sits on. */
  onto: string;
  /** The rebased commit, verified and pushed. */
  commit: string;
  /** What verified it: the test command and whether its result came from the tree-hash cache. */
  tests: { command: string[]; passed: boolean; cached: boolean };
}

/** The follow workflow's result, and what its `pullRequest` query answers while it runs. */
export interface FollowState {
  pullRequest: PullRequestRef;
  /** null while it is open and followed. */
  review: ReviewResult | null;
  /** What Kaizen is waiting for, or how it ended. */
  status: string;
  checkedAt: string | null;
  checks: PullRequestInfo['checks'] | null;
  failedChecks: string[];
  mergeable: boolean | null;
  /** Rebases onto a moved target, oldest first (absent before the first). */
  rebases?: FollowRebase[];
}

/** How a followed pull request ended (the `review` of its `"kind":"review"` ledger line). */
export type ReviewResult =
  /** Merged (by Kaizen's autoMerge or by a person). */
  | 'merged'
  /** Closed without merging by a person: the strongest "no" Kaizen can get. */
  | 'closed'
  /** A check on the verified commit failed: Kaizen closed it. */
  | 'checks_failed'
  /** Open longer than forge.staleAfter: Kaizen closed it. */
  | 'stale'
  /** It conflicts with its target branch: Kaizen closed it. */
  | 'conflict'
  /** Rebased onto its moved target, the change failed Kaizen's tests or findings gate: Kaizen closed it. */
  | 'verify_failed'
  /** A person pushed to Kaizen's branch: Kaizen leaves the pull request to them. */
  | 'taken_over'
  /** Kaizen could no longer ask the forge about it (deleted, token revoked): it stops following. */
  | 'lost';

export const REVIEW_RESULTS: readonly ReviewResult[] = ['merged', 'closed', 'checks_failed', 'stale', 'conflict', 'verify_failed', 'taken_over', 'lost'];

/** What the learner makes of it: merged is a success, a person's or the CI's "no" a failure, the rest teach nothing. */
export function reviewOutcome(review: ReviewResult): Outcome | null {
  if (review === 'merged') return 'applied';
  if (review === 'closed' || review === 'checks_failed' || review === 'verify_failed') return 'rolled_back';
  return null;
}

export interface FollowSettings {
  autoMerge: boolean;
  mergeMethod: MergeMethod;
  staleAfterMs: number;
  /** Rebase (verify again, push) a pull request whose target moved or that conflicts, instead of closing a conflicting one. */
  rebase?: boolean;
}

export interface FollowFacts {
  info: PullRequestInfo;
  /** The commit Kaizen verified and pushed: the only head it merges or speaks for. */
  verifiedSha: string;
  /** When the pull request was opened (ms since the epoch). */
  openedAt: number;
  now: number;
  settings: FollowSettings;
  /** The commit the verified one sits on, and where the target branch is on the remote now (null: unknown). */
  verifiedBase?: string;
  targetSha?: string | null;
  /** Commits Kaizen pushed before a rebase: the forge may still show one for a moment. */
  earlierCommits?: string[];
}

export type FollowDecision =
  /** Nothing to do until the next look; `why` is shown in the Web UI. */
  | { kind: 'wait'; why: string }
  | { kind: 'merge'; method: MergeMethod; sha: string }
  /** Comment, then close; it ends as `review`. */
  | { kind: 'close'; review: 'checks_failed' | 'stale' | 'conflict'; comment: string }
  /** The target moved or it conflicts: rebase onto the target, verify again, push (settings.rebase). */
  | { kind: 'rebase'; why: string }
  /** It has ended (or is no longer Kaizen's): record it and stop following. */
  | { kind: 'ended'; review: 'merged' | 'closed' | 'taken_over'; reason: string };

export function decideFollow(facts: FollowFacts): FollowDecision {
  const { info, verifiedSha, settings } = facts;
  const ref = `pull request #${info.number}`;
  if (info.status === 'merged') return { kind: 'ended', review: 'merged', reason: `${ref} was merged into ${info.baseBranch}` };
  if (info.status === 'closed') return { kind: 'ended', review: 'closed', reason: `${ref} was closed without merging` };
  if (info.headSha !== verifiedSha && facts.earlierCommits?.includes(info.headSha)) {
    return { kind: 'wait', why: `waiting for the forge to show the rebased ${short(verifiedSha)} (it still shows ${short(info.headSha)})` };
  }
  if (info.headSha !== verifiedSha) {
    return {
      kind: 'ended',
      review: 'taken_over',
      reason: `someone pushed to ${info.headBranch} (head ${short(info.headSha)}, Kaizen verified ${short(verifiedSha)}): Kaizen no longer touches ${ref}`,
    };
  }
  if (info.checks === 'failure') {
    const names = info.failedChecks.length ? info.failedChecks.join(', ') : 'a check';
    return {
      kind: 'close',
      review: 'checks_failed',
      comment: `Kaizen closes this pull request: ${names} failed on ${short(verifiedSha)}, the commit Kaizen verified. Kaizen's own tests passed, so the change breaks something only your CI checks; it counts as rolled back and Kaizen will try this rule with other strategies.`,
    };
  }
  const age = facts.now - facts.openedAt;
  if (age >= settings.staleAfterMs) {
    return {
      kind: 'close',
      review: 'stale',
      comment: `Kaizen closes this pull request: it has been open for ${days(age)} without being merged (forge.staleAfter is ${days(settings.staleAfterMs)}). The branch stays; a later run may propose the change again on the current ${info.baseBranch}.`,
    };
  }
  if (settings.rebase) {
    const moved = facts.targetSha && facts.verifiedBase && facts.targetSha !== facts.verifiedBase;
    if (moved) {
      const how = info.mergeable === false ? `it conflicts with ${info.baseBranch}, which` : info.baseBranch;
      return { kind: 'rebase', why: `${how} moved from ${short(facts.verifiedBase ?? '')} to ${short(facts.targetSha ?? '')}` };
    }
    // The forge says it conflicts, git sees the target where it was (the forge lags, or the look did not reach git).
    if (info.mergeable === false && facts.targetSha !== facts.verifiedBase) return { kind: 'rebase', why: `it conflicts with ${info.baseBranch}` };
    if (info.mergeable === false) return { kind: 'wait', why: `the forge says it conflicts with ${info.baseBranch}, which has not moved from ${short(facts.verifiedBase ?? '')}; looking again` };
  }
  if (info.mergeable === false) {
    return {
      kind: 'close',
      review: 'conflict',
      comment: `Kaizen closes this pull request: it conflicts with ${info.baseBranch}, which has moved since Kaizen verified ${short(verifiedSha)}. A later run will make the change again on the current ${info.baseBranch}.`,
    };
  }
  if (!settings.autoMerge) return { kind: 'wait', why: `waiting for a review (checks ${info.checks}; forge.autoMerge is off)` };
  if (info.checks !== 'success') {
    return { kind: 'wait', why: info.checks === 'none' ? 'waiting for checks to report (none yet)' : 'waiting for the checks to finish' };
  }
  if (info.mergeable === null) return { kind: 'wait', why: 'checks green; waiting for the forge to compute mergeability' };
  return { kind: 'merge', method: settings.mergeMethod, sha: verifiedSha };
}

function short(sha: string): string {
  return sha.slice(0, 8);
}

function days(ms: number): string {
  const d = ms / 86_400_000;
  if (d >= 1) return `${Math.floor(d)} day${Math.floor(d) === 1 ? '' : 's'}`;
  const h = Math.round(ms / 3_600_000);
  return `${h} hour${h === 1 ? '' : 's'}`;
}
