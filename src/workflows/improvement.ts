// One improvement of one repository: the saga of DESIGN.md as a durable workflow.
// prepare → analyse → test (baseline) → generate → apply → verify → [approval] → integrate
// → notify. Every state-changing step registers its undo first; failures, timeouts and
// cancellation run the undos newest first. The outcome is always recorded and notified.
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
import { bootstrapActivityOptions, stepActivityOptions } from '../core/activity-options.js';
import type { Config, StepConfigName } from '../core/config.js';
import { durationMs } from '../core/duration.js';
import { ErrorType } from '../core/errors.js';
import { commitMessage, uniqueRules } from '../core/outcome.js';
import { ProgressTracker } from '../core/progress.js';
import type {
  Finding,
  ImprovementInput,
  ImprovementResult,
  Mode,
  Outcome,
  Proposal,
  StepName,
  StepTiming,
  Strategy,
  TestRun,
  Workspace,
} from '../core/types.js';
import { Compensations } from './compensations.js';
import {
  approveSignal,
  DEFAULT_TASK_QUEUE,
  KaizenFile,
  KaizenOutcome,
  KaizenRepo,
  KaizenStep,
  KaizenStrategy,
  pauseSignal,
  progressQuery,
  rejectSignal,
  resumeSignal,
} from './definitions.js';
import { describeFailure, lastLines, oneLine, StepOutcome } from './failures.js';
import { recordAndNotify } from './notify-step.js';

/** Rebase-and-verify rounds when the target branch keeps moving during integration. */
const MAX_INTEGRATE_ROUNDS = 3;

/** Failure types that mean "nothing to do here" rather than "something broke". */
const SKIP_TYPES: readonly string[] = [ErrorType.NothingToPropose, ErrorType.TestCommandMissing];

