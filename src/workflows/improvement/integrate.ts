// integrate: under the repository's merge lock (from its governor), fast-forward the target
// branch (merge) or leave the branch for review (branch) — activity integrate — or push it and
// open a pull request (push, pr: ./deliver.ts). A target that moved meanwhile is rebased onto
// (rebaseWorkspace) and verified again, a few rounds at most.
import { patched } from '@temporalio/workflow';
import type { Config } from '../../core/config/config.js';
import type { Workspace } from '../../core/types.js';
import type { IntegrateResult } from '../../core/repository/landing.js';
import { StepOutcome } from '../shared/failures.js';
import { deliverChange } from './deliver.js';
import type { ImprovementRun } from './run.js';
import { verifyChange } from './verify.js';

/** The merge lock's release and the run's end reach the governor while the run goes on. */
export const GOVERNOR_SIGNALS_BESIDE_STEPS = 'governor-signals-beside-steps';

/** Rebase-and-verify rounds when the target branch keeps moving during integration. */
export const MAX_INTEGRATE_ROUNDS = 3;

/** Lands the verified commit (or leaves its branch) and records the landing on the run. */
export async function integrateChange(run: ImprovementRun, ws: Workspace, config: Config, commit: string): Promise<void> {
  try {
    if (run.governor) {
      await run.governor.acquireMergeLock(config, MAX_INTEGRATE_ROUNDS, (why) => run.waitingFor(`the merge lock: ${why}`));
      run.waitingFor(undefined);
    }
    if (run.mode === 'push' || run.mode === 'pr') await deliverChange(run, ws, config, commit);
    else await landOrRebase(run, ws, config, commit);
  } finally {
    // The run records and tells its outcome while the release reaches the governor (histories from before wait for it).
    const beside = patched(GOVERNOR_SIGNALS_BESIDE_STEPS);
    await run.governor?.releaseMergeLock(run.landing ? { file: run.file, outcome: run.landing.kind } : null, { beside });
  }
}

async function landOrRebase(run: ImprovementRun, start: Workspace, config: Config, startCommit: string): Promise<void> {
  const { runner, mode } = run;
  let workspace = start;
  let commit = startCommit;
  for (let round = 1; ; round++) {
    const ws = workspace;
    const result: IntegrateResult = await runner.timed('integrate', () => runner.acts('apply', `integrate: ${mode}`).integrate({ workspace: ws, mode, commit }));
    if (result.kind !== 'target_moved') {
      run.workspace = workspace;
      run.landed({ kind: result.kind, commit: result.commit, reason: result.reason, ...(result.kind === 'proposed' ? { branch: result.branch } : {}) });
      return;
    }
    if (round >= MAX_INTEGRATE_ROUNDS) throw new StepOutcome('rolled_back', `${workspace.targetBranch} kept moving during integration (${round} rebases)`);
    run.note(`${workspace.targetBranch} moved to ${result.targetCommit.slice(0, 8)}: rebasing and verifying again`);
    const rebased = await runner.timed('integrate', () => runner.acts('apply', 'integrate: rebase onto the moved target').rebaseWorkspace({ workspace: ws }));
    // Another run landed the same change: nothing of this run's to land, and nothing learned.
    if (rebased.alreadyOnTarget) throw new StepOutcome('skipped', `already on ${workspace.targetBranch}: ${rebased.reason ?? 'the target branch has this change'}`);
    if (!rebased.ok || !rebased.commit || !rebased.baseCommit) throw new StepOutcome('rolled_back', `target moved and the rebase failed: ${rebased.reason ?? 'conflict'}`);
    workspace = { ...workspace, baseCommit: rebased.baseCommit, baseTree: rebased.baseTree ?? '' /* no tree: none is trusted for the new base */ };
    commit = rebased.commit;
    await verifyChange(run, workspace, config);
  }
}
