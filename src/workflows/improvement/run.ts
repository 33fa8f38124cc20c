// The state of one improvement run, in one place: what the saga knows so far, its live view
// (the progress query, the Web UI's details, search attributes) and its signals (pause,
// resume, approve, reject). The saga in ../improvement.ts reads like its steps because
// everything it records goes through here.
import { condition, setCurrentDetails, setHandler, sleep, upsertSearchAttributes, uuid4, workflowInfo } from '@temporalio/workflow';
import { approveSignal, pauseSignal, progressQuery, rejectSignal, resumeSignal } from '../../contracts/improvement.js';
import { KaizenFile, KaizenOutcome, KaizenRepo, KaizenStep, KaizenStrategy } from '../../contracts/search-attributes.js';
import { DEFAULT_TASK_QUEUE } from '../../contracts/task-queues.js';
import type { Config } from '../../core/config/config.js';
import type { CheckInOutcome } from '../../core/governor/check-in.js';
import { durationMs } from '../../core/duration.js';
import { ProgressTracker } from '../../core/improvement/progress.js';
import { assessRisk } from '../../core/improvement/risk.js';
import { primaryFamily } from '../../core/governor/learner.js';
import { repoName } from '../../core/repository/key.js';
import type { AnalyseResult, Finding, ImprovementInput, ImprovementResult, LlmAttempt, Mode, Outcome, Proposal, PullRequestLink, StepName, Strategy, TestRun, VerifyFindingsResult, Workspace } from '../../core/types.js';
import { flakyNote, redRunDetail, StepOutcome } from '../shared/failures.js';
import { GovernorLink } from './governor-link.js';
import { buildResult, outcomeOfError } from './result.js';
import { StepRunner } from './step-runner.js';

export interface Landing {
  kind: 'applied' | 'proposed';
  commit: string;
  branch?: string;
  pullRequest?: PullRequestLink;
}

export class ImprovementRun {
  readonly workflowId: string;
  readonly sharedQueue: string;
  /** Short id in the branch, ref and folder names of this run (a fresh one after a move to another host). */
  runId = uuid4().replace(/-/g, '').slice(0, 8);
  readonly startedAt = new Date().toISOString();
  readonly progress: ProgressTracker;
  readonly runner: StepRunner;
  readonly governor: GovernorLink | undefined;
  readonly strategy: Strategy;

  repo: string;
  file: string | null;
  mode: Mode;
  config: Config | undefined;
  workspace: Workspace | undefined;
  findings: Finding[] = [];
  /** Per-rule counts of all the target's findings (`findings` is capped): the findings gate's baseline. */
  targetRuleCounts: Record<string, number> = {};
  /** The target's size, for the LLM cost estimate. */
  targetBytes: number | undefined;
  proposal: Proposal | undefined;
  /** The commit the findings were found on (a rebase moves the workspace's base, not this). */
  analysedCommit: string | undefined;
  /** Targeted findings the findings gate saw gone (by location and rule), and those still there. */
  fixed: Finding[] | undefined;
  remaining: Finding[] = [];
  testsBefore: TestRun | undefined;
  testsAfter: TestRun | undefined;
  /** Set once apply ran: a failure from here on is a rollback, not a plain failure. */
  changeMade = false;
  /** The strategy's change failed a gate of verify: the only failure the governor's learner counts. */
  gatesFailed = false;
  /** Files other runs of the repository held at check-in: the analysis skips them. */
  reservedElsewhere: string[] = [];
  readonly llmAttempts: LlmAttempt[] = [];
  /** What an extra gate checked (llm-tests), for the outcome's reason. */
  readonly gateNotes: string[] = [];
  /** mode auto: why the change merges or waits for review. */
  riskNote: string | undefined;
  landing: Landing | undefined;
  outcome: Outcome = 'failed';
  reason = '';
  cancellation: Error | undefined;

  private paused = false;
  private decision: { approved: boolean; reason: string } | undefined;

  constructor(readonly input: ImprovementInput) {
    const info = workflowInfo();
    this.workflowId = info.workflowId;
    this.sharedQueue = info.taskQueue || DEFAULT_TASK_QUEUE;
    this.progress = new ProgressTracker(info.workflowId, () => new Date());
    this.runner = new StepRunner(this.sharedQueue);
    this.governor = input.governor ? new GovernorLink(info.workflowId, input.governor, this.sharedQueue, input.repoPath) : undefined;
    this.repo = input.repoPath;
    this.file = input.file ?? null;
    this.strategy = input.strategy ?? 'autofix';
    this.mode = input.mode ?? 'branch';

    setHandler(progressQuery, () => this.progress.snapshot());
    setHandler(pauseSignal, () => this.hold('pause requested: holding at the next step boundary'));
    setHandler(resumeSignal, () => {
      if (!this.paused) return;
      this.paused = false;
      this.note('resumed');
    });
    setHandler(approveSignal, (by) => {
      this.decision ??= { approved: true, reason: `approved${by?.by ? ` by ${by.by}` : ''}` };
    });
    setHandler(rejectSignal, (r) => {
      this.decision ??= { approved: false, reason: `rejected${r?.by ? ` by ${r.by}` : ''}${r?.reason ? `: ${r.reason}` : ''}` };
    });
    upsertSearchAttributes([
      { key: KaizenRepo, value: repoName(this.repo) },
      { key: KaizenStrategy, value: this.strategy },
      ...(this.file ? [{ key: KaizenFile, value: this.file }] : []),
    ]);
  }

