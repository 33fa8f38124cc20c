// One cycle of continuous improvement, as a Temporal Schedule (or `kaizen cycle`) starts it:
// analyse the repository incrementally, rank the candidates, ask the governor for a slot per
// candidate, run the granted improvements as child workflows (at most maxConcurrent at once),
// then record a summary (query `summary`, the result, one ledger line, one digest).
import {
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { CycleActivities, KaizenActivities } from '../activities/index.js';
import { bootstrapActivityOptions, stepActivityOptions } from './shared/activity-options.js';
import { slotLeaseMs } from '../core/governor/budget.js';
import { llmLimits } from '../core/llm/budget.js';
import type { Config } from '../core/config/config.js';
import { briefOf, cycleLedgerEntry, describeCycle, newCycleSummary, type CycleAnalysis, type CycleCandidate, type CycleInput, type CycleSummary } from '../core/governor/cycle.js';
import type { GovernorTarget } from '../core/governor/protocol.js';
import { repoKey, repoName } from '../core/repository/key.js';
import type { Workspace } from '../core/types.js';
import { KaizenRepo } from '../contracts/search-attributes.js';
import { describeFailure } from './shared/failures.js';
import { cycleSummaryQuery, slotFinishedSignal } from '../contracts/governor.js';
import { governorActivities, governorTarget } from './shared/governor-calls.js';
import type { improvement } from './improvement.js';
import { notifyCycleDigest } from './shared/notify.js';

type HostActivities = KaizenActivities & CycleActivities;

/** Candidates one analysis hands over: enough for maxAttemptsPerCycle after per-file refusals. */
const MAX_CANDIDATES = 30;

export async function cycle(input: CycleInput): Promise<CycleSummary> {
  const info = workflowInfo();
  const summary = newCycleSummary(info.workflowId, input.repoPath, input.trigger ?? 'manual', new Date().toISOString());
  setHandler(cycleSummaryQuery, () => summary);
  const sharedQueue = info.taskQueue;
  let hostQueue: string | undefined;
  let config: Config | undefined;
  let cancellation: Error | undefined;

  const show = (line: string) => {
    summary.reason = line;
    setCurrentDetails(`**${summary.status}** · ${repoName(summary.repo)}\n\n${line}`);
  };

  try {
    const shared = proxyActivities<KaizenActivities>(bootstrapActivityOptions(sharedQueue, 60_000));
    const located = await shared.locateRepo({ repoPath: input.repoPath });
    summary.repo = located.repoRoot;
    hostQueue = located.hostQueue;
    upsertSearchAttributes([{ key: KaizenRepo, value: repoName(summary.repo) }]);
    const host = proxyActivities<HostActivities>({ ...bootstrapActivityOptions(hostQueue, 60_000), summary: 'cycle: read kaizen.config.json' });
    config = (await host.loadCycleConfig({ repoRoot: summary.repo })).config;
    if (!config.enabled) {
      summary.status = 'disabled';
      show('"enabled" is false in kaizen.config.json: nothing to do');
      return summary;
    }
    const target = governorTarget(summary.repo, sharedQueue);
    const governor = await governorActivities(sharedQueue).governorView({ target });
    if (governor?.paused.paused) {
      summary.status = 'paused';
      show(governor.budget.nextSlotReason ?? 'the repository is paused');
      return summary;
    }

    show('analysing (only files changed since the last analysed commit)');
    const before = await analyse(config, hostQueue, 'before');
    summary.findingsBefore = before.totalFindings;
    summary.filesAnalysed = before.filesAnalysed;
    summary.filesReanalysed = before.filesReanalysed;
    summary.candidates = before.candidates.length;
    summary.skipped.push(...before.skipped.slice(0, 10).map((s) => ({ file: s.file, reason: s.reason })));

    await runImprovements(config, target, before.candidates);

    const landed = summary.results.some((r) => r.outcome === 'applied');
    summary.findingsAfter = landed ? (await analyse(config, hostQueue, 'after')).totalFindings : before.totalFindings;
    summary.status = 'completed';
    show(describeCycle(summary));
  } catch (err) {
    if (isCancellation(err)) cancellation = err as Error;
    summary.status = 'failed';
    show(describeFailure(err).message);
  } finally {
    await CancellationScope.nonCancellable(() => finish());
  }
  if (cancellation !== undefined) throw cancellation;
  return summary;

  /** Analyses the target branch's tip in a worktree of its own (removed again). */
  async function analyse(cfg: Config, queue: string, when: string): Promise<CycleAnalysis> {
    const runId = `c${uuid4().replace(/-/g, '').slice(0, 10)}`;
    const host = proxyActivities<HostActivities>({ ...bootstrapActivityOptions(queue, 30 * 60_000), summary: `cycle: worktree for the analysis ${when}` });
    let workspace: Workspace | undefined;
    try {
      workspace = (await host.prepareWorkspace({ repoRoot: summary.repo, runId })).workspace;
      const ws = workspace;
      return await proxyActivities<HostActivities>(stepActivityOptions('analyse', cfg, queue, `cycle: analyse ${when}`)).analyseForCycle({
        workspace: ws,
        config: cfg,
        maxCandidates: MAX_CANDIDATES,
      });
    } finally {
      const ws = workspace;
      if (ws) await CancellationScope.nonCancellable(() => host.removeWorkspace({ workspace: ws, deleteBranch: true, deleteBackupRef: true }).catch(() => undefined));
    }
  }

  /** Asks for a slot per candidate, best first, and runs what is granted; stops at the first hard refusal. */
  async function runImprovements(cfg: Config, target: GovernorTarget, candidates: CycleCandidate[]): Promise<void> {
    const gov = governorActivities(sharedQueue);
    const queue = [...candidates];
    const running = new Map<string, Promise<void>>();
    let started = 0;
    while (queue.length > 0 && started < cfg.budget.maxAttemptsPerCycle) {
      if (running.size >= cfg.budget.maxConcurrent) {
        await Promise.race(running.values());
        continue;
      }
      const candidate = queue[0] as CycleCandidate;
      const childId = `improve-${repoKey(summary.repo)}-${info.runId.slice(0, 8)}-${started + 1}`;
      show(`asking the governor for a slot for ${candidate.file}`);
      const answer = await gov.governorRequestSlot({
        target,
        request: {
          workflowId: childId,
          requestedBy: info.workflowId,
          file: candidate.file,
          family: candidate.family,
          fixable: candidate.familyFixable,
          strategies: [...cfg.strategies],
          limits: cfg.budget,
          enforceBudget: true,
          leaseMs: slotLeaseMs(cfg),
          llmLimits: llmLimits(cfg.llm),
        },
      });
      if (answer.granted) {
        queue.shift();
        started++;
        running.set(childId, runChild(childId, candidate, answer.strategy, target).finally(() => running.delete(childId)));
        continue;
      }
      summary.nextSlotAt = answer.nextSlotAt;
      if (answer.kind === 'file' || answer.kind === 'no_strategy') {
        queue.shift();
        summary.skipped.push({ file: candidate.file, reason: answer.reason });
      } else if (answer.kind === 'concurrency' && running.size > 0) {
        await Promise.race(running.values());
      } else {
        summary.skipped.push({ file: null, reason: answer.reason });
        break;
      }
    }
    show(`waiting for ${running.size} improvement${running.size === 1 ? '' : 's'}`);
    await Promise.all(running.values());
  }

  async function runChild(childId: string, candidate: CycleCandidate, strategy: CycleSummary['results'][number]['strategy'], target: GovernorTarget): Promise<void> {
    try {
      const child = await startChild<typeof improvement>('improvement', {
        workflowId: childId,
        taskQueue: sharedQueue,
        args: [{ repoPath: summary.repo, file: candidate.file, strategy, governor: { enforceBudget: true, family: candidate.family } }],
        // An improvement is a saga of its own: a cycle that ends early leaves it to finish and clean up.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `Improve ${candidate.file} in ${repoName(summary.repo)} (${strategy}, cycle ${info.workflowId})`,
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

  async function finish(): Promise<void> {
    summary.finishedAt = new Date().toISOString();
    summary.durationMs = Date.parse(summary.finishedAt) - Date.parse(summary.startedAt);
    if (!hostQueue) return;
    const host = proxyActivities<HostActivities>({ ...bootstrapActivityOptions(hostQueue, 60_000), summary: 'cycle: ledger line' });
    await host.recordCycle({ repoRoot: summary.repo, entry: cycleLedgerEntry(summary) }).catch(() => undefined);
    if (summary.status === 'completed' && summary.results.length > 0) {
      await notifyCycleDigest({
        repo: summary.repo,
        summary: { cycleId: summary.cycleId, startedAt: summary.startedAt, finishedAt: summary.finishedAt, counts: summary.counts, results: summary.results },
        config,
        taskQueue: hostQueue,
      }).catch(() => undefined);
    }
  }
}
