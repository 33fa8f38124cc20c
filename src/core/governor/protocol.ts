// What improvements, cycles and the CLI say to a repository's governor, and what it answers.
// Plain JSON: these travel as update, signal and query payloads.
import type { NotificationsConfig } from '../config/config.js';
import type { ActiveSlot, BudgetLimits, DenialKind, Landing, MergeLock } from './budget.js';
import type { StrategyStats } from './learner.js';
import type { LlmBudgetState, LlmBudgetView, LlmLimits } from '../llm/budget.js';
import type { Outcome, Strategy } from '../types.js';
import type { FlakyReport, FlakyTest } from './flaky.js';
import type { ReviewResult } from '../forge/follow.js';

/** Where a repository's governor workflow lives and how to start it on first use. */
export interface GovernorTarget {
  workflowId: string;
  repoRoot: string;
  /** The shared task queue the governor workflow runs on. */
  taskQueue: string;
}

export interface GovernorInput {
  /** Absolute path of the repository (the git top level on the worker's host). */
  repoPath: string;
  /** State carried over by continue-as-new. */
  state?: GovernorState;
  /** Continue as new after this many history events (default 2000; tests force it lower). */
  continueAsNewAfterEvents?: number;
}

export interface SlotRequest {
  /** The improvement's workflow id: the slot's name, and what makes a repeated request harmless. */
  workflowId: string;
  /** Who asks: a cycle's workflow id, or the improvement itself. */
  requestedBy: string;
  file: string | null;
  /** Rule family of the finding(s) it is about (see learner.ts), when known. */
  family: string | null;
  /** The analyser can fix that family itself. */
  fixable: boolean;
  /** Strategies the repository allows; the governor picks one unless `strategy` is fixed. */
  strategies: Strategy[];
  strategy?: Strategy;
  limits: BudgetLimits;
  /** false: registered and counted, but never refused (a manual `kaizen improve`). */
  enforceBudget: boolean;
  /** The slot is given up after this long without an end report (a terminated run). */
  leaseMs: number;
  /** The run lands in pr mode: until its pull request is followed it counts against budget.maxOpenPullRequests. Absent in older requests. */
  opensPullRequest?: boolean;
  /** The repo's LLM caps now: a cap raised since it paused the LLM strategies no longer holds them back. */
  llmLimits?: LlmLimits;
  /** Where and to whom the governor announces a repo-wide pause (the latest run's host and channels). */
  notify?: PauseAnnouncement;
}

/** Channel settings hold only variable names, so this is safe in workflow state. */
export interface PauseAnnouncement {
  hostQueue: string;
  notifications: NotificationsConfig;
}

export type SlotAnswer =
  | {
      granted: true;
      strategy: Strategy;
      why: string;
      paused: boolean;
      /** Files other runs hold (see reservations.ts): the run's analysis skips them. Absent from older governors. */
      reserved?: string[];
    }
  | { granted: false; kind: DenialKind | 'no_strategy'; reason: string; nextSlotAt: string | null };

/** After analysis: reserve the first of these files (best first) no other run holds. */
export interface ReserveRequest {
  workflowId: string;
  candidates: string[];
}

/** The file reserved for the run, or null (and why) when other runs hold every candidate. */
export interface ReserveAnswer {
  file: string | null;
  reason: string;
}

export interface LockRequest {
  workflowId: string;
  enforceInterval: boolean;
  minIntervalMinutes: number;
  leaseMs: number;
}

export type LockAnswer = { granted: true } | { granted: false; reason: string; retryAt: string | null };

export interface LockRelease {
  workflowId: string;
  /** Set when the integration left a change (applied or proposed): a budget landing. */
  landed: { file: string | null; outcome: 'applied' | 'proposed' } | null;
}

export interface SlotFinished {
  workflowId: string;
  outcome: Outcome;
  reason: string;
  strategy: Strategy;
  file: string | null;
  family: string | null;
  /**
   * The strategy's change failed its gates (tests, findings, test gate): the only failure the
   * learner counts. A skip, a change main already had, a conflict or a missing key teach
   * nothing. Absent in reports of older workers: the outcome alone decides.
   */
  gatesFailed?: boolean;
  /** Test runs that were red and then green on the immediate rerun: remembered as flaky tests. */
  flaky?: FlakyReport[];
}

export interface PauseRequest {
  by: string;
  reason?: string;
}

