// The governor's state and every decision it makes on it. Pure: the workflow holds one state,
// calls these on each update or signal, and hands the pruned state to its next run.
import { DAY_MS, DEFAULT_LIMITS, decideMergeLock, decideSlot, inWindow, iso, type Landing } from './budget.js';
import type {
  FinishedRun,
  GovernorState,
  GovernorView,
  LockAnswer,
  LockRelease,
  LockRequest,
  PauseRequest,
  ReserveAnswer,
  ReserveRequest,
  SlotAnswer,
  SlotFinished,
  SlotRequest,
} from './protocol.js';
import { llmView, normaliseLlm, pruneLlm, strategiesAllowedNow } from './llm-caps.js';
import { chooseStrategy, recordLesson, type Random } from './learner.js';
import { reservedByOthers, reserveFile } from './reservations.js';
import { OUTCOMES, STRATEGIES, type Outcome, type Strategy } from '../types.js';
import { pruneFlaky, recordFlaky } from './flaky.js';
import { activeCooldown, cooldownReason, normalisePullRequests, openPullRequestsReason, prunePullRequests } from './pull-requests.js';
import { DEFAULT_MAX_OPEN_PULL_REQUESTS, type BudgetLimits } from './budget.js';

/** Waiters that stopped asking for the lock this long ago are forgotten. */
const WAITER_TTL_MS = 30 * 60_000;
const RECENT_RUNS = 20;
const UNKNOWN_FAMILY = '(unknown rule)';

export function initialState(repoPath: string): GovernorState {
  return {
    version: 1,
    repoPath,
    landings: [],
    active: [],
    lock: null,
    waiters: [],
    pause: { paused: false },
    stats: {},
    limits: null,
    totals: zeroTotals(),
    recent: [],
  };
}

function zeroTotals(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
}

/**
 * Drops what can no longer matter: landings older than 24 h, slots and a lock whose lease ran
 * out (their runs vanished), waiters that stopped asking. Leases do not run out while paused.
 */
export function pruneState(state: GovernorState, now: number): GovernorState {
  const paused = state.pause.paused;
  return {
    ...state,
    landings: state.landings.filter((l) => l.at > now - DAY_MS),
    active: paused ? [...state.active] : state.active.filter((s) => s.expiresAt > now),
    lock: state.lock && (paused || state.lock.expiresAt > now) ? state.lock : null,
    waiters: state.waiters.filter((w) => w.lastSeen > now - WAITER_TTL_MS),
    recent: state.recent.slice(-RECENT_RUNS),
    ...(state.llm ? { llm: pruneLlm(state, now).llm } : {}),
    ...(state.flaky ? { flaky: pruneFlaky(state.flaky, now) ?? [] } : {}),
    ...prunePullRequests(state, now),
  };
}

/** Reads a state carried over by continue-as-new (or written by an older version): missing parts get defaults. */
export function normaliseState(raw: unknown, repoPath: string): GovernorState {
  const base = initialState(repoPath);
  if (typeof raw !== 'object' || raw === null) return base;
  const s = raw as Partial<GovernorState>;
  const arr = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
  return {
    ...base,
    repoPath: typeof s.repoPath === 'string' ? s.repoPath : repoPath,
    landings: arr(s.landings).filter((l) => typeof l?.at === 'number'),
    active: arr(s.active).filter((a) => typeof a?.workflowId === 'string'),
    lock: s.lock && typeof s.lock.holder === 'string' ? s.lock : null,
    waiters: arr(s.waiters),
    pause: s.pause && typeof s.pause.paused === 'boolean' ? s.pause : base.pause,
    stats: s.stats && typeof s.stats === 'object' ? s.stats : {},
    limits: s.limits ?? null,
    totals: { ...base.totals, ...(s.totals ?? {}) },
    recent: arr(s.recent),
    ...(normaliseLlm(s.llm) ? { llm: normaliseLlm(s.llm) } : {}),
    ...(s.notify && typeof s.notify.hostQueue === 'string' ? { notify: s.notify } : {}),
    ...(Array.isArray(s.flaky) ? { flaky: s.flaky.filter((f) => typeof f?.name === 'string' && typeof f.lastAt === 'number') } : {}),
    ...normalisePullRequests(s),
  };
}

