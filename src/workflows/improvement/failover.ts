// Failover: a run on a repository given by URL moves to another worker when the host that
// holds its worktree is gone (docs/architecture.md, "Recovery rules"). Every worker has (or
// makes) its own mirror of such a repository; nothing ties the run to the lost host but a
// worktree whose work was never pushed.
//
// Detection (./host-watch.ts): a step on the host queue that nobody takes within the heartbeat
// timeout, and a host that does not answer its presence queue either.
//
// Recovery. The lost worktree is forgotten (its undo would wait for the dead host for ever;
// that host's disk is its own business), the repository is located again on the shared queue
// (another worker, its own mirror), prepared under a fresh run id, and the steps that lived in
// the lost worktree run again: analyse, test, generate, apply, verify. Nothing is pushed
// before integrate, so the remote is untouched. Integrate never moves (a push may have
// happened: its retry waits for the host), and a repository given by a path never moves
// (only that host has it).
import { uuid4 } from '@temporalio/workflow';
import { StepOutcome } from '../shared/failures.js';
import { HostLost } from './host-watch.js';
import type { ImprovementRun } from './run.js';

/** Runs on a repository given by URL move off a lost host; histories from before never do. */
export const FAILOVER_LOST_HOST = 'failover-lost-host';
/** Moves per run: a run that loses this many hosts fails and says so. */
export const MAX_MOVES = 3;

export interface FailoverSteps<T> {
  /** Whether this run may move (a repository given by URL, under the patch). */
  mayMove: boolean;
  /** prepare → … → verify: everything that lives in one host's worktree. */
  inWorktree(): Promise<T>;
  /** Drops what belongs to the lost worktree (its undo). */
  forgetLost(lost: HostLost): void;
}

/**
 * Runs the worktree steps; when their host is lost, runs them again from prepare on whichever
 * worker takes the shared queue's locate. Watching ends with these steps: integrate waits.
 */
export async function withFailover<T>(run: ImprovementRun, steps: FailoverSteps<T>): Promise<T> {
  if (!steps.mayMove) return steps.inWorktree();
  const { runner } = run;
  runner.watch = { note: (m) => run.note(m) };
  try {
    for (let moves = 0; ; moves++) {
      try {
        return await steps.inWorktree();
      } catch (err) {
        if (!(err instanceof HostLost)) throw err;
        steps.forgetLost(err);
        if (moves + 1 > MAX_MOVES) throw new StepOutcome('failed', `lost ${moves + 1} hosts in a row (the last: ${err.message}); check that the workers stay up, then run again`);
        run.note(`host lost: ${err.message}; moving the run to another worker (the remote is untouched: nothing is pushed before integrate)`);
        forgetLostWorktree(run);
      }
    }
  } finally {
    runner.watch = undefined;
  }
}

/** What the run knew of the lost worktree; a fresh run id, so a host that comes back keeps its own branch apart. */
function forgetLostWorktree(run: ImprovementRun): void {
  run.runId = uuid4().replace(/-/g, '').slice(0, 8);
  run.workspace = undefined;
  run.proposal = undefined;
  run.findings = [];
  run.fixed = undefined;
  run.remaining = [];
  run.testsBefore = undefined;
  run.testsAfter = undefined;
  run.changeMade = false;
  run.gatesFailed = false;
  run.gateNotes.length = 0;
}
