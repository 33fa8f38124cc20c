// One improvement of one repository: the saga of DESIGN.md as a durable workflow.
// prepare → analyse → test (baseline) → generate → apply → verify → [approval] → integrate
// → notify. Every state-changing step registers its undo first; failures, timeouts and
// cancellation run the undos newest first. The outcome is always recorded and notified.
// Under a governor (input.governor) the run checks in, integrates under the repo's merge
// lock, and reports its outcome for the budgets and the strategy statistics.
import {
  CancellationScope,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { KaizenActivities } from '../activities/index.js';
import { bootstrapActivityOptions } from './shared/activity-options.js';
import type { Config } from '../core/config/config.js';
import { durationMs } from '../core/duration.js';
import { primaryFamily } from '../core/governor/learner.js';
import { commitMessage } from '../core/improvement/outcome.js';
import { ProgressTracker } from '../core/improvement/progress.js';
import { repoName } from '../core/repository/key.js';
import type { Finding, ImprovementInput, ImprovementResult, LlmAttempt, Mode, Outcome, Proposal, StepName, Strategy, TestRun, Workspace } from '../core/types.js';
import { Compensations } from './improvement/compensations.js';
import { approveSignal, pauseSignal, progressQuery, rejectSignal, resumeSignal } from '../contracts/improvement.js';
import { DEFAULT_TASK_QUEUE } from '../contracts/task-queues.js';
import { KaizenFile, KaizenOutcome, KaizenRepo, KaizenStep, KaizenStrategy } from '../contracts/search-attributes.js';
import { lastLines, StepOutcome } from './shared/failures.js';
import { GovernorLink } from './improvement/governor-link.js';
import { buildResult, outcomeOfError, plannedWorkspace } from './improvement/result.js';
import { recordImprovementMetrics } from './improvement/metrics.js';
import { recordAndNotify } from './shared/notify.js';
import { StepRunner } from './improvement/step-runner.js';
import { generateWithGuards, proposeAndVerify } from './improvement/propose.js';
import { integrateChange, MAX_INTEGRATE_ROUNDS, verifyChange, type VerifyInput } from './improvement/verify.js';

export async function improvement(input: ImprovementInput): Promise<ImprovementResult> {
  const info = workflowInfo();
  const runId = uuid4().replace(/-/g, '').slice(0, 8);
  const startedAt = new Date().toISOString();
  const progress = new ProgressTracker(info.workflowId, () => new Date());
  const compensations = new Compensations();
  const runner = new StepRunner(info.taskQueue);
  const link = input.governor ? new GovernorLink(info.workflowId, input.governor, info.taskQueue || DEFAULT_TASK_QUEUE, input.repoPath) : undefined;
  let paused = false;
  let decision: { approved: boolean; reason: string } | undefined;

  let repo = input.repoPath;
  let file: string | null = input.file ?? null;
  const strategy: Strategy = input.strategy ?? 'autofix';
  let mode: Mode = input.mode ?? 'branch';
  let config: Config | undefined;
  let workspace: Workspace | undefined;
  let findings: Finding[] = [];
  let targetRuleCounts: Record<string, number> = {};
  let proposal: Proposal | undefined;
  let testsBefore: TestRun | undefined;
  let testsAfter: TestRun | undefined;
  let commit: string | undefined;
  let changeMade = false;
  const llmAttempts: LlmAttempt[] = [];
  const gateNotes: string[] = [];

  setHandler(progressQuery, () => progress.snapshot());
  setHandler(pauseSignal, () => {
    if (paused) return;
    paused = true;
    progress.note('pause requested: holding at the next step boundary');
    refreshDetails();
  });
  setHandler(resumeSignal, () => {
    if (!paused) return;
    paused = false;
    progress.note('resumed');
    refreshDetails();
  });
  setHandler(approveSignal, (by) => {
    decision ??= { approved: true, reason: `approved${by?.by ? ` by ${by.by}` : ''}` };
  });
  setHandler(rejectSignal, (r) => {
    decision ??= { approved: false, reason: `rejected${r?.by ? ` by ${r.by}` : ''}${r?.reason ? `: ${r.reason}` : ''}` };
  });

  function refreshDetails(): void {
    setCurrentDetails(progress.details(repoName(repo), file));
  }

  /** A step boundary: honours pause, waits the configured pause, then enters the step. */
  async function boundary(step: StepName, message: string): Promise<void> {
    if (paused) {
      progress.setPaused(true, step);
      progress.note(`paused before ${step}`);
      refreshDetails();
      await condition(() => !paused);
      progress.setPaused(false);
    }
    const pauseMs = input.pauseBetweenStepsSeconds !== undefined ? input.pauseBetweenStepsSeconds * 1000 : config ? durationMs(config.pauseBetweenSteps) : 0;
    if (pauseMs > 0 && step !== 'prepare') {
      progress.setWaiting(`the pause between steps (${Math.round(pauseMs / 1000)}s)`);
      refreshDetails();
      await sleep(pauseMs, { summary: `pause before ${step}` });
      if (paused) return boundary(step, message);
    }
    progress.enter(step, message);
    upsertSearchAttributes([{ key: KaizenStep, value: step }]);
    refreshDetails();
  }

  function verifyInput(): VerifyInput {
    return { runner, config: config as Config, testCommand: input.testCommand, file: file as string, findings, targetRuleCounts, proposal, testsBefore, gateNotes, note: (m) => progress.note(m) };
  }

  upsertSearchAttributes([
    { key: KaizenRepo, value: repoName(repo) },
    { key: KaizenStrategy, value: strategy },
    ...(file ? [{ key: KaizenFile, value: file }] : []),
  ]);

  let outcome: Outcome = 'failed';
  let reason = '';
  let integrated: { kind: 'applied' | 'proposed'; commit: string; branch?: string } | undefined;
  let cancellation: Error | undefined;
  let finalResult: ImprovementResult | undefined;
  try {
    await boundary('prepare', 'creating an isolated worktree');
    const shared = proxyActivities<KaizenActivities>(bootstrapActivityOptions(info.taskQueue || DEFAULT_TASK_QUEUE, 60_000));
    const located = await runner.timed('prepare', () => shared.locateRepo({ repoPath: input.repoPath }));
    repo = located.repoRoot;
    runner.hostQueue = located.hostQueue;
    link?.located(repo);
    upsertSearchAttributes([{ key: KaizenRepo, value: repoName(repo) }]);
    const host = proxyActivities<KaizenActivities>({ ...bootstrapActivityOptions(runner.hostQueue, 30 * 60_000), summary: 'prepare: worktree and dependencies' });
    compensations.register('remove worktree and branch', async () => {
      // A prepare that failed half-way returned no workspace; its names are known anyway.
      await host.removeWorkspace({ workspace: workspace ?? plannedWorkspace(repo, runId), deleteBranch: true, deleteBackupRef: true });
    });
    const prepared = await runner.timed('prepare', () =>
      host.prepareWorkspace({
        repoPath: repo,
        runId,
        ...(input.targetBranch ? { targetBranch: input.targetBranch } : {}),
        overrides: {
          ...(input.mode ? { mode: input.mode } : {}),
        },
      }),
    );
    workspace = prepared.workspace;
    config = prepared.config;
    runner.config = config;
    mode = input.mode ?? config.mode;
    progress.note(`worktree ${workspace.branch} at ${workspace.baseCommit.slice(0, 8)} of ${workspace.targetBranch}`);

    if (link) {
      const answer = await runner.timed('prepare', () => link.checkIn(config as Config, file, strategy, runner.hostQueue));
      if (!answer.granted) throw new StepOutcome('skipped', `over budget: ${answer.reason}`);
      if (answer.paused && !paused) {
        paused = true;
        progress.note('the repository is paused: holding until it is resumed');
      }
    }

    await boundary('analyse', 'looking for findings');
    const analysis = await runner.timed('analyse', () =>
      runner.acts('analyse', `analyse: ${input.file ?? 'whole repository'}`).analyse({ workspace: workspace as Workspace, config: config as Config, strategy, ...(input.file ? { file: input.file } : {}) }),
    );
    if (!analysis.target) throw new StepOutcome('skipped', analysis.reason ?? 'no findings to fix');
    file = analysis.target;
    findings = analysis.findings;
    targetRuleCounts = analysis.targetRuleCounts;
    upsertSearchAttributes([{ key: KaizenFile, value: file }]);
    progress.note(`target ${file}: ${findings.length} findings (${analysis.fixableCount} fixable) of ${analysis.totalFindings} in ${analysis.filesAnalysed} files`);

    await boundary('test', 'baseline: tests on the untouched tree');
    testsBefore = await runner.timed('test', () =>
      runner.acts('test', 'test: baseline on the untouched tree').runTests({ workspace: workspace as Workspace, config: config as Config, phase: 'baseline', ...(input.testCommand ? { command: input.testCommand } : {}) }),
    );
    if (!testsBefore.passed) {
      const why = testsBefore.timedOut ? 'timed out' : `exited with ${testsBefore.exitCode}`;
      throw new StepOutcome('skipped', `baseline tests are red before any change (${testsBefore.command.join(' ')} ${why}); fix them or set test.command: ${lastLines(testsBefore.outputTail)}`);
    }
    progress.note(testsBefore.skipped ? 'no test command: verified by analysis only' : `baseline green${testsBefore.cached ? ' (cached by tree hash)' : ''}`);

    // generate → apply → verify; an LLM strategy gets llm.repairAttempts more tries (llm-step.ts).
    const ws = workspace;
    const llmContext = { runner, config, workspace: ws, workflowId: info.workflowId, sharedQueue: info.taskQueue || DEFAULT_TASK_QUEUE, repoRoot: repo, governed: link !== undefined, targetBytes: analysis.targetBytes, note: (m: string) => progress.note(m) };
    ({ proposal, testsAfter } = await proposeAndVerify({
      strategy,
      repairAttempts: config.llm.repairAttempts,
      attempts: llmAttempts,
      note: (m) => progress.note(m),
      generate: async (attempt, repair) => {
        await boundary('generate', attempt === 1 ? `generating a proposal with ${strategy}` : `asking ${strategy} to repair its change (try ${attempt})`);
        proposal = await runner.timed('generate', () => generateWithGuards(llmContext, { file: file as string, findings, strategy, attempt, ...(repair ? { repair } : {}) }));
        progress.note(`proposal: ${proposal.summary} (+${proposal.linesAdded} −${proposal.linesRemoved})`);
        return proposal;
      },
      apply: async (p) => {
        await boundary('apply', `committing on ${ws.branch}`);
        changeMade = true;
        const applied = await runner.timed('apply', () =>
          runner.acts('apply', `apply: commit on ${ws.branch}`).applyProposal({ workspace: ws, proposal: p, message: commitMessage(file as string, p, info.workflowId) }),
        );
        commit = applied.commit;
        progress.note(`committed ${commit.slice(0, 8)} with backup ref ${applied.backupRef}`);
      },
      verify: async () => {
        await boundary('verify', 'tests and quality gates on the change');
        return verifyChange(verifyInput(), ws);
      },
      reset: async () => {
        await runner.timed('apply', () => runner.acts('apply', 'repair: undo the failed try in the worktree').resetWorkspace({ workspace: ws }));
        commit = undefined;
      },
    }));

    if (config.approval.required) {
      progress.setWaiting('approval (kaizen approve / kaizen reject)');
      refreshDetails();
      const answered = await condition(() => decision !== undefined, durationMs(config.approval.timeout), { summary: 'waiting for approval' });
      progress.setWaiting(undefined);
      if (!answered) throw new StepOutcome('rolled_back', `not approved within ${config.approval.timeout}: rejected`);
      if (!decision?.approved) throw new StepOutcome('rolled_back', decision?.reason ?? 'rejected');
      progress.note(decision.reason);
    }

    await boundary('integrate', mode === 'merge' ? `fast-forwarding ${workspace.targetBranch}` : 'leaving the branch for review');
    try {
      if (link) {
        await link.acquireMergeLock(config, MAX_INTEGRATE_ROUNDS, (why) => {
          progress.setWaiting(`the merge lock: ${why}`);
          refreshDetails();
        });
        progress.setWaiting(undefined);
      }
      const done = await integrateChange({ runner, workspace, mode, commit: commit as string, note: (m) => progress.note(m) }, async (ws) => {
        testsAfter = await verifyChange(verifyInput(), ws);
      });
      workspace = done.workspace;
      integrated = { kind: done.kind, commit: done.commit, ...(done.branch ? { branch: done.branch } : {}) };
      outcome = done.kind;
      reason = gateNotes.length ? `${done.reason}; ${gateNotes[gateNotes.length - 1]}` : done.reason;
    } finally {
      await link?.releaseMergeLock(integrated ? { file, outcome: integrated.kind } : null);
    }
  } catch (err) {
    const end = outcomeOfError(err, changeMade, progress.snapshot().step);
    outcome = end.outcome;
    reason = end.reason;
    cancellation = end.cancellation;
  }

  // Clean-up and compensation never stop for a cancellation.
  await CancellationScope.nonCancellable(async () => {
    if (integrated && workspace) {
      compensations.forget('remove worktree and branch');
      // Keep the branch for review when proposed; a fast-forwarded branch is spent.
      const ws = workspace;
      await proxyActivities<KaizenActivities>({ ...bootstrapActivityOptions(runner.hostQueue, 5 * 60_000), summary: 'clean-up: remove the worktree' }).removeWorkspace({
        workspace: ws,
        deleteBranch: integrated.kind === 'applied',
        deleteBackupRef: false,
      }).catch(() => undefined);
    } else {
      const { failed } = await compensations.runAll();
      if (failed.length) reason += ` (clean-up failed: ${failed.join(', ')})`;
    }

    const result = buildResult({ workflowId: info.workflowId, runId, repo, file, strategy, mode, outcome, reason, integrated, workspace, proposal, testsBefore, testsAfter, steps: runner.steps, startedAt });
    if (llmAttempts.length > 0) result.llmAttempts = llmAttempts;
    progress.enter('notify', `recording ${outcome}`);
    upsertSearchAttributes([{ key: KaizenStep, value: 'notify' }]);
    await runner.timed('notify', () =>
      recordAndNotify({ result, config, hostQueue: runner.hostQueue, ...(proposal?.llm ? { llm: proposal.llm } : {}), note: (m) => progress.note(m) }),
    );
    result.finishedAt = new Date().toISOString();
    progress.finish(result);
    recordImprovementMetrics(result);
    upsertSearchAttributes([
      { key: KaizenOutcome, value: outcome },
      { key: KaizenStep, value: 'done' },
      ...(file ? [{ key: KaizenFile, value: file }] : []),
    ]);
    setCurrentDetails(progress.details(repoName(repo), file));
    await link?.finish(result, primaryFamily(findings)?.family ?? null);
    finalResult = result;
  });

  // A cancelled run ends as cancelled in Temporal; its outcome is in the ledger and the query.
  if (cancellation !== undefined) throw cancellation;
  return finalResult as ImprovementResult;
}