  note(message: string): void {
    this.progress.note(message);
    this.refreshDetails();
  }

  waitingFor(what: string | undefined): void {
    this.progress.setWaiting(what);
    this.refreshDetails();
  }

  /** Holds at the next step boundary (a pause signal, or a repository paused at check-in). */
  hold(why: string): void {
    if (this.paused) return;
    this.paused = true;
    this.note(why);
  }

  /** A step boundary: honours a pause, waits the configured pause between steps, then enters the step. */
  async boundary(step: StepName, message: string): Promise<void> {
    if (this.paused) {
      this.progress.setPaused(true, step);
      this.note(`paused before ${step}`);
      await condition(() => !this.paused);
      this.progress.setPaused(false);
    }
    const pauseMs = this.input.pauseBetweenStepsSeconds !== undefined ? this.input.pauseBetweenStepsSeconds * 1000 : this.config ? durationMs(this.config.pauseBetweenSteps) : 0;
    if (pauseMs > 0 && step !== 'prepare') {
      this.waitingFor(`the pause between steps (${Math.round(pauseMs / 1000)}s)`);
      await sleep(pauseMs, { summary: `pause before ${step}` });
      if (this.paused) return this.boundary(step, message);
    }
    this.enter(step, message);
  }

  /** Enters a step without a boundary (notify runs whatever happened, paused or not). */
  enter(step: StepName, message: string): void {
    this.progress.enter(step, message);
    upsertSearchAttributes([{ key: KaizenStep, value: step }]);
    this.refreshDetails();
  }

  /** The worker found the repository: its root as that host sees it, and the queue of that host. */
  located(where: { repoRoot: string; hostQueue: string; heartbeatTimeoutMs?: number }): void {
    this.repo = where.repoRoot;
    this.runner.hostQueue = where.hostQueue;
    this.runner.heartbeatMs = where.heartbeatTimeoutMs;
    this.governor?.located(where.repoRoot);
    upsertSearchAttributes([{ key: KaizenRepo, value: repoName(this.repo) }]);
  }

  prepared<T extends { workspace: Workspace; config: Config }>(prepared: T): T {
    this.workspace = prepared.workspace;
    this.analysedCommit = prepared.workspace.baseCommit;
    this.config = prepared.config;
    this.runner.config = prepared.config;
    const mode = this.input.mode ?? prepared.config.mode ?? this.input.defaultMode ?? 'branch';
    // A repository given by URL has no checkout to leave a branch in: its branch is pushed instead.
    this.mode = mode === 'branch' && prepared.workspace.remoteUrl ? 'push' : mode;
    this.note(`worktree ${prepared.workspace.branch} at ${prepared.workspace.baseCommit.slice(0, 8)} of ${prepared.workspace.targetBranch}`);
    return prepared;
  }

  /** Registers with the repository's governor: a refused slot skips the run, a paused repository holds it. */
  async checkIn(config: Config, sent?: CheckInOutcome): Promise<void> {
    if (!this.governor) return;
    // Prepare asked already (its worker could not: the run asks itself; a repeated check-in is harmless).
    if (sent && 'failed' in sent) this.note(`check-in asked again: ${sent.failed}`);
    const answer = sent && 'answer' in sent ? sent.answer : await this.runner.timed('prepare', () => (this.governor as GovernorLink).checkIn(config, this.file, this.strategy, this.runner.hostQueue));
    if (!answer.granted) throw new StepOutcome('skipped', `over budget: ${answer.reason}`);
    this.reservedElsewhere = answer.reserved ?? [];
    if (answer.paused) this.hold('the repository is paused: holding until it is resumed');
  }

  /**
   * Reserves the analysis's target with the governor, so concurrent runs take different files;
   * when another run took it meanwhile, the next alternative no run holds. Returns the file.
   */
  async reserve(analysis: AnalyseResult): Promise<string | null> {
    if (!this.governor || !analysis.target) return analysis.target;
    const candidates = [analysis.target, ...(analysis.alternatives ?? [])];
    const answer = await this.runner.timed('analyse', () => (this.governor as GovernorLink).reserve(candidates));
    if (answer.file === null) throw new StepOutcome('skipped', answer.reason);
    if (answer.file !== analysis.target) this.note(answer.reason);
    return answer.file;
  }

