// A cycle's analysis of the target branch's tip: prepareWorkspace, analyseForCycle (only files
// changed since the last analysed commit), removeWorkspace — in a worktree of its own.
import { CancellationScope, proxyActivities, uuid4 } from '@temporalio/workflow';
import type { Config } from '../../core/config/config.js';
import type { CycleAnalysis } from '../../core/governor/cycle.js';
import type { Workspace } from '../../core/types.js';
import { stepActivityOptions } from '../shared/activity-options.js';
import type { CycleRun, HostActivities } from './run.js';

/** Candidates one analysis hands over: enough for maxAttemptsPerCycle after per-file refusals. */
const MAX_CANDIDATES = 30;

export async function analyseRepository(run: CycleRun, config: Config, queue: string, when: string): Promise<CycleAnalysis> {
  const runId = `c${uuid4().replace(/-/g, '').slice(0, 10)}`;
  const host = run.activities(queue, 30 * 60_000, `cycle: worktree for the analysis ${when}`);
  let workspace: Workspace | undefined;
  try {
    workspace = (await host.prepareWorkspace({ repoRoot: run.summary.repo, runId })).workspace;
    const ws = workspace;
    return await proxyActivities<HostActivities>(stepActivityOptions('analyse', config, queue, `cycle: analyse ${when}`)).analyseForCycle({
      workspace: ws,
      config,
      maxCandidates: MAX_CANDIDATES,
    });
  } finally {
    const ws = workspace;
    if (ws) await CancellationScope.nonCancellable(() => host.removeWorkspace({ workspace: ws, deleteBranch: true, deleteBackupRef: true }).catch(() => undefined));
  }
}
