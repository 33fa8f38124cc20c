// What the governor keeps in its memo: the last known state in a few fields, so that
// `kaizen governor` can still show budget, pause and merge lock when no worker answers a
// query (the server returns a memo with describe, no worker needed). Pure and workflow-safe.
import type { GovernorView } from './protocol.js';

export const GOVERNOR_MEMO_KEY = 'kaizenGovernor';

export interface GovernorMemo {
  /** When the state was last changed. */
  at: string;
  paused: { by?: string; since?: string; reason?: string } | null;
  budget: { last24h: number; running: number; left: number; maxPerDay: number; nextSlotAt: string | null; nextSlotReason: string | null };
  lockHolder: string | null;
  llmPausedReason: string | null;
  flakyTests: number;
}

export function governorMemo(view: GovernorView): GovernorMemo {
  const b = view.budget;
  const p = view.paused;
  return {
    at: view.now,
    paused: p.paused ? { ...(p.by ? { by: p.by } : {}), ...(p.sinceIso ? { since: p.sinceIso } : {}), ...(p.reason ? { reason: p.reason } : {}) } : null,
    budget: { last24h: b.last24h, running: b.running, left: b.left, maxPerDay: b.limits.maxPerDay, nextSlotAt: b.nextSlotReason ? b.nextSlotAt : null, nextSlotReason: b.nextSlotReason },
    lockHolder: view.lock?.holder ?? null,
    llmPausedReason: view.llm?.paused?.reason ?? null,
    flakyTests: view.flaky?.length ?? 0,
  };
}

/** True when two memos differ in more than their time: only then is a new one worth a history event. */
export function memoChanged(previous: GovernorMemo | undefined, next: GovernorMemo): boolean {
  if (!previous) return true;
  return JSON.stringify({ ...previous, at: '' }) !== JSON.stringify({ ...next, at: '' });
}

/** A memo read back from the server, or undefined when it is missing or not this shape. */
export function readGovernorMemo(memo: Record<string, unknown> | undefined): GovernorMemo | undefined {
  const value = memo?.[GOVERNOR_MEMO_KEY];
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Partial<GovernorMemo>;
  if (typeof m.at !== 'string' || typeof m.budget !== 'object' || m.budget === null) return undefined;
  return m as GovernorMemo;
}