export function handleSlotRequest(state: GovernorState, req: SlotRequest, now: number, random: Random): { state: GovernorState; answer: SlotAnswer } {
  let next = pruneState(state, now);
  // The latest run's host and channels, even from a run whose slot a cycle already took.
  if (req.notify) next = { ...next, notify: req.notify };
  const existing = next.active.find((s) => s.workflowId === req.workflowId);
  if (existing) {
    return { state: next, answer: { granted: true, strategy: existing.strategy, why: 'slot already granted', paused: next.pause.paused, reserved: othersFiles(next, req.workflowId) } };
  }
  next = { ...next, limits: req.limits };
  if (req.enforceBudget && next.pause.paused) {
    return { state: next, answer: { granted: false, kind: 'paused', reason: pausedReason(next), nextSlotAt: null } };
  }
  if (req.enforceBudget) {
    const decision = decideSlot({ now, limits: req.limits, landings: next.landings, active: next.active, file: req.file });
    if (!decision.ok) {
      return { state: next, answer: { granted: false, kind: decision.kind, reason: decision.reason, nextSlotAt: decision.nextSlotAt === null ? null : iso(decision.nextSlotAt) } };
    }
    const prs = pullRequestsReason(next, req.limits);
    if (prs) return { state: next, answer: { granted: false, kind: 'pull_requests', reason: prs, nextSlotAt: null } };
    const cooldown = activeCooldown(next, req.file, req.family, now);
    if (cooldown) return { state: next, answer: { granted: false, kind: 'cooldown', reason: cooldownReason(cooldown), nextSlotAt: null } };
  }
  let strategy: Strategy;
  let why: string;
  if (req.strategy) {
    strategy = req.strategy;
    why = 'strategy chosen by the caller';
  } else {
    const allowed = strategiesAllowedNow(next, req.strategies, req.llmLimits);
    const choice = chooseStrategy({ stats: next.stats, family: req.family ?? UNKNOWN_FAMILY, fixable: req.fixable, allowed, random });
    if (!choice) {
      const llmPause = allowed.length < req.strategies.length ? ' (the LLM strategies are paused by a cost cap)' : '';
      const reason = `no allowed strategy (${allowed.join(', ') || 'none'})${llmPause} can fix ${req.family ?? 'these findings'}: autofix needs findings the analyser fixes itself`;
      return { state: next, answer: { granted: false, kind: 'no_strategy', reason, nextSlotAt: null } };
    }
    ({ strategy, why } = choice);
  }
  const slot = { workflowId: req.workflowId, file: req.file, grantedAt: now, expiresAt: now + req.leaseMs, landed: false, family: req.family, strategy, enforced: req.enforceBudget, ...(req.opensPullRequest ? { opensPullRequest: true } : {}) };
  return { state: { ...next, active: [...next.active, slot] }, answer: { granted: true, strategy, why, paused: next.pause.paused, reserved: othersFiles(next, req.workflowId) } };
}

function othersFiles(state: GovernorState, workflowId: string): string[] {
  return [...new Set(reservedByOthers(state.active, workflowId).map((r) => r.file))];
}

/** After analysis: the run's target, or the next candidate no other run holds (see reservations.ts). */
export function handleReserve(state: GovernorState, req: ReserveRequest, now: number): { state: GovernorState; answer: ReserveAnswer } {
  const next = pruneState(state, now);
  const { active, answer } = reserveFile(next.active, req);
  return { state: { ...next, active }, answer };
}

export function handleLockRequest(state: GovernorState, req: LockRequest, now: number): { state: GovernorState; answer: LockAnswer } {
  const next = pruneState(state, now);
  const decision = decideMergeLock({
    now,
    lock: next.lock,
    requester: req.workflowId,
    enforceInterval: req.enforceInterval,
    minIntervalMinutes: req.minIntervalMinutes,
    landings: next.landings,
  });
  const others = next.waiters.filter((w) => w.workflowId !== req.workflowId);
  if (decision.ok) {
    const since = next.lock?.holder === req.workflowId ? next.lock.since : now;
    return { state: { ...next, lock: { holder: req.workflowId, since, expiresAt: now + req.leaseMs }, waiters: others }, answer: { granted: true } };
  }
  const answer: LockAnswer = { granted: false, reason: decision.reason, retryAt: decision.retryAt === null ? null : iso(decision.retryAt) };
  return { state: { ...next, waiters: [...others, { workflowId: req.workflowId, lastSeen: now }] }, answer };
}

