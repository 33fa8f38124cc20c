// The governor's budget rules. Pure: dated landings and running slots in, a decision (with
// the time of the next free slot) out, so every rule is unit-tested without Temporal.
import type { Config } from '../config/config.js';
import { durationMs } from '../duration.js';

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

export type BudgetLimits = Pick<Config['budget'], 'maxPerDay' | 'maxPerFilePerDay' | 'minIntervalMinutes' | 'maxConcurrent'> &
  /** Absent in requests of older workers: the default. */
  Partial<Pick<Config['budget'], 'maxOpenPullRequests'>>;

export const DEFAULT_MAX_OPEN_PULL_REQUESTS = 3;

export const DEFAULT_LIMITS: BudgetLimits = { maxPerDay: 5, maxPerFilePerDay: 2, minIntervalMinutes: 60, maxConcurrent: 3 };

/** A change that landed (`applied`) or was left for review (`proposed`): what budgets count. */
export interface Landing {
  at: number;
  file: string | null;
  workflowId: string;
  outcome: 'applied' | 'proposed';
}

/** An improvement the governor let start and that has not reported its end yet. */
export interface ActiveSlot {
  workflowId: string;
  file: string | null;
  grantedAt: number;
  /** A slot whose run vanished (terminated, lost) is dropped after this. */
  expiresAt: number;
  /** Its change has landed (and is counted as a Landing), so it no longer reserves budget. */
  landed: boolean;
}

/** `pull_requests`: budget.maxOpenPullRequests reached (stop for now); `cooldown`: a person closed this file's pull request (try another file). */
export type DenialKind = 'paused' | 'daily' | 'interval' | 'file' | 'concurrency' | 'pull_requests' | 'cooldown';

export type BudgetDecision = { ok: true } | { ok: false; kind: DenialKind; reason: string; nextSlotAt: number | null };

export interface SlotCheck {
  now: number;
  limits: BudgetLimits;
  landings: readonly Landing[];
  active: readonly ActiveSlot[];
  file: string | null;
}

/** Landings still inside the rolling 24 h window ending now (oldest first). */
export function inWindow(landings: readonly Landing[], now: number): Landing[] {
  return landings.filter((l) => l.at > now - DAY_MS && l.at <= now).sort((a, b) => a.at - b.at);
}

/**
 * When enough of `dated` (oldest first) have left the window for `reserved + dated` to fall
 * below `max`; null when the reservations alone fill it (only a finishing run frees it).
 */
function windowFreesAt(dated: Landing[], reserved: number, max: number): number | null {
  const excess = dated.length + reserved - max + 1;
  if (excess <= 0) return null;
  if (excess > dated.length) return null;
  return (dated[excess - 1] as Landing).at + DAY_MS;
}

/**
 * May one more improvement start now? Checked in the order that tells a cycle what to do:
 * daily and interval (stop for now), file (try another file), concurrency (wait for a run).
 * Running slots count as if they will land: a grant never lets the budget overflow later.
 */
export function decideSlot(check: SlotCheck): BudgetDecision {
  const { now, limits, file } = check;
  const pending = check.active.filter((s) => !s.landed);
  const day = inWindow(check.landings, now);
  if (day.length + pending.length >= limits.maxPerDay) {
    const at = limits.maxPerDay === 0 ? null : windowFreesAt(day, pending.length, limits.maxPerDay);
    const running = pending.length ? ` (${pending.length} running)` : '';
    return deny('daily', `daily budget used: ${day.length + pending.length} of ${limits.maxPerDay} changes in the last 24 h${running}`, at);
  }
  const last = lastChangeAt(check.landings, pending);
  const intervalMs = limits.minIntervalMinutes * MINUTE_MS;
  if (last !== null && now < last + intervalMs) {
    return deny('interval', `the last change was ${minutesAgo(now, last)}; budget.minIntervalMinutes is ${limits.minIntervalMinutes}`, last + intervalMs);
  }
  if (file !== null) {
    const fileDay = day.filter((l) => l.file === file);
    const filePending = pending.filter((s) => s.file === file).length;
    if (fileDay.length + filePending >= limits.maxPerFilePerDay) {
      const at = limits.maxPerFilePerDay === 0 ? null : windowFreesAt(fileDay, filePending, limits.maxPerFilePerDay);
      return deny('file', `${file} already had ${fileDay.length + filePending} of ${limits.maxPerFilePerDay} changes in the last 24 h`, at);
    }
  }
  if (check.active.length >= limits.maxConcurrent) {
    return deny('concurrency', `${check.active.length} of ${limits.maxConcurrent} improvements are running`, null);
  }
  return { ok: true };
}

/** The later of the last landing and the last grant still running: changes are spaced from both. */
export function lastChangeAt(landings: readonly Landing[], pending: readonly ActiveSlot[]): number | null {
  const times = [...landings.map((l) => l.at), ...pending.map((s) => s.grantedAt)];
  return times.length ? Math.max(...times) : null;
}

export interface MergeLock {
  holder: string;
  since: number;
  expiresAt: number;
}

export type LockDecision = { ok: true } | { ok: false; reason: string; retryAt: number | null };

export interface LockCheck {
  now: number;
  lock: MergeLock | null;
  requester: string;
  /** Space this landing from the last one (governed runs); manual runs only need the lock. */
  enforceInterval: boolean;
  minIntervalMinutes: number;
  landings: readonly Landing[];
}

/** The merge lock: one integration at a time, and (for governed runs) the minimum interval. */
export function decideMergeLock(check: LockCheck): LockDecision {
  const { lock, now } = check;
  if (lock && lock.holder === check.requester) return { ok: true };
  if (lock && lock.expiresAt > now) return { ok: false, reason: `${lock.holder} is integrating (since ${iso(lock.since)})`, retryAt: null };
  if (check.enforceInterval && check.landings.length) {
    const last = Math.max(...check.landings.map((l) => l.at));
    const next = last + check.minIntervalMinutes * MINUTE_MS;
    if (now < next) return { ok: false, reason: `the last change landed ${minutesAgo(now, last)}; next slot at ${iso(next)}`, retryAt: next };
  }
  return { ok: true };
}

function deny(kind: DenialKind, why: string, nextSlotAt: number | null): BudgetDecision {
  const when = nextSlotAt === null ? (kind === 'concurrency' ? 'when a running improvement finishes' : 'when a running improvement finishes or the budget changes') : `at ${iso(nextSlotAt)}`;
  return { ok: false, kind, reason: `${why}; next slot ${when}`, nextSlotAt };
}

function minutesAgo(now: number, at: number): string {
  const minutes = Math.max(0, Math.round((now - at) / MINUTE_MS));
  return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** How long the governor keeps a slot without an end report: a run that takes longer vanished. */
export function slotLeaseMs(config: Pick<Config, 'timeouts' | 'pauseBetweenSteps' | 'approval'>): number {
  const steps = Object.values(config.timeouts).reduce((sum, t) => sum + durationMs(t as string), 0);
  const pauses = 8 * durationMs(config.pauseBetweenSteps);
  const approval = config.approval.required ? durationMs(config.approval.timeout) : 0;
  return 2 * steps + pauses + approval + 60 * MINUTE_MS;
}

/** How long one integration may hold the merge lock: every rebase round may verify again. */
export function lockLeaseMs(config: Pick<Config, 'timeouts'>, rounds: number): number {
  const round = durationMs(config.timeouts.apply) * 2 + durationMs(config.timeouts.verify) * 2;
  return rounds * round + 10 * MINUTE_MS;
}
