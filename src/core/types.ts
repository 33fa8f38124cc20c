// Shared vocabulary of workflows and activities. Everything here crosses the Temporal
// boundary, so it stays plain JSON and small: contents and logs live on the worker's disk.
// What the landing steps report (apply, rebase, integrate, push) is in repository/landing.ts,
// what the `progress` query answers in improvement/progress.ts.
import type { ChangedLinesCoverage } from './change/line-coverage.js';

export type Outcome = 'applied' | 'proposed' | 'rolled_back' | 'skipped' | 'failed';
export const OUTCOMES: readonly Outcome[] = ['applied', 'proposed', 'rolled_back', 'skipped', 'failed'];

/**
 * `autofix`: the analyser's own fixer. The others are LLM prompt kinds (src/core/llm/kinds.ts):
 * `llm` fixes the findings, `llm-complexity` simplifies a function over the complexity threshold,
 * `llm-error-handling` adds missing error handling, `llm-tests` adds tests for an untested export.
 */
export const STRATEGIES = ['autofix', 'llm', 'llm-complexity', 'llm-error-handling', 'llm-tests'] as const;
export type Strategy = (typeof STRATEGIES)[number];
export type LlmStrategy = Exclude<Strategy, 'autofix'>;

/**
 * `branch`: leave `kaizen/<id>` in the checkout; `merge`: fast-forward the target branch;
 * `auto`: merge when the change is low-risk, else leave the branch (core/improvement/risk.ts);
 * `push`: push `kaizen/<id>` to the configured remote; `pr`: push it and open a pull request.
 */
export const MODES = ['branch', 'merge', 'auto', 'push', 'pr'] as const;
export type Mode = (typeof MODES)[number];

/** The saga's steps, in order; `prepare` makes the isolated worktree everything else runs in. */
export type StepName =
  | 'prepare'
  | 'analyse'
  | 'test'
  | 'generate'
  | 'apply'
  | 'verify'
  | 'integrate'
  | 'notify';
export const STEPS: readonly StepName[] = [
  'prepare',
  'analyse',
  'test',
  'generate',
  'apply',
  'verify',
  'integrate',
  'notify',
];

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Repo-relative POSIX path. */
  file: string;
  line: number;
  column: number;
  endLine?: number;
  ruleId: string;
  message: string;
  severity: Severity;
  /** Which analyser reported it, e.g. `eslint` or a configured SARIF analyser id. */
  analyser: string;
  /** The analyser's own fixer can fix it. */
  fixable: boolean;
  /** The analyser offers suggestions for it (ESLint `suggestions`). */
  hasSuggestions?: boolean;
  /** A parse error: the file could not be read as its language. */
  fatal?: boolean;
}

/** Where one improvement works: an isolated git worktree of the user's repository. */
export interface Workspace {
  /** Short id used in branch and ref names. */
  runId: string;
  /** Absolute path of the user's repository (its main worktree). */
  repoRoot: string;
  /** Absolute path of the isolated worktree Kaizen created for this run. */
  worktree: string;
  /** `kaizen/<runId>`: created by Kaizen, so Kaizen may delete it. */
  branch: string;
  /** `refs/kaizen/backup/<runId>` once apply has run. */
  backupRef: string;
  targetBranch: string;
  /** Commit of the target branch the run started from. */
  baseCommit: string;
  /** Tree of baseCommit ('' when not known: then nothing takes it for granted). */
  baseTree: string;
  /** Absolute path of Kaizen's state folder for this repo (`<repo>/.kaizen`). */
  stateDir: string;
  /** Files with uncommitted changes in the user's checkout (capped): never targeted. */
  userDirtyFiles: string[];
  /** A repository given by URL: its normalised URL (no credentials). `repoRoot` is then this host's mirror. */
  remoteUrl?: string;
}

export interface AnalyseResult {
  /** Repo-relative target file, or null when nothing qualifies. */
  target: string | null;
  /** The target's findings (capped), what generate must fix. */
  findings: Finding[];
  fixableCount: number;
  /** Per-rule counts of ALL the target's findings (`findings` is capped): the verify gate's baseline. */
  targetRuleCounts: Record<string, number>;
  /** Findings over the whole analysed set, for summaries. */
  totalFindings: number;
  filesAnalysed: number;
  analysers: string[];
  /** Why no target was chosen. */
  reason?: string;
  /** Further eligible files, best first, should another run have reserved the target meanwhile. */
  alternatives?: string[];
  /** Size of the target in bytes (the LLM cost estimate); absent in results of older workers. */
  targetBytes?: number;
}

