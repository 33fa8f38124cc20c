// The generate step with the LLM's guard rails, and the repair loop around generate → apply →
// verify. Before each LLM call the repository's governor is asked whether it fits the daily
// caps (llm.maxTokensPerDay, llm.maxCostPerDay); after it, the governor is told what it cost.
// When verify fails, the failure goes back to the model for at most llm.repairAttempts more
// tries inside the same improvement; only when every try fails does the run roll back.
import { ActivityFailure, ApplicationFailure, getExternalWorkflowHandle, log } from '@temporalio/workflow';
import type { Config } from '../../core/config/config.js';
import { durationMs } from '../../core/duration.js';
import { ErrorType } from '../../core/errors.js';
import { REPAIRABLE_REJECTIONS, type LlmRejection, type RefusedAnswer, type RejectedAnswerUsage } from '../../core/llm/errors.js';
import { estimateCall, hasLlmCap, llmLimits, type LlmUsageReport } from '../../core/llm/budget.js';
import { isLlmStrategy } from '../../core/llm/kinds.js';
import { governorWorkflowId } from '../../core/repository/key.js';
import type { LlmAttempt, LlmUsage, Proposal, RepairInput, Strategy, TestRun, Workspace } from '../../core/types.js';
import { describeFailure, oneLine, StepOutcome } from '../shared/failures.js';
import { llmUsageSignal } from '../../contracts/governor.js';
import { governorActivities, governorTarget } from '../shared/governor-calls.js';
import { notifyPaused } from '../shared/notify.js';
import type { ImprovementRun } from './run.js';

/** The prompt size assumed when the analysis did not report the target's size. */
const DEFAULT_TARGET_BYTES = 16 * 1024;
/** llm-tests also shows a test file. */
const TEST_FILE_ALLOWANCE = 16 * 1024;
/** A reservation outlives the generate step's total time by this much before it is dropped. */
const RESERVATION_GRACE_MS = 10 * 60_000;

export interface GenerateRequest {
  attempt: number;
  repair?: RepairInput;
}

/** generate, with the cap check before an LLM call and the usage report after it (also for a rejected answer). */
export async function generateWithGuards(run: ImprovementRun, ws: Workspace, config: Config, req: GenerateRequest): Promise<Proposal> {
  const { runner, strategy } = run;
  const file = run.file ?? '';
  const llm = isLlmStrategy(strategy);
  const limits = llmLimits(config.llm);
  if (llm && hasLlmCap(limits)) await checkCaps(run, config, req);
  const acts = runner.acts('generate', `generate: ${strategy} for ${file}${req.attempt > 1 ? ` (repair ${req.attempt - 1})` : ''}`, llm ? { scheduleToCloseTimeout: durationMs(config.llm.maxTotalTime) } : {});
  try {
    const testCommand = run.input.testCommand ? { testCommand: run.input.testCommand } : {};
    const proposal = await acts.generate({ workspace: ws, config, target: file, findings: run.findings, strategy, attempt: req.attempt, ...testCommand, ...(req.repair ? { repair: req.repair } : {}) });
    if (proposal.llm) await reportUsage(run, config, req.attempt, proposal.llm);
    return proposal;
  } catch (err) {
    const usage = rejectedUsage(err);
    if (usage) await reportUsage(run, config, req.attempt, usage);
    throw err;
  }
}

async function checkCaps(run: ImprovementRun, config: Config, req: GenerateRequest): Promise<void> {
  const model = config.llm.model ?? 'unknown';
  const repairChars = req.repair ? req.repair.previousDiff.length + req.repair.failure.length + req.repair.previousSummary.length : 0;
  const promptChars = (run.targetBytes ?? DEFAULT_TARGET_BYTES) + (run.strategy === 'llm-tests' ? TEST_FILE_ALLOWANCE : 0) + repairChars;
  const estimate = estimateCall(config.llm, model, promptChars);
  const answer = await governorActivities(run.sharedQueue).governorCheckLlm({
    target: governorTarget(run.repo, run.sharedQueue),
    request: {
      workflowId: run.workflowId,
      attempt: req.attempt,
      model,
      estimate,
      limits: llmLimits(config.llm),
      leaseMs: durationMs(config.llm.maxTotalTime) + RESERVATION_GRACE_MS,
    },
  });
  if (answer.ok) return;
  if (answer.newlyPaused) {
    run.note('LLM cap reached: the LLM strategies of this repository are paused');
    await notifyPaused({ repo: run.repo, by: 'the LLM cost cap', reason: answer.reason, config, taskQueue: run.runner.hostQueue, note: (m) => run.note(m) }).catch(() => undefined);
  }
  throw new StepOutcome('skipped', answer.reason);
}

async function reportUsage(run: ImprovementRun, config: Config, attempt: number, usage: LlmUsage | RejectedAnswerUsage): Promise<void> {
  // A run under a governor reports anyway (budgets, learning), as does any run under a cap.
  if (!run.governor && !hasLlmCap(llmLimits(config.llm))) return;
  const report: LlmUsageReport = {
    workflowId: run.workflowId,
    attempt,
    model: usage.model,
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    costUsd: usage.costUsd ?? null,
  };
  // A governor that is gone has nothing to count; the ledger still has the usage.
  await getExternalWorkflowHandle(governorWorkflowId(run.repo))
    .signal(llmUsageSignal, report)
    .catch((err: unknown) => log.warn('LLM usage not reported to the governor', { error: String(err) }));
}