  /** The file the analysis chose (none: the run is skipped). */
  targeted(analysis: AnalyseResult): string {
    if (!analysis.target) throw new StepOutcome('skipped', analysis.reason ?? 'no findings to fix');
    this.file = analysis.target;
    this.findings = analysis.findings;
    this.targetRuleCounts = analysis.targetRuleCounts;
    this.targetBytes = analysis.targetBytes;
    upsertSearchAttributes([{ key: KaizenFile, value: analysis.target }]);
    this.note(`target ${analysis.target}: ${analysis.findings.length} findings (${analysis.fixableCount} fixable) of ${analysis.totalFindings} in ${analysis.filesAnalysed} files`);
    return analysis.target;
  }

  /** The baseline: a red one skips the run (before anything is changed, unless it ran after a red verify). */
  baseline(run: TestRun): void {
    this.testsBefore = run;
    if (!run.passed) {
      const why = run.timedOut ? 'timed out' : `exited with ${run.exitCode}`;
      const known = run.cached ? ', as this tree was at its last test run within the hour' : '';
      throw new StepOutcome('skipped', `baseline tests are red before any change (${run.command.join(' ')} ${why}${known}); fix them or set test.command: ${redRunDetail(run)}`);
    }
    this.note(run.skipped ? 'no test command: verified by analysis only' : `baseline green${run.cached ? ' (cached by tree hash)' : ''}${flakyNote(run)}`);
  }

  /** With approval.required, waits for `kaizen approve` / `kaizen reject` (rolled back on a rejection or the timeout). */
  async approval(config: Config): Promise<void> {
    if (!config.approval.required) return;
    this.waitingFor('approval (kaizen approve / kaizen reject)');
    const answered = await condition(() => this.decision !== undefined, durationMs(config.approval.timeout), { summary: 'waiting for approval' });
    this.waitingFor(undefined);
    if (!answered) throw new StepOutcome('rolled_back', `not approved within ${config.approval.timeout}: rejected`);
    // A rejection is a gate the change failed (a person's); a timeout says nothing about the strategy.
    if (!this.decision?.approved) {
      this.gatesFailed = true;
      throw new StepOutcome('rolled_back', this.decision?.reason ?? 'rejected');
    }
    this.note(this.decision.reason);
  }

  /** What the findings gate found: partial progress lands, and what is left is said. */
  checked(check: VerifyFindingsResult): void {
    if (check.fixed) this.fixed = check.fixed;
    this.remaining = check.remaining;
    if (check.remaining.length > 0 && check.reason) this.gateNotes.push(check.reason);
  }

  /** The gate saw fewer findings gone than the proposal (and its commit message) claims. */
  fixedDiffersFromClaim(): boolean {
    return this.fixed !== undefined && this.proposal !== undefined && this.fixed.length !== this.proposal.targets.length;
  }

  /** The change did not land as asked, but its branch stays for review (clean-up keeps it). */
  keepBranch(landing: Landing): void {
    this.landing = landing;
  }

  landed(landing: Landing & { reason: string }): void {
    const { reason, ...rest } = landing;
    this.landing = rest;
    this.outcome = landing.kind;
    this.reason = [reason, ...(this.riskNote ? [this.riskNote] : []), ...new Set(this.gateNotes)].join('; ');
  }

  /** mode auto: a low-risk change merges, any other is left on its branch; the reason says which. */
  decideByRisk(): void {
    if (this.mode !== 'auto') return;
    const risk = assessRisk(this.strategy, this.testsAfter);
    this.mode = risk.lowRisk ? 'merge' : this.workspace?.remoteUrl ? 'push' : 'branch';
    this.riskNote = risk.reason;
    this.note(risk.reason);
  }

  /** What an error that ended the saga means for the outcome. */
  ended(err: unknown): void {
    const end = outcomeOfError(err, this.changeMade, this.progress.snapshot().step);
    this.outcome = end.outcome;
    this.reason = end.reason;
    this.cancellation = end.cancellation;
  }

  result(): ImprovementResult {
    const result = buildResult({
      workflowId: this.workflowId,
      runId: this.runId,
      repo: this.repo,
      file: this.file,
      strategy: this.strategy,
      mode: this.mode,
      outcome: this.outcome,
      reason: this.reason,
      integrated: this.landing,
      workspace: this.workspace,
      proposal: this.proposal,
      ...(this.fixed ? { fixed: this.fixed } : {}),
      testsBefore: this.testsBefore,
      testsAfter: this.testsAfter,
      steps: this.runner.steps,
      startedAt: this.startedAt,
    });
    if (this.llmAttempts.length > 0) result.llmAttempts = this.llmAttempts;
    const family = this.input.governor?.family ?? primaryFamily(this.findings)?.family;
    if (family && result.commit) result.family = family;
    return result;
  }

  /** The last words of the live view: the outcome in the progress query, the details and the search attributes. */
  finished(result: ImprovementResult): void {
    this.progress.finish(result);
    upsertSearchAttributes([
      { key: KaizenOutcome, value: result.outcome },
      { key: KaizenStep, value: 'done' },
      ...(this.file ? [{ key: KaizenFile, value: this.file }] : []),
    ]);
    this.refreshDetails();
  }

  private refreshDetails(): void {
    setCurrentDetails(this.progress.details(repoName(this.repo), this.file));
  }
}