export interface TestRun {
  phase: 'baseline' | 'verify';
  passed: boolean;
  /** No test command could be found and the config allows that. */
  skipped: boolean;
  command: string[];
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** Served from the tree-hash cache: the command did not run again. */
  cached: boolean;
  /** Last lines of combined output, capped. */
  outputTail: string;
  /** Full output on the worker's disk. */
  logPath?: string;
  passedCount?: number;
  failedCount?: number;
  /** Line coverage the run reported (coverage/coverage-summary.json, or node's "all files" line). */
  coverage?: Coverage;
  /** A red run, by the names its runner printed (empty: it printed none). */
  failedTests?: string[];
  /**
   * The first run was red and its immediate rerun green: the tests that failed then (empty
   * when the runner named none). The run counts as passed; nothing is blamed on a change.
   */
  flaky?: string[];
  /** mode auto, verify: the change's lines the tests ran and did not run (V8 coverage). */
  changedLines?: ChangedLinesCoverage;
}

export interface Coverage {
  linesPct: number;
  /** Where it was read: a file in the worktree, or `output`. */
  source: string;
}

export interface Proposal {
  strategy: Strategy;
  /** Absolute path, on the worker's disk, of the JSON holding the new contents. */
  proposalPath: string;
  files: string[];
  summary: string;
  linesAdded: number;
  linesRemoved: number;
  /** Unified diff, capped, for notifications and the UI. */
  diffExcerpt: string;
  /** Findings this proposal is meant to fix. */
  targets: Finding[];
  llm?: LlmUsage;
}

/** What one LLM answer cost and which prompt produced it. */
export interface LlmUsage {
  model: string;
  /** Tokens the answer cost (a cached answer: what this run's earlier attempt paid for it). */
  promptTokens: number;
  completionTokens: number;
  promptVersion: string;
  /** US dollars from `llm.prices`; absent when the model has no price. */
  costUsd?: number;
  /** The answer was read from `<repo>/.kaizen/cache/llm/` (an earlier attempt of this run) instead of asking again. */
  cached?: boolean;
}

/** What a repair attempt tells the model about the try before it. */
export interface RepairInput {
  previousSummary: string;
  /** The previous proposal's diff excerpt (secret placeholders only). */
  previousDiff: string;
  /** The verify failure: the reason and the tail of the test output; or why the answer was refused. */
  failure: string;
  /** The previous answer was refused before anything was written (the change contract), not verified red. */
  refused?: boolean;
}

/** One try of an LLM strategy inside one improvement (the first, then each repair). */
export interface LlmAttempt {
  attempt: number;
  /** `verified`, or why the try failed (verify red, gate, rejected answer). */
  outcome: 'verified' | 'verify_failed' | 'rejected' | 'not_run';
  reason: string;
  llm?: LlmUsage;
}

/** The on-disk body of a proposal. */
export interface ProposalBody {
  files: { path: string; content: string }[];
  /**
   * ESLint's findings on the proposed content of `file`, when the strategy already linted it
   * (autofix's --fix-dry-run prints what is left): verify uses them instead of linting again.
   */
  lint?: { file: string; findings: Finding[] };
}

export interface VerifyFindingsResult {
  ok: boolean;
  parses: boolean;
  /** Targeted findings the change removed (matched by location and rule); absent from older workers. */
  fixed?: Finding[];
  /** Targeted findings still reported after the change (where they are now). */
  remaining: Finding[];
  introduced: Finding[];
  reason?: string;
}

/** A pull request (merge request on GitLab) Kaizen opened: where a reviewer finds it. */
export interface PullRequestLink {
  url: string;
  number: number;
}

export interface ImprovementInput {
  /** Absolute path of the repository on the worker's host. */
  repoPath: string;
  file?: string;
  strategy?: Strategy;
  mode?: Mode;
  /** The mode when neither `mode` nor the config names one (scheduled cycles: auto); default branch. */
  defaultMode?: Mode;
  /** Test command override, as an argument array (never run through a shell). */
  testCommand?: string[];
  targetBranch?: string;
  /** Seconds to wait between steps (overrides config `pauseBetweenSteps`). */
  pauseBetweenStepsSeconds?: number;
  /** Run under the repository's governor: merge lock, repo-wide pause, budgets, learning. */
  governor?: GovernedRun;
}

export interface GovernedRun {
  /** Refuse to start when over budget (cycles, `improve --respect-budget`); otherwise only counted. */
  enforceBudget: boolean;
  /** Rule family the slot was granted for (set by cycles), for learning. */
  family?: string;
}

export interface StepTiming {
  step: StepName;
  startedAt: string;
  durationMs: number;
}

export interface ImprovementResult {
  workflowId: string;
  runId: string;
  repo: string;
  file: string | null;
  strategy: Strategy;
  mode: Mode;
  outcome: Outcome;
  reason: string;
  commit?: string;
  branch?: string;
  backupRef?: string;
  /** pr mode: the pull request the change waits in. */
  pullRequest?: PullRequestLink;
  findingsFixed: number;
  fixedRules: string[];
  /** The rule family the change was about (the learner's, for `kaizen undo`). */
  family?: string | null;
  linesAdded: number;
  linesRemoved: number;
  testsBefore?: TestRun;
  testsAfter?: TestRun;
  diffExcerpt?: string;
  steps: StepTiming[];
  startedAt: string;
  finishedAt: string;
  /** LLM strategies: every try (first answer and repairs), with its tokens and cost. */
  llmAttempts?: LlmAttempt[];
}
