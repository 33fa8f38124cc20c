// `kaizen undo`: what the undo workflow is asked, what it plans from the ledger, what each
// revert ended as, and the ledger line it writes (kind `undo`). Types only.
import type { Mode, Outcome, PullRequestLink, Strategy } from '../types.js';

export interface UndoInput {
  /** Absolute path of the repository on the worker's host. */
  repoPath: string;
  /** Undo this one improvement (its workflow id, as `improve` and `log` print it)… */
  workflowId?: string;
  /** …or every change recorded since this instant (ISO), newest first. */
  since?: string;
  /** Test command override, as an argument array (never run through a shell). */
  testCommand?: string[];
  /** The branch the changes landed on (default: config, else the checked-out branch). */
  targetBranch?: string;
  /** false: no merge lock and no lesson for the learner (`--no-governor`). */
  governor?: boolean;
}

/** One landed (or proposed) change the ledger names, to be reverted. */
export interface UndoTarget {
  workflowId: string;
  commit: string;
  /** When the improvement was recorded. */
  timestamp: string;
  outcome: 'applied' | 'proposed';
  mode: Mode;
  strategy: Strategy;
  file: string | null;
  /** The rule family the change was about (for the learner), when known. */
  family: string | null;
  branch: string | null;
  pullRequest?: PullRequestLink;
}

/** What happened to one change. */
export interface UndoItem {
  /** The undone improvement's workflow id. */
  undoes: string;
  /** Its commit (null when the ledger had none). */
  undoneCommit: string | null;
  outcome: Outcome;
  reason: string;
  /** The revert commit, once made and verified. */
  commit?: string;
  /** Where the revert waits (a dirty checkout, a revert pull request). */
  branch?: string;
  pullRequest?: PullRequestLink;
  strategy?: Strategy;
  family?: string | null;
  file?: string | null;
}

export interface UndoResult {
  workflowId: string;
  repo: string;
  items: UndoItem[];
  /** Why nothing was attempted (no such id, nothing in the window). */
  reason?: string;
  startedAt: string;
  finishedAt: string;
}

/** A ledger line `{"kind":"undo"}`: one per change an undo run dealt with. */
export interface UndoEntry {
  kind: 'undo';
  timestamp: string;
  /** The undo workflow's id. */
  workflowId: string;
  repo: string;
  /** The undone improvement's workflow id. */
  undoes: string;
  undoneCommit: string | null;
  outcome: Outcome;
  reason: string;
  /** The revert commit (null when none landed or waits). */
  commit: string | null;
  branch: string | null;
  pullRequest?: PullRequestLink;
  strategy: Strategy | null;
  file: string | null;
}