/** Frees the lock (when `release` names its holder) and records a landing; returns the runs to tell the lock is free. */
export function handleLockRelease(state: GovernorState, release: LockRelease, now: number): { state: GovernorState; runs: string[] } {
  let next = recordLanding(state, release.workflowId, release.landed, now);
  const freed = next.lock?.holder === release.workflowId;
  next = { ...next, lock: freed ? null : next.lock, waiters: next.waiters.filter((w) => w.workflowId !== release.workflowId) };
  return { state: next, runs: freed ? next.waiters.map((w) => w.workflowId) : [] };
}

function recordLanding(state: GovernorState, workflowId: string, landed: LockRelease['landed'], now: number): GovernorState {
  if (!landed || state.landings.some((l) => l.workflowId === workflowId)) return state;
  const landing: Landing = { at: now, file: landed.file, workflowId, outcome: landed.outcome };
  return {
    ...state,
    landings: [...state.landings, landing],
    active: state.active.map((s) => (s.workflowId === workflowId ? { ...s, landed: true } : s)),
  };
}

/** A run ended: its slot is freed, its outcome counted and learned from. Repeated reports change nothing. */
/** Returns the runs to tell the merge lock is free. */
export function handleSlotFinished(state: GovernorState, done: SlotFinished, now: number): { state: GovernorState; runs: string[] } {
  if (state.recent.some((r) => r.workflowId === done.workflowId)) return { state, runs: [] };
  const slot = state.active.find((s) => s.workflowId === done.workflowId);
  const landedOutcome = done.outcome === 'applied' || done.outcome === 'proposed' ? done.outcome : null;
  // A run that landed without releasing the lock first (or never took it) still counts.
  let next = recordLanding(state, done.workflowId, landedOutcome ? { file: done.file, outcome: landedOutcome } : null, now);
  const family = slot?.family ?? done.family;
  const run: FinishedRun = { workflowId: done.workflowId, at: now, outcome: done.outcome, strategy: done.strategy, file: done.file, family, reason: done.reason.slice(0, 300) };
  const released = handleLockRelease(next, { workflowId: done.workflowId, landed: null }, now);
  next = {
    ...released.state,
    active: released.state.active.filter((s) => s.workflowId !== done.workflowId),
    // A pull request is judged when it is merged or closed (pull-requests.ts), not when it is opened.
    stats: family && !(slot?.opensPullRequest && done.outcome === 'proposed') ? recordLesson(next.stats, family, done.strategy, done.outcome, done.gatesFailed) : next.stats,
    totals: { ...next.totals, [done.outcome]: (next.totals[done.outcome] ?? 0) + 1 },
    recent: [...next.recent, run].slice(-RECENT_RUNS),
    ...(done.flaky?.length ? { flaky: recordFlaky(next.flaky, done.workflowId, done.flaky, now) } : {}),
  };
  return { state: next, runs: released.runs };
}

/** Pauses or resumes the repository; returns the runs to pass the pause or resume on to. */
export function setPaused(state: GovernorState, paused: boolean, req: PauseRequest, now: number): { state: GovernorState; runs: string[] } {
  const runs = [...new Set([...state.active.map((s) => s.workflowId), ...(state.lock ? [state.lock.holder] : []), ...state.waiters.map((w) => w.workflowId)])];
  if (paused === state.pause.paused) return { state, runs: [] };
  if (paused) {
    return { state: { ...state, pause: { paused: true, since: now, by: req.by, ...(req.reason ? { reason: req.reason } : {}) } }, runs };
  }
  // The paused time does not count against the leases of the runs that were held.
  const held = now - (state.pause.since ?? now);
  return {
    state: {
      ...state,
      pause: { paused: false },
      active: state.active.map((s) => ({ ...s, expiresAt: s.expiresAt + held })),
      lock: state.lock ? { ...state.lock, expiresAt: state.lock.expiresAt + held } : null,
    },
    runs,
  };
}