export async function improvement(input: ImprovementInput): Promise<ImprovementResult> {
  const info = workflowInfo();
  const runId = uuid4().replace(/-/g, '').slice(0, 8);
  const startedAt = new Date().toISOString();
  const progress = new ProgressTracker(info.workflowId, () => new Date());
  const compensations = new Compensations();
  const steps: StepTiming[] = [];
  let paused = false;
  let decision: { approved: boolean; reason: string } | undefined;

  let repo = input.repoPath;
  let file: string | null = input.file ?? null;
  const strategy: Strategy = input.strategy ?? 'autofix';
  let mode: Mode = input.mode ?? 'branch';
  let config: Config | undefined;
  let workspace: Workspace | undefined;
  let hostQueue = info.taskQueue;
  let findings: Finding[] = [];
  let targetRuleCounts: Record<string, number> = {};
  let proposal: Proposal | undefined;
  let testsBefore: TestRun | undefined;
  let testsAfter: TestRun | undefined;
  let commit: string | undefined;
  let changeMade = false;

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

  /** Runs one step's activity call and records how long it took. */
  async function timed<T>(step: StepName, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await run();
    } finally {
      steps.push({ step, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started });
    }
  }

  function acts(step: StepConfigName, summary: string): KaizenActivities {
    return proxyActivities<KaizenActivities>(stepActivityOptions(step, config as Config, hostQueue, summary));
  }

  async function runVerify(ws: Workspace): Promise<void> {
    testsAfter = await timed('verify', () =>
      acts('verify', `verify: tests after the change`).runTests({ workspace: ws, config: config as Config, phase: 'verify', ...(input.testCommand ? { command: input.testCommand } : {}) }),
    );
    if (!testsAfter.passed) {
      const why = testsAfter.timedOut ? 'timed out' : `exited with ${testsAfter.exitCode}`;
      throw new StepOutcome('rolled_back', `tests failed after the change (${testsAfter.command.join(' ')} ${why}): ${lastLines(testsAfter.outputTail)}`);
    }
    const check = await timed('verify', () =>
      acts('verify', `verify: findings in ${file}`).checkFindings({
        workspace: ws,
        config: config as Config,
        target: file as string,
        before: findings,
        beforeRuleCounts: targetRuleCounts,
        targets: proposal?.targets ?? [],
      }),
    );
    if (!check.ok) throw new StepOutcome('rolled_back', `quality gate failed: ${check.reason ?? 'findings not fixed'}`);
    progress.note(`verified: tests green${testsAfter.cached ? ' (cached)' : ''}, ${proposal?.targets.length ?? 0} findings gone, none new`);
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
    const located = await timed('prepare', () => shared.locateRepo({ repoPath: input.repoPath }));
    repo = located.repoRoot;
    hostQueue = located.hostQueue;
    upsertSearchAttributes([{ key: KaizenRepo, value: repoName(repo) }]);
    const host = proxyActivities<KaizenActivities>({ ...bootstrapActivityOptions(hostQueue, 30 * 60_000), summary: 'prepare: worktree and dependencies' });
    compensations.register('remove worktree and branch', async () => {
      // A prepare that failed half-way returned no workspace; its names are known anyway.
      await host.removeWorkspace({ workspace: workspace ?? plannedWorkspace(repo, runId), deleteBranch: true, deleteBackupRef: true });
    });
    const prepared = await timed('prepare', () =>
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
    mode = input.mode ?? config.mode;
    progress.note(`worktree ${workspace.branch} at ${workspace.baseCommit.slice(0, 8)} of ${workspace.targetBranch}`);

    await boundary('analyse', 'looking for findings');
    const analysis = await timed('analyse', () =>
      acts('analyse', `analyse: ${input.file ?? 'whole repository'}`).analyse({ workspace: workspace as Workspace, config: config as Config, strategy, ...(input.file ? { file: input.file } : {}) }),
    );
    if (!analysis.target) throw new StepOutcome('skipped', analysis.reason ?? 'no findings to fix');
    file = analysis.target;
    findings = analysis.findings;
    targetRuleCounts = analysis.targetRuleCounts;
    upsertSearchAttributes([{ key: KaizenFile, value: file }]);
    progress.note(`target ${file}: ${findings.length} findings (${analysis.fixableCount} fixable) of ${analysis.totalFindings} in ${analysis.filesAnalysed} files`);

    await boundary('test', 'baseline: tests on the untouched tree');
    testsBefore = await timed('test', () =>
      acts('test', 'test: baseline on the untouched tree').runTests({ workspace: workspace as Workspace, config: config as Config, phase: 'baseline', ...(input.testCommand ? { command: input.testCommand } : {}) }),
    );
    if (!testsBefore.passed) {
      const why = testsBefore.timedOut ? 'timed out' : `exited with ${testsBefore.exitCode}`;
      throw new StepOutcome('skipped', `baseline tests are red before any change (${testsBefore.command.join(' ')} ${why}); fix them or set test.command: ${lastLines(testsBefore.outputTail)}`);
    }
    progress.note(testsBefore.skipped ? 'no test command: verified by analysis only' : `baseline green${testsBefore.cached ? ' (cached by tree hash)' : ''}`);

    await boundary('generate', `generating a proposal with ${strategy}`);
    proposal = await timed('generate', () =>
      acts('generate', `generate: ${strategy} for ${file}`).generate({ workspace: workspace as Workspace, config: config as Config, target: file as string, findings, strategy }),
    );
    progress.note(`proposal: ${proposal.summary} (+${proposal.linesAdded} −${proposal.linesRemoved})`);

    await boundary('apply', `committing on ${workspace.branch}`);
    changeMade = true;
    const applied = await timed('apply', () =>
      acts('apply', `apply: commit on ${(workspace as Workspace).branch}`).applyProposal({
        workspace: workspace as Workspace,
        proposal: proposal as Proposal,
        message: commitMessage(file as string, proposal as Proposal, info.workflowId),
      }),
    );
    commit = applied.commit;
    progress.note(`committed ${commit.slice(0, 8)} with backup ref ${applied.backupRef}`);

    await boundary('verify', 'tests and quality gates on the change');
    await runVerify(workspace);

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
    for (let round = 1; ; round++) {
      const result = await timed('integrate', () =>
        acts('apply', `integrate: ${mode}`).integrate({ workspace: workspace as Workspace, mode, commit: commit as string }),
      );
      if (result.kind !== 'target_moved') {
        integrated = result.kind === 'applied' ? { kind: 'applied', commit: result.commit } : { kind: 'proposed', commit: result.commit, branch: result.branch };
        outcome = result.kind;
        reason = result.reason;
        break;
      }
      if (round >= MAX_INTEGRATE_ROUNDS) throw new StepOutcome('rolled_back', `${workspace.targetBranch} kept moving during integration (${round} rebases)`);
      progress.note(`${workspace.targetBranch} moved to ${result.targetCommit.slice(0, 8)}: rebasing and verifying again`);
      const rebased = await timed('integrate', () => acts('apply', 'integrate: rebase onto the moved target').rebaseWorkspace({ workspace: workspace as Workspace }));
      if (!rebased.ok || !rebased.commit || !rebased.baseCommit) throw new StepOutcome('rolled_back', `target moved and the rebase failed: ${rebased.reason ?? 'conflict'}`);
      workspace = { ...workspace, baseCommit: rebased.baseCommit, ...(rebased.baseTree ? { baseTree: rebased.baseTree } : {}) };
      commit = rebased.commit;
      await runVerify(workspace);
    }
  } catch (err) {
    if (err instanceof StepOutcome) {
      outcome = err.outcome;
      reason = err.reason;
    } else {
      const failure = describeFailure(err);
      if (failure.cancelled) {
        cancellation = err as Error;
        outcome = 'rolled_back';
        reason = `cancelled during ${progress.snapshot().step}; ${changeMade ? 'the change was rolled back' : 'nothing was changed'}`;
      } else if (failure.type && SKIP_TYPES.includes(failure.type)) {
        outcome = 'skipped';
        reason = oneLine(failure.message, 600);
      } else {
        outcome = changeMade ? 'rolled_back' : 'failed';
        reason = oneLine(`${failure.activity ? `${failure.activity}: ` : ''}${failure.message}`, 600);
      }
    }
  }

  // Clean-up and compensation never stop for a cancellation.
  await CancellationScope.nonCancellable(async () => {
    if (integrated && workspace) {
      compensations.forget('remove worktree and branch');
      // Keep the branch for review when proposed; a fast-forwarded branch is spent.
      const ws = workspace;
      await proxyActivities<KaizenActivities>(bootstrapActivityOptions(hostQueue, 5 * 60_000)).removeWorkspace({
        workspace: ws,
        deleteBranch: integrated.kind === 'applied',
        deleteBackupRef: false,
      }).catch(() => undefined);
    } else {
      const { failed } = await compensations.runAll();
      if (failed.length) reason += ` (clean-up failed: ${failed.join(', ')})`;
    }

    const result: ImprovementResult = {
      workflowId: info.workflowId,
      runId,
      repo,
      file,
      strategy,
      mode,
      outcome,
      reason,
      ...(integrated ? { commit: integrated.commit, backupRef: workspace?.backupRef } : {}),
      ...(integrated?.branch ? { branch: integrated.branch } : {}),
      findingsFixed: integrated ? (proposal?.targets.length ?? 0) : 0,
      fixedRules: integrated ? uniqueRules(proposal?.targets ?? []) : [],
      linesAdded: proposal?.linesAdded ?? 0,
      linesRemoved: proposal?.linesRemoved ?? 0,
      ...(testsBefore ? { testsBefore } : {}),
      ...(testsAfter ? { testsAfter } : {}),
      ...(proposal ? { diffExcerpt: proposal.diffExcerpt } : {}),
      steps,
      startedAt,
      finishedAt: new Date().toISOString(),
    };
    await boundaryForNotify();
    await timed('notify', () =>
      recordAndNotify({ result, config, hostQueue, ...(proposal?.llm ? { llm: proposal.llm } : {}), note: (m) => progress.note(m) }),
    );
    result.finishedAt = new Date().toISOString();
    progress.finish(result);
    upsertSearchAttributes([
      { key: KaizenOutcome, value: outcome },
      { key: KaizenStep, value: 'done' },
      ...(file ? [{ key: KaizenFile, value: file }] : []),
    ]);
    setCurrentDetails(progress.details(repoName(repo), file));
    finalResult = result;
  });

  // A cancelled run ends as cancelled in Temporal; its outcome is in the ledger and the query.
  if (cancellation !== undefined) throw cancellation;
  return finalResult as ImprovementResult;

  async function boundaryForNotify(): Promise<void> {
    progress.enter('notify', `recording ${outcome}`);
    upsertSearchAttributes([{ key: KaizenStep, value: 'notify' }]);
  }
}

/** Where prepareWorkspace puts a run's worktree, branch and backup ref (see workspace.ts). */
function plannedWorkspace(repoRoot: string, runId: string): Workspace {
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

function repoName(path: string): string {
  const parts = path.replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] || path;
}
