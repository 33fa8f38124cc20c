// Reading failures inside workflow code: which error type an activity failed with, and a
// short, human reason for the outcome. Branches on failure types, never on message text.
import { ActivityFailure, ApplicationFailure, TimeoutFailure, isCancellation } from '@temporalio/workflow';
import type { Outcome } from '../../core/types.js';
/** A step decided the run's outcome (skip, rollback) without an activity failing. */
export class StepOutcome extends Error {
  constructor(
    readonly outcome: Outcome,
    readonly reason: string,
    /** More than the reason carries, e.g. the test output's tail for an LLM repair attempt. */
    readonly detail?: string,
  ) {
    super(reason);
    this.name = 'StepOutcome';
  }
}

export interface FailureInfo {
  type: string | null;
  message: string;
  timedOut: boolean;
  cancelled: boolean;
  activity: string | null;
}

export function describeFailure(err: unknown): FailureInfo {
  if (isCancellation(err)) {
    return { type: null, message: 'cancelled', timedOut: false, cancelled: true, activity: null };
  }
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    const activity = err.activityType ?? null;
    if (cause instanceof TimeoutFailure) {
      const kind = (cause.timeoutType ?? 'timeout').toLowerCase().replace(/_/g, '-');
      return { type: null, message: `${activity ?? 'activity'} timed out (${kind})`, timedOut: true, cancelled: false, activity };
    }
    if (cause instanceof ApplicationFailure) {
      // A retried timeout surfaces as an ApplicationFailure only for app errors; keep its type.
      return { type: cause.type ?? null, message: cause.message, timedOut: false, cancelled: false, activity };
    }
    return { type: null, message: cause?.message ?? err.message, timedOut: false, cancelled: false, activity };
  }
  if (err instanceof ApplicationFailure) {
    return { type: err.type ?? null, message: err.message, timedOut: false, cancelled: false, activity: null };
  }
  return { type: null, message: err instanceof Error ? err.message : String(err), timedOut: false, cancelled: false, activity: null };
}

/** Trims text for a one-line reason. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The last lines of a test run's output, for a reason that shows what broke. */
/** What went wrong in a red test run: the failing tests by name, else the output's last lines. */
export function redRunDetail(run: { failedTests?: string[]; outputTail: string }, shown = 5): string {
  const names = run.failedTests ?? [];
  if (names.length === 0) return lastLines(run.outputTail);
  const more = names.length > shown ? `, and ${names.length - shown} more` : '';
  return `failing: ${names.slice(0, shown).join('; ')}${more}`;
}

/** `; flaky (failed, then passed when run again): a; b` for a note, or '' for a steady run. */
export function flakyNote(run: { flaky?: string[] }): string {
  if (run.flaky === undefined) return '';
  return `; flaky (failed, then passed when run again): ${run.flaky.length > 0 ? run.flaky.join('; ') : 'the test command, which named no test'}`;
}

export function lastLines(text: string, lines = 8, max = 800): string {
  const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
  return tail.length > max ? tail.slice(-max) : tail;
}