function pausedReason(state: GovernorState): string {
  const p = state.pause;
  const since = p.since !== undefined ? ` since ${iso(p.since)}` : '';
  return `the repository is paused${p.by ? ` by ${p.by}` : ''}${since}${p.reason ? ` (${p.reason})` : ''}; 'kaizen resume REPO' lets improvements start again`;
}

export function governorView(state: GovernorState, now: number): GovernorView {
  const s = pruneState(state, now);
  const limits = s.limits ?? DEFAULT_LIMITS;
  const day = inWindow(s.landings, now);
  const pending = s.active.filter((a) => !a.landed);
  const perFile: Record<string, number> = {};
  for (const l of day) if (l.file) perFile[l.file] = (perFile[l.file] ?? 0) + 1;
  const budgetDecision = s.pause.paused ? null : decideSlot({ now, limits, landings: s.landings, active: s.active, file: null });
  const prs = pullRequestsReason(s, limits);
  const decision = budgetDecision && budgetDecision.ok && prs ? { ok: false as const, reason: prs, nextSlotAt: null } : budgetDecision;
  const times = [...s.landings.map((l) => l.at), ...pending.map((a) => a.grantedAt)];
  return {
    repoPath: s.repoPath,
    now: iso(now),
    paused: { ...s.pause, ...(s.pause.since !== undefined ? { sinceIso: iso(s.pause.since) } : {}) },
    budget: {
      limits,
      last24h: day.length,
      running: pending.length,
      left: Math.max(0, limits.maxPerDay - day.length - pending.length),
      perFile,
      lastChangeAt: times.length ? iso(Math.max(...times)) : null,
      nextSlotAt: s.pause.paused ? null : decision && !decision.ok ? (decision.nextSlotAt === null ? null : iso(decision.nextSlotAt)) : iso(now),
      nextSlotReason: s.pause.paused ? pausedReason(s) : decision && !decision.ok ? decision.reason : null,
    },
    lock: s.lock ? { holder: s.lock.holder, since: iso(s.lock.since), expiresAt: iso(s.lock.expiresAt) } : null,
    waiting: s.waiters.map((w) => w.workflowId),
    active: s.active.map((a) => ({ workflowId: a.workflowId, file: a.file, strategy: a.strategy, grantedAt: iso(a.grantedAt), landed: a.landed })),
    strategies: Object.entries(s.stats).flatMap(([family, arms]) =>
      STRATEGIES.filter((st) => arms[st]).map((strategy) => {
        const arm = arms[strategy] as { successes: number; failures: number };
        const n = arm.successes + arm.failures;
        return { family, strategy, successes: arm.successes, failures: arm.failures, successRate: n ? arm.successes / n : null };
      }),
    ),
    totals: s.totals,
    recent: s.recent.map((r) => ({ ...r, at: iso(r.at) })),
    landings: s.landings.map((l) => ({ at: iso(l.at), file: l.file, outcome: l.outcome, workflowId: l.workflowId })),
    llm: llmView(s, now),
    flaky: (s.flaky ?? []).map((f) => ({ ...f, firstAt: iso(f.firstAt), lastAt: iso(f.lastAt) })),
    pullRequests: (s.pullRequests ?? []).map((p) => ({ number: p.number, url: p.url, file: p.file, openedAt: iso(p.openedAt), followId: p.followId })),
    cooldowns: (s.cooldowns ?? []).map((c) => ({ file: c.file, family: c.family, until: iso(c.until), number: c.number })),
  };
}

/** Why budget.maxOpenPullRequests holds new runs back, or null. */
function pullRequestsReason(state: GovernorState, limits: BudgetLimits): string | null {
  return openPullRequestsReason(state.pullRequests ?? [], state.active, limits.maxOpenPullRequests ?? DEFAULT_MAX_OPEN_PULL_REQUESTS);
}
