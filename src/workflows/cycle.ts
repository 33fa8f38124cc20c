// One cycle of continuous improvement, as a Temporal Schedule (or `kaizen cycle`) starts it:
//
//   locate      locateRepo, loadCycleConfig         the repository on a worker's host, its config
//   ask         governorView                        nothing starts while the repository is paused
//   analyse     analyseForCycle (cycle/analysis.ts) incrementally, in a worktree of its own
//   improve     governorRequestSlot + improvement   child workflows, best candidates first (cycle/improvements.ts)
//   analyse     again, when something landed        findings after
//   tidy        pruneBackupRefs                     backup refs older than backup.keepDays
//   record      recordCycle, the digest             one ledger line, one message; never cancelled
//
// The summary is the `summary` query's answer and the result.
import { CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import { cycleLedgerEntry, describeCycle, type CycleInput, type CycleSummary } from '../core/governor/cycle.js';
import type { Config } from '../core/config/config.js';
import { describeFailure } from './shared/failures.js';
import { governorActivities, governorTarget } from './shared/governor-calls.js';
import { notifyCycleDigest } from './shared/notify.js';
import { analyseRepository } from './cycle/analysis.js';
import { runImprovements } from './cycle/improvements.js';
import { CycleRun } from './cycle/run.js';
import { LOCATE_TIMEOUT_MS } from './shared/activity-options.js';

export async function cycle(input: CycleInput): Promise<CycleSummary> {
  const run = new CycleRun(input);
  const { summary } = run;
  try {
    const hostQueue = run.located(await run.activities(run.sharedQueue, LOCATE_TIMEOUT_MS).locateRepo({ repoPath: input.repoPath }));
    const config = (await run.activities(hostQueue, 30_000, 'cycle: read kaizen.config.json').loadCycleConfig({ repoRoot: summary.repo })).config;
    run.config = config;
    if (!config.enabled) {
      summary.status = 'disabled';
      run.show('"enabled" is false in kaizen.config.json: nothing to do');
      return summary;
    }
    const target = governorTarget(summary.repo, run.sharedQueue);
    const governor = await governorActivities(run.sharedQueue).governorView({ target });
    if (governor?.paused.paused) {
      summary.status = 'paused';
      run.show(governor.budget.nextSlotReason ?? 'the repository is paused');
      return summary;
    }

    run.show('analysing (only files changed since the last analysed commit)');
    const before = await analyseRepository(run, config, hostQueue, 'before');
    summary.findingsBefore = before.totalFindings;
    summary.filesAnalysed = before.filesAnalysed;
    summary.filesReanalysed = before.filesReanalysed;
    summary.candidates = before.candidates.length;
    summary.skipped.push(...before.skipped.slice(0, 10).map((s) => ({ file: s.file, reason: s.reason })));

    await runImprovements(run, config, target, before.candidates);

    const landed = summary.results.some((r) => r.outcome === 'applied');
    summary.findingsAfter = landed ? (await analyseRepository(run, config, hostQueue, 'after')).totalFindings : before.totalFindings;
    // Cycles that started on an older worker ran without this step: replay them as they ran.
    if (patched('prune-backup-refs')) await pruneBackupRefs(run, config, hostQueue);
    summary.status = 'completed';
    run.show(describeCycle(summary));
  } catch (err) {
    if (isCancellation(err)) run.cancellation = err as Error;
    summary.status = 'failed';
    run.show(describeFailure(err).message);
  } finally {
    await CancellationScope.nonCancellable(() => record(run));
  }
  if (run.cancellation !== undefined) throw run.cancellation;
  return summary;
}

/** Old backup refs go; a failure only costs the tidy-up, never the cycle. */
async function pruneBackupRefs(run: CycleRun, config: Config, hostQueue: string): Promise<void> {
  if (config.backup.keepDays <= 0) return;
  try {
    const { pruned } = await run.activities(hostQueue, 60_000, 'cycle: prune old backup refs').pruneBackupRefs({ repoRoot: run.summary.repo, keepDays: config.backup.keepDays });
    run.summary.backupRefsPruned = pruned.length;
  } catch (err) {
    if (isCancellation(err)) throw err;
  }
}

/** One ledger line and, when something ran, one digest to the channels that want it. */
async function record(run: CycleRun): Promise<void> {
  const { summary } = run;
  summary.finishedAt = new Date().toISOString();
  summary.durationMs = Date.parse(summary.finishedAt) - Date.parse(summary.startedAt);
  if (!run.hostQueue) return;
  await run
    .activities(run.hostQueue, 60_000, 'cycle: ledger line')
    .recordCycle({ repoRoot: summary.repo, entry: cycleLedgerEntry(summary) })
    .catch(() => undefined);
  if (summary.status === 'completed' && summary.results.length > 0) {
    await notifyCycleDigest({
      repo: summary.repo,
      summary: { cycleId: summary.cycleId, startedAt: summary.startedAt, finishedAt: summary.finishedAt, counts: summary.counts, results: summary.results },
      config: run.config,
      taskQueue: run.hostQueue,
    }).catch(() => undefined);
  }
}