export interface FinishedRun {
  workflowId: string;
  at: number;
  outcome: Outcome;
  strategy: Strategy;
  file: string | null;
  family: string | null;
  reason: string;
}

export interface PauseState {
  paused: boolean;
  since?: number;
  by?: string;
  reason?: string;
}

/** Everything the governor knows; continue-as-new hands it to the next run. */
export interface GovernorState {
  version: 1;
  repoPath: string;
  landings: Landing[];
  active: (ActiveSlot & { family: string | null; strategy: Strategy; enforced: boolean; opensPullRequest?: boolean })[];
  lock: MergeLock | null;
  /** Runs waiting for the merge lock (told when it is released), with when they last asked. */
  waiters: { workflowId: string; lastSeen: number }[];
  pause: PauseState;
  stats: StrategyStats;
  /** The budget the last request carried (the repo's config), shown by `kaizen governor`. */
  limits: BudgetLimits | null;
  totals: Record<Outcome, number>;
  /** The latest finished runs, newest last. */
  recent: FinishedRun[];
  /** LLM usage in the last 24 h and the LLM pause (llm.maxTokensPerDay, llm.maxCostPerDay); absent in older states. */
  llm?: LlmBudgetState;
  /** How to announce a repo-wide pause; absent until a run with channels checked in. */
  notify?: PauseAnnouncement;
  /** Tests seen failing and then passing on the rerun, most recently seen first; absent until one flaked. */
  flaky?: FlakyTest[];
  /** Pull requests a follow workflow watches (pull-requests.ts); absent until pr mode opened one. */
  pullRequests?: OpenPullRequest[];
  /** Files and rules a person turned down, until when. */
  cooldowns?: Cooldown[];
  /** The latest follow workflows whose end was recorded. */
  endedPullRequests?: string[];
}

/** One pull request a follow workflow is watching. */
export interface OpenPullRequest {
  /** The follow workflow's id: what makes a repeated report harmless. */
  followId: string;
  /** The improvement that opened it (its slot stops counting as a pull request to come). */
  improvementWorkflowId?: string;
  number: number;
  url: string;
  file: string | null;
  family: string | null;
  strategy: Strategy;
  openedAt: number;
  /** Forgotten after this even without an end report (its follow workflow was terminated). */
  expiresAt: number;
}

/** A file and rule a person closed a pull request for. */
export interface Cooldown {
  file: string;
  /** null: every rule of the file. */
  family: string | null;
  until: number;
  /** The pull request that was closed, for the reason a refusal gives. */
  number: number;
}

export type PullRequestOpened = OpenPullRequest;

export interface PullRequestEnded {
  followId: string;
  number: number;
  file: string | null;
  family: string | null;
  strategy: Strategy;
  review: ReviewResult;
  /** For `closed`: the end of the cooldown (ms since the epoch). */
  cooldownUntil?: number;
}

/** What `kaizen governor REPO --json` prints: the state plus what it means now. */
export interface GovernorView {
  repoPath: string;
  now: string;
  paused: PauseState & { sinceIso?: string };
  budget: {
    limits: BudgetLimits;
    last24h: number;
    running: number;
    left: number;
    perFile: Record<string, number>;
    lastChangeAt: string | null;
    nextSlotAt: string | null;
    nextSlotReason: string | null;
  };
  lock: { holder: string; since: string; expiresAt: string } | null;
  waiting: string[];
  active: { workflowId: string; file: string | null; strategy: Strategy; grantedAt: string; landed: boolean }[];
  strategies: { family: string; strategy: Strategy; successes: number; failures: number; successRate: number | null }[];
  totals: Record<Outcome, number>;
  recent: (Omit<FinishedRun, 'at'> & { at: string })[];
  landings: { at: string; file: string | null; outcome: 'applied' | 'proposed'; workflowId: string }[];
  /** LLM tokens and cost in the last 24 h, and whether the LLM strategies are paused by a cap. */
  llm?: LlmBudgetView;
  /** Flaky tests seen in the last 30 days, most recently seen first. */
  flaky: (Omit<FlakyTest, 'firstAt' | 'lastAt'> & { firstAt: string; lastAt: string })[];
  /** Kaizen's open pull requests (budget.maxOpenPullRequests counts them). */
  pullRequests: { number: number; url: string; file: string | null; openedAt: string; followId: string }[];
  /** Files and rules not proposed again until `until` (forge.cooldownAfterClose). */
  cooldowns: { file: string; family: string | null; until: string; number: number }[];
}