/** What a rejected answer changed, when its rejection is worth a repair try (out_of_scope). */
export function repairableRejection(err: unknown): RefusedAnswer | null {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure) || cause.type !== ErrorType.LlmAnswerRejected) return null;
  const details = cause.details?.[0] as { rejection?: LlmRejection; refused?: RefusedAnswer } | undefined;
  if (!details?.rejection || !REPAIRABLE_REJECTIONS.includes(details.rejection) || !details.refused) return null;
  return { summary: String(details.refused.summary ?? ''), diffExcerpt: String(details.refused.diffExcerpt ?? '') };
}

/** The usage a rejected answer carried in its failure details (it was paid for). */
export function rejectedUsage(err: unknown): RejectedAnswerUsage | null {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure) || cause.type !== ErrorType.LlmAnswerRejected) return null;
  const details = cause.details?.[0] as { usage?: RejectedAnswerUsage } | undefined;
  const usage = details?.usage;
  return usage && typeof usage.model === 'string' && typeof usage.promptTokens === 'number' ? usage : null;
}

export function asLlmUsage(usage: RejectedAnswerUsage): LlmUsage {
  return { ...usage, promptVersion: usage.promptVersion ?? 'unknown' };
}

export interface AttemptSteps {
  strategy: Strategy;
  /** llm.repairAttempts: tries after the first. */
  repairAttempts: number;
  /** Every try is recorded here (the run's result and ledger line show them). */
  attempts: LlmAttempt[];
  generate(attempt: number, repair: RepairInput | undefined): Promise<Proposal>;
  apply(proposal: Proposal): Promise<void>;
  verify(proposal: Proposal): Promise<TestRun>;
  /** Undoes an applied try in Kaizen's own worktree before the next one. */
  reset(): Promise<void>;
  note(message: string): void;
}

/** How much of each try's reason the final reason keeps. */
const REASON_PER_ATTEMPT = 400;

/** generate → apply → verify, repaired up to `repairAttempts` times for LLM strategies. */
export async function proposeAndVerify(steps: AttemptSteps): Promise<{ proposal: Proposal; testsAfter: TestRun }> {
  const repairs = isLlmStrategy(steps.strategy) ? steps.repairAttempts : 0;
  let repair: RepairInput | undefined;
  for (let attempt = 1; ; attempt++) {
    let proposal: Proposal;
    try {
      proposal = await steps.generate(attempt, repair);
    } catch (err) {
      const failure = describeFailure(err);
      const refused = repairableRejection(err);
      if (refused && attempt <= repairs) {
        // Refused before anything was written (the change contract): the model hears why and tries again.
        const usage = rejectedUsage(err);
        steps.attempts.push({ attempt, outcome: 'rejected', reason: oneLine(failure.message, 600), ...(usage ? { llm: asLlmUsage(usage) } : {}) });
        steps.note(`try ${attempt} was refused (${oneLine(failure.message, 160)}); asking the model to repair (try ${attempt + 1} of ${repairs + 1})`);
        repair = { previousSummary: refused.summary, previousDiff: refused.diffExcerpt, failure: failure.message, refused: true };
        continue;
      }
      if (isLlmStrategy(steps.strategy) && !failure.cancelled) {
        const usage = rejectedUsage(err);
        const notRun = err instanceof StepOutcome;
        steps.attempts.push({ attempt, outcome: notRun ? 'not_run' : 'rejected', reason: oneLine(notRun ? err.reason : failure.message, 600), ...(usage ? { llm: asLlmUsage(usage) } : {}) });
      }
      // The first try's failure is the run's (failed, skipped); a repair's comes after a rollback.
      if (attempt === 1 || failure.cancelled) throw err;
      throw new StepOutcome('rolled_back', combinedReason(steps.attempts));
    }
    await steps.apply(proposal);
    try {
      const testsAfter = await steps.verify(proposal);
      if (isLlmStrategy(steps.strategy)) steps.attempts.push({ attempt, outcome: 'verified', reason: 'verified', ...(proposal.llm ? { llm: proposal.llm } : {}) });
      return { proposal, testsAfter };
    } catch (err) {
      if (!(err instanceof StepOutcome) || err.outcome !== 'rolled_back' || !isLlmStrategy(steps.strategy)) throw err;
      steps.attempts.push({ attempt, outcome: 'verify_failed', reason: oneLine(err.reason, 600), ...(proposal.llm ? { llm: proposal.llm } : {}) });
      if (attempt > repairs) throw steps.attempts.length > 1 ? new StepOutcome('rolled_back', combinedReason(steps.attempts)) : err;
      steps.note(`try ${attempt} failed verification (${oneLine(err.reason, 160)}); undoing it and asking the model to repair (try ${attempt + 1} of ${repairs + 1})`);
      await steps.reset();
      repair = {
        previousSummary: proposal.summary,
        previousDiff: proposal.diffExcerpt,
        failure: err.detail ? `${err.reason}\n\n${err.detail}` : err.reason,
      };
    }
  }
}

/** `all 2 tries failed: 1) tests failed after the change …; 2) quality gate failed: …` */
export function combinedReason(attempts: readonly LlmAttempt[]): string {
  const parts = attempts.map((a) => `${a.attempt}) ${oneLine(a.reason, REASON_PER_ATTEMPT)}`);
  return `all ${attempts.length} tries failed: ${parts.join('; ')}`;
}
