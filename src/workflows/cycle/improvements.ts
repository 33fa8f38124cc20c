// A cycle's improvements: a slot from the governor per candidate, best first, each granted one
// run as a child workflow (at most budget.maxConcurrent at once), until the governor refuses
// for the whole repository or budget.maxAttemptsPerCycle have started.
import { getExternalWorkflowHandle, isCancellation, ParentClosePolicy, startChild } from '@temporalio/workflow';
import { slotFinishedSignal } from '../../contracts/governor.js';
import { WORKFLOW_TYPES, type ImprovementWorkflow } from '../../contracts/workflows.js';
import type { Config } from '../../core/config/config.js';
import { slotLeaseMs } from '../../core/governor/budget.js';
import { briefOf, type CycleCandidate, type CycleSummary } from '../../core/governor/cycle.js';
import type { GovernorTarget } from '../../core/governor/protocol.js';
import { llmLimits } from '../../core/llm/budget.js';
import { repoKey, repoName } from '../../core/repository/key.js';
import { describeFailure } from '../shared/failures.js';
import { governorActivities } from '../shared/governor-calls.js';
import type { CycleRun } from './run.js';

type Strategy = CycleSummary['results'][number]['strategy'];

export async function runImprovements(run: CycleRun, config: Config, target: GovernorTarget, candidates: CycleCandidate[]): Promise<void> {
  const gov = governorActivities(run.sharedQueue);
  const { summary } = run;
  const queue = [...candidates];
  const running = new Map<string, Promise<void>>();
  let started = 0;
  while (queue.length > 0 && started < config.budget.maxAttemptsPerCycle) {
    if (running.size >= config.budget.maxConcurrent) {
      await Promise.race(running.values());
      continue;
    }
    const candidate = queue[0] as CycleCandidate;
    const childId = `improve-${repoKey(summary.repo)}-${run.executionId.slice(0, 8)}-${started + 1}`;
    run.show(`asking the governor for a slot for ${candidate.file}`);
    const answer = await gov.governorRequestSlot({
      target,
      request: {
        workflowId: childId,
        requestedBy: run.workflowId,
        file: candidate.file,
        family: candidate.family,
        fixable: candidate.familyFixable,
        strategies: [...config.strategies],
        limits: config.budget,
        enforceBudget: true,
        opensPullRequest: config.mode === 'pr',
        leaseMs: slotLeaseMs(config),
        llmLimits: llmLimits(config.llm),
      },
    });
    if (answer.granted) {
      queue.shift();
      started++;
      running.set(childId, runChild(run, childId, candidate, answer.strategy, target).finally(() => running.delete(childId)));
      continue;
    }
    summary.nextSlotAt = answer.nextSlotAt;
    if (answer.kind === 'file' || answer.kind === 'cooldown' || answer.kind === 'no_strategy') {
      queue.shift();
      summary.skipped.push({ file: candidate.file, reason: answer.reason });
    } else if (answer.kind === 'concurrency' && running.size > 0) {
      await Promise.race(running.values());
    } else {
      summary.skipped.push({ file: null, reason: answer.reason });
      break;
    }
  }
  run.show(`waiting for ${running.size} improvement${running.size === 1 ? '' : 's'}`);
  await Promise.all(running.values());
}

async function runChild(run: CycleRun, childId: string, candidate: CycleCandidate, strategy: Strategy, target: GovernorTarget): Promise<void> {
  const { summary } = run;
  try {
    const child = await startChild<ImprovementWorkflow>(WORKFLOW_TYPES.improvement, {
      workflowId: childId,
      taskQueue: run.sharedQueue,
      // Unattended cycles let risk decide how a change lands, unless the config names a mode.
      args: [{ repoPath: summary.repo, file: candidate.file, strategy, governor: { enforceBudget: true, family: candidate.family }, ...(summary.trigger === 'schedule' ? { defaultMode: 'auto' as const } : {}) }],
      // An improvement is a saga of its own: a cycle that ends early leaves it to finish and clean up.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `Improve ${candidate.file} in ${repoName(summary.repo)} (${strategy}, cycle ${run.workflowId})`,
    });
    const result = await child.result();
    summary.results.push(briefOf(result));
    summary.counts[result.outcome]++;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const failure = describeFailure(err);
    summary.results.push({ workflowId: childId, file: candidate.file, strategy, outcome: 'failed', reason: failure.message, durationMs: 0, findingsFixed: 0, linesAdded: 0, linesRemoved: 0 });
    summary.counts.failed++;
    // A run that never started (or vanished) cannot free its slot itself.
    await getExternalWorkflowHandle(target.workflowId)
      .signal(slotFinishedSignal, { workflowId: childId, outcome: 'failed', reason: failure.message, strategy, file: candidate.file, family: candidate.family })
      .catch(() => undefined);
  }
}
