// One line of <repo>/.kaizen/ledger.jsonl: an improvement's outcome or an undelivered notification.
import type { LlmAttempt, Mode, Outcome, Proposal, StepName, Strategy } from '../types.js';
import type { UndoEntry } from '../undo/types.js';
import type { ReviewResult } from '../forge/follow.js';

export interface LedgerEntry {
  /** Lines of other kinds share the ledger; improvement lines written before kinds existed have none. */
  kind?: 'improvement';
  timestamp: string;
  workflowId: string;
  runId: string;
  repo: string;
  file: string | null;
  strategy: Strategy;
  mode: Mode;
  outcome: Outcome;
  reason: string;
  findingsFixed: number;
  fixedRules: string[];
  /** The rule family the change was about, as the learner counts it (absent in older lines). */
  family?: string | null;
  linesAdded: number;
  linesRemoved: number;
  testsBefore: { passed: boolean; cached: boolean; durationMs: number } | null;
  testsAfter: { passed: boolean; cached: boolean; durationMs: number } | null;
  commit: string | null;
  branch: string | null;
  /** pr mode: the pull request the change waits in (absent in other modes and older lines). */
  pullRequest?: { url: string; number: number };
  backupRef: string | null;
  durationsMs: Partial<Record<StepName, number>>;
  llm?: Proposal['llm'];
  /** The change's unified diff, capped (LEDGER_DIFF_LIMIT); absent in lines written before it existed. */
  diffExcerpt?: string;
  /** LLM strategies: each try with its reason, tokens and cost (absent in older lines). */
  attempts?: LlmAttempt[];
  /** LLM strategies: tokens and cost of all tries together. */
  llmTotal?: { promptTokens: number; completionTokens: number; costUsd?: number };
}

/** A notification that still could not be delivered after its retries. Never holds a secret. */
export interface UndeliveredEntry {
  kind: 'undelivered';
  timestamp: string;
  /** The workflow that tried to notify (improvement, cycle, governor). */
  workflowId: string;
  repo: string;
  channel: string;
  channelType: string;
  /** `applied` … `skipped`, `cycle_summary` or `paused`. */
  event: string;
  deliveryId: string;
  /** Why the last attempt failed, with URLs cut to scheme and host. */
  error: string;
}

/** How one of Kaizen's pull requests ended, written by the workflow that followed it. */
export interface ReviewEntry {
  kind: 'review';
  timestamp: string;
  /** The follow workflow (`kaizen-pr-<repoKey>-<number>`). */
  workflowId: string;
  /** The improvement that opened the pull request. */
  improvementWorkflowId: string;
  repo: string;
  pullRequest: { url: string; number: number };
  branch: string;
  /** The commit Kaizen verified and pushed. */
  commit: string;
  file: string | null;
  family: string | null;
  strategy: Strategy;
  /** merged, closed (by a person), checks_failed, stale, conflict, verify_failed (closed by Kaizen), taken_over (a person pushed), lost. */
  review: ReviewResult;
  /** What it counts as: merged `applied`, closed or red checks `rolled_back`, else null. */
  outcome: Outcome | null;
  reason: string;
}

/** Every kind of ledger line this version knows; readers skip (and count) kinds they do not. */
export type LedgerRecord = LedgerEntry | UndeliveredEntry | UndoEntry | ReviewEntry;
export type { UndoEntry };
