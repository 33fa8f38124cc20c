// The governor's view of Kaizen's pull requests: which are open (they count against
// budget.maxOpenPullRequests), and which file and rule a person turned down (not proposed
// again until forge.cooldownAfterClose has passed). The workflow that follows a pull request
// (workflows/pull-request.ts) reports its start and its end; the learner hears the end. Pure.
import { reviewOutcome } from '../forge/follow.js';
import { recordLesson } from './learner.js';
import type { Cooldown, GovernorState, OpenPullRequest, PullRequestEnded, PullRequestOpened } from './protocol.js';

export type { Cooldown, OpenPullRequest, PullRequestEnded, PullRequestOpened } from './protocol.js';

/** Registers an open pull request; a repeated report (a continued-as-new follow) refreshes it. */
export function handlePullRequestOpened(state: GovernorState, opened: PullRequestOpened): GovernorState {
  if (state.endedPullRequests?.includes(opened.followId)) return state;
  const others = (state.pullRequests ?? []).filter((p) => p.followId !== opened.followId);
  return { ...state, pullRequests: [...others, opened] };
}

/** The end of a followed pull request: it no longer counts, the learner hears the verdict, and a person's close cools its file and rule down. */
export function handlePullRequestEnded(state: GovernorState, ended: PullRequestEnded): GovernorState {
  const seen = state.endedPullRequests ?? [];
  if (seen.includes(ended.followId)) return state;
  const outcome = reviewOutcome(ended.review);
  const lessonFamily = ended.family;
  const cooldown: Cooldown[] =
    ended.review === 'closed' && ended.file && ended.cooldownUntil !== undefined ? [{ file: ended.file, family: ended.family, until: ended.cooldownUntil, number: ended.number }] : [];
  return {
    ...state,
    pullRequests: (state.pullRequests ?? []).filter((p) => p.followId !== ended.followId),
    endedPullRequests: [...seen, ended.followId].slice(-ENDED_KEPT),
    stats: outcome && lessonFamily ? recordLesson(state.stats, lessonFamily, ended.strategy, outcome, true) : state.stats,
    ...(cooldown.length || state.cooldowns ? { cooldowns: [...(state.cooldowns ?? []), ...cooldown] } : {}),
  };
}

/** Follow workflows whose end was recorded (a late repeated report is ignored). */
const ENDED_KEPT = 50;

/** The open pull requests and cooldowns still in force. */
export function prunePullRequests(state: GovernorState, now: number): Pick<GovernorState, 'pullRequests' | 'cooldowns'> {
  return {
    ...(state.pullRequests ? { pullRequests: state.pullRequests.filter((p) => p.expiresAt > now) } : {}),
    ...(state.cooldowns ? { cooldowns: state.cooldowns.filter((c) => c.until > now) } : {}),
  };
}

/** The cooldown that keeps `file` (and `family`, when known) from being proposed now, if any. */
export function activeCooldown(state: GovernorState, file: string | null, family: string | null, now: number): Cooldown | null {
  if (file === null) return null;
  return (state.cooldowns ?? []).find((c) => c.file === file && c.until > now && (c.family === null || family === null || c.family === family)) ?? null;
}

export function cooldownReason(c: Cooldown): string {
  const rule = c.family ? ` for ${c.family}` : '';
  return `a person closed pull request #${c.number} on ${c.file}${rule} without merging it; Kaizen does not propose it again before ${new Date(c.until).toISOString()} (forge.cooldownAfterClose)`;
}

/**
 * Why no new run may start, or null when one may: the open pull requests, and the running pr-mode
 * runs whose pull request is not followed yet (they will open one), reach budget.maxOpenPullRequests.
 */
export function openPullRequestsReason(open: readonly OpenPullRequest[], active: readonly { workflowId: string; opensPullRequest?: boolean }[], max: number): string | null {
  const coming = active.filter((s) => s.opensPullRequest && !open.some((p) => p.improvementWorkflowId === s.workflowId)).length;
  if (open.length + coming < max) return null;
  const numbers = open.length ? ` (${open.map((p) => `#${p.number}`).join(', ')})` : '';
  const running = coming ? ` and ${coming} running pr-mode run${coming === 1 ? '' : 's'} will open more` : '';
  return `${open.length} of Kaizen's pull requests ${open.length === 1 ? 'is' : 'are'} open${numbers}${running}; budget.maxOpenPullRequests is ${max}; next slot when one is merged or closed`;
}

/** Reads what an older or newer state carried (missing or malformed parts dropped). */
export function normalisePullRequests(raw: Partial<GovernorState>): Pick<GovernorState, 'pullRequests' | 'cooldowns' | 'endedPullRequests'> {
  return {
    ...(Array.isArray(raw.pullRequests) ? { pullRequests: raw.pullRequests.filter((p) => typeof p?.followId === 'string' && typeof p.expiresAt === 'number') } : {}),
    ...(Array.isArray(raw.cooldowns) ? { cooldowns: raw.cooldowns.filter((c) => typeof c?.file === 'string' && typeof c.until === 'number') } : {}),
    ...(Array.isArray(raw.endedPullRequests) ? { endedPullRequests: raw.endedPullRequests.filter((id) => typeof id === 'string') } : {}),
  };
}
