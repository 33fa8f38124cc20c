// The improvement's outcome, whatever happened: from a failure to an outcome and reason, and
// everything the run knows into one ImprovementResult (the ledger line and the notification).
import { ErrorType } from '../../core/errors.js';
import { uniqueRules } from '../../core/improvement/outcome.js';
import type { Finding, ImprovementResult, Outcome, Proposal, PullRequestLink, TestRun, Workspace } from '../../core/types.js';
import { describeFailure, oneLine, StepOutcome } from '../shared/failures.js';

/** Failure types that mean "nothing to do here" rather than "something broke". */
const SKIP_TYPES: readonly string[] = [ErrorType.NothingToPropose, ErrorType.TestCommandMissing];

export interface EndOfRun {
  outcome: Outcome;
  reason: string;
  /** The run was cancelled: it ends as cancelled in Temporal after recording its outcome. */
  cancellation?: Error;
}

/** What an error that ended the saga means for its outcome. */
export function outcomeOfError(err: unknown, changeMade: boolean, step: string): EndOfRun {
  if (err instanceof StepOutcome) return { outcome: err.outcome, reason: err.reason };
  const failure = describeFailure(err);
  if (failure.cancelled) {
    return {
      outcome: 'rolled_back',
      reason: `cancelled during ${step}; ${changeMade ? 'the change was rolled back' : 'nothing was changed'}`,
      cancellation: err as Error,
    };
  }
  if (failure.type && SKIP_TYPES.includes(failure.type)) return { outcome: 'skipped', reason: oneLine(failure.message, 600) };
  return { outcome: changeMade ? 'rolled_back' : 'failed', reason: oneLine(`${failure.activity ? `${failure.activity}: ` : ''}${failure.message}`, 600) };
}

/** What the workflow knows at the end; the rest of the result is derived from it. */
export interface ResultParts extends Pick<ImprovementResult, 'workflowId' | 'runId' | 'repo' | 'file' | 'strategy' | 'mode' | 'outcome' | 'reason' | 'steps' | 'startedAt'> {
  integrated: { kind: 'applied' | 'proposed'; commit: string; branch?: string; pullRequest?: PullRequestLink } | undefined;
  workspace: Workspace | undefined;
  proposal: Proposal | undefined;
  /** What the findings gate saw fixed; absent: the proposal's targets (nothing was verified). */
  fixed?: Finding[];
  testsBefore: TestRun | undefined;
  testsAfter: TestRun | undefined;
}

export function buildResult(p: ResultParts): ImprovementResult {
  const { integrated, proposal } = p;
  return {
    workflowId: p.workflowId,
    runId: p.runId,
    repo: p.repo,
    file: p.file,
    strategy: p.strategy,
    mode: p.mode,
    outcome: p.outcome,
    reason: p.reason,
    ...(integrated ? { commit: integrated.commit, backupRef: p.workspace?.backupRef } : {}),
    ...(integrated?.branch ? { branch: integrated.branch } : {}),
    ...(integrated?.pullRequest ? { pullRequest: integrated.pullRequest } : {}),
    findingsFixed: integrated ? (p.fixed ?? proposal?.targets ?? []).length : 0,
    fixedRules: integrated ? uniqueRules(p.fixed ?? proposal?.targets ?? []) : [],
    linesAdded: proposal?.linesAdded ?? 0,
    linesRemoved: proposal?.linesRemoved ?? 0,
    ...(p.testsBefore ? { testsBefore: p.testsBefore } : {}),
    ...(p.testsAfter ? { testsAfter: p.testsAfter } : {}),
    ...(proposal ? { diffExcerpt: proposal.diffExcerpt } : {}),
    steps: p.steps,
    startedAt: p.startedAt,
    finishedAt: new Date().toISOString(),
  };
}

/** Where prepareWorkspace puts a run's worktree, branch and backup ref (see activities/workspace/worktree.ts). */
export function plannedWorkspace(repoRoot: string, runId: string): Workspace {
  const stateDir = `${repoRoot.replace(/\/+$/, '')}/.kaizen`;
  return {
    runId,
    repoRoot,
    worktree: `${stateDir}/worktrees/${runId}`,
    branch: `kaizen/${runId}`,
    backupRef: `refs/kaizen/backup/${runId}`,
    targetBranch: '',
    baseCommit: '',
    baseTree: '',
    stateDir,
    userDirtyFiles: [],
  };
}
