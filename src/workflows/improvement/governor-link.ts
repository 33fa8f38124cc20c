// An improvement's side of the governor: check in (slot, strategy, pause state), take the
// merge lock around integration, and report the outcome. Requests that need an answer go
// through activities (workflows cannot send updates); releases and reports are signals.
import { CancellationScope, condition, getExternalWorkflowHandle, log, patched, setHandler, type ExternalWorkflowHandle } from '@temporalio/workflow';
import { lockLeaseMs } from '../../core/governor/budget.js';
import { slotRequestFor, type CheckInCall, type CheckInRun } from '../../core/governor/check-in.js';
import type { Config } from '../../core/config/config.js';
import type { GovernorTarget, LockRelease, ReserveAnswer, SlotAnswer } from '../../core/governor/protocol.js';
import type { GovernedRun, ImprovementResult, Strategy } from '../../core/types.js';
import { governorActivities, governorLocalActivities, governorTarget } from '../shared/governor-calls.js';
import type { GovernorActivities } from '../../activities/index.js';
import { mergeLockFreeSignal, releaseMergeLockSignal, slotFinishedSignal } from '../../contracts/governor.js';
import type { FlakyReport } from '../../core/governor/flaky.js';

/** Check-in, reservation and lock requests as local activities (histories from before: activities). */
export const GOVERNOR_LOCAL_CALLS = 'governor-local-calls';

/** A waiting run asks again at least this often (the release signal usually wakes it sooner). */
const LOCK_POLL_MS = 10 * 60_000;

export class GovernorLink {
  private lockFree = false;
  private askedForLock = false;
  /** Signals sent without waiting for them; the run waits for them before it completes. */
  private readonly sending: Promise<void>[] = [];

  constructor(
    private readonly workflowId: string,
    private readonly run: GovernedRun,
    private readonly sharedQueue: string,
    private repoRoot: string,
  ) {
    setHandler(mergeLockFreeSignal, () => {
      this.lockFree = true;
    });
  }

  /** The repo root as the worker found it (the CLI may have passed another spelling of it). */
  located(repoRoot: string): void {
    this.repoRoot = repoRoot;
  }

  private calls(): GovernorActivities {
    return patched(GOVERNOR_LOCAL_CALLS) ? governorLocalActivities() : governorActivities(this.sharedQueue);
  }

  private target(): GovernorTarget {
    return governorTarget(this.repoRoot, this.sharedQueue);
  }

  /** What the run sends at check-in, for prepare to send once it has read the config. */
  checkInCall(file: string | null, strategy: Strategy, hostQueue: string): CheckInCall {
    return { target: this.target(), run: this.checkInRun(file, strategy), hostQueue };
  }

  /** Registers the run (a cycle's child finds its slot already granted); says whether the repo is paused. */
  async checkIn(config: Config, file: string | null, strategy: Strategy, hostQueue: string): Promise<SlotAnswer> {
    return this.calls().governorRequestSlot({ target: this.target(), request: slotRequestFor(this.checkInRun(file, strategy), config, hostQueue) });
  }

  private checkInRun(file: string | null, strategy: Strategy): CheckInRun {
    return { workflowId: this.workflowId, file, family: this.run.family ?? null, strategy, enforceBudget: this.run.enforceBudget };
  }

  /** Reserves the first of `candidates` (the analysis's target, then its alternatives) no other run holds. */
  async reserve(candidates: string[]): Promise<ReserveAnswer> {
    return this.calls().governorReserveFile({ target: this.target(), request: { workflowId: this.workflowId, candidates } });
  }

  /** Waits until this run holds the merge lock (and, for budgeted runs, the interval has passed). */
  async acquireMergeLock(config: Config, rounds: number, waiting: (why: string) => void): Promise<void> {
    const acts = this.calls();
    const request = { workflowId: this.workflowId, enforceInterval: this.run.enforceBudget, minIntervalMinutes: config.budget.minIntervalMinutes, leaseMs: lockLeaseMs(config, rounds) };
    for (;;) {
      this.lockFree = false;
      this.askedForLock = true;
      const answer = await acts.governorRequestLock({ target: this.target(), request });
      if (answer.granted) return;
      waiting(answer.reason);
      const until = answer.retryAt ? Date.parse(answer.retryAt) - Date.now() : LOCK_POLL_MS;
      await condition(() => this.lockFree, Math.min(LOCK_POLL_MS, Math.max(1000, until)));
    }
  }

  /**
   * Frees the lock (also when integration failed or was cancelled) and records a landing.
   * `beside`: the run goes on while the signal is delivered (`sent()` waits for it).
   */
  async releaseMergeLock(landed: LockRelease['landed'], options: { beside?: boolean } = {}): Promise<void> {
    if (!this.askedForLock) return;
    this.askedForLock = false;
    const sending = this.signal('releaseMergeLock', (h) => h.signal(releaseMergeLockSignal, { workflowId: this.workflowId, landed }));
    if (options.beside) this.sending.push(sending);
    else await sending;
  }

  /** Waits for the signals sent beside the run's next steps (they never throw). */
  async sent(): Promise<void> {
    await Promise.all(this.sending);
  }

  /** Reports the end: frees the slot and its file, and the outcome is counted and learned from. */
  async finish(result: ImprovementResult, family: string | null, gatesFailed: boolean): Promise<void> {
    const done = {
      workflowId: this.workflowId,
      outcome: result.outcome,
      reason: result.reason,
      strategy: result.strategy,
      file: result.file,
      family: this.run.family ?? family,
      gatesFailed,
      flaky: flakyReports(result),
    };
    await this.signal('slotFinished', (h) => h.signal(slotFinishedSignal, done));
  }

  private async signal(name: string, send: (handle: ExternalWorkflowHandle) => Promise<void>): Promise<void> {
    const handle = getExternalWorkflowHandle(this.target().workflowId);
    await CancellationScope.nonCancellable(() =>
      // A governor that was terminated has nothing to free; a new one starts clean.
      send(handle).catch((err: unknown) => log.warn('governor not signalled', { signal: name, error: String(err) })),
    );
  }
}

/** The test runs of a result that were red and then green on the rerun. */
export function flakyReports(result: Pick<ImprovementResult, 'testsBefore' | 'testsAfter'>): FlakyReport[] {
  const reports: FlakyReport[] = [];
  if (result.testsBefore?.flaky) reports.push({ phase: 'baseline', tests: result.testsBefore.flaky });
  if (result.testsAfter?.flaky) reports.push({ phase: 'verify', tests: result.testsAfter.flaky });
  return reports;
}
