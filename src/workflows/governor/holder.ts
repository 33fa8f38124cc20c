// The governor's state holder: one GovernorState, changed only through the pure decisions of
// core/governor (each returns the next state and its answer, or the runs to tell), with the
// Web UI's details kept in step.
import { getExternalWorkflowHandle, log, patched, setCurrentDetails, upsertMemo, type SignalDefinition } from '@temporalio/workflow';
import { GOVERNOR_MEMO_KEY, governorMemo, memoChanged, type GovernorMemo } from '../../core/governor/memo.js';
import { governorView, initialState, normaliseState, pruneState } from '../../core/governor/state.js';
import type { GovernorInput, GovernorState } from '../../core/governor/protocol.js';

export class GovernorHolder {
  state: GovernorState;
  /** Governors started by an older worker replay without memo events. */
  private readonly keepsMemo: boolean;
  private memo: GovernorMemo | undefined;

  constructor(input: GovernorInput) {
    this.state = input.state ? normaliseState(input.state, input.repoPath) : initialState(input.repoPath);
    this.keepsMemo = patched('governor-memo');
    this.refreshDetails();
  }

  /** Applies a decision that answers its caller (an update). */
  answer<A>(decide: (state: GovernorState, now: number) => { state: GovernorState; answer: A }): A {
    const { state, answer } = decide(this.state, Date.now());
    this.change(state);
    return answer;
  }

  /** Applies a decision, then passes `signal` on to the runs it names. */
  async tell(decide: (state: GovernorState, now: number) => { state: GovernorState; runs: string[] }, signal: SignalDefinition<[]>): Promise<void> {
    const { state, runs } = decide(this.state, Date.now());
    this.change(state);
    // A run that has ended (or never started) is skipped.
    await Promise.all(
      runs.map((id) =>
        getExternalWorkflowHandle(id)
          .signal(signal)
          .catch((err: unknown) => log.info('run not signalled', { workflowId: id, signal: signal.name, error: String(err) })),
      ),
    );
  }

  change(state: GovernorState): void {
    this.state = state;
    this.refreshDetails();
  }

  /** What the next run starts from: the state without what has expired. */
  handedOn(): GovernorState {
    return pruneState(this.state, Date.now());
  }

  /** The last known state for `kaizen governor` without a worker; written only when it changed. */
  private refreshMemo(view: ReturnType<typeof governorView>): void {
    if (!this.keepsMemo) return;
    const memo = governorMemo(view);
    if (!memoChanged(this.memo, memo)) return;
    this.memo = memo;
    upsertMemo({ [GOVERNOR_MEMO_KEY]: memo });
  }

  private refreshDetails(): void {
    const view = governorView(this.state, Date.now());
    this.refreshMemo(view);
    const pause = view.paused.paused ? `**paused**${view.paused.by ? ` by ${view.paused.by}` : ''}` : 'running';
    const lock = view.lock ? `merge lock: ${view.lock.holder}` : 'merge lock: free';
    const llm = view.llm?.paused ? `\n\n**LLM strategies paused**: ${view.llm.paused.reason}` : '';
    setCurrentDetails(
      `${pause} · ${view.budget.last24h + view.budget.running}/${view.budget.limits.maxPerDay} changes in 24 h · ${view.active.length} running · ${lock}\n\n` +
        (view.budget.nextSlotReason ?? 'a slot is free') +
        llm,
    );
  }
}
