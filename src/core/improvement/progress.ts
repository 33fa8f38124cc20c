// The live view of one improvement: what the `progress` query returns and what the Web UI's
// current details show. Pure, so the workflow owns one and tests can drive it directly.
import { STEPS, type ImprovementResult, type StepName } from '../types.js';

export interface ProgressUpdate {
  at: string;
  step: StepName | 'done';
  message: string;
}

export interface Progress {
  workflowId: string;
  step: StepName | 'done';
  percent: number;
  paused: boolean;
  pausedAt?: StepName;
  waitingFor?: string;
  updates: ProgressUpdate[];
  result?: ImprovementResult;
}

const MAX_UPDATES = 100;

export class ProgressTracker {
  private step: StepName | 'done' = 'prepare';
  private paused = false;
  private pausedAt: StepName | undefined;
  private waitingFor: string | undefined;
  private readonly updates: ProgressUpdate[] = [];
  private result: ImprovementResult | undefined;

  constructor(
    private readonly workflowId: string,
    private readonly now: () => Date,
  ) {}

  enter(step: StepName, message: string): void {
    this.step = step;
    this.waitingFor = undefined;
    this.note(message);
  }

  note(message: string): void {
    this.updates.push({ at: this.now().toISOString(), step: this.step, message });
    if (this.updates.length > MAX_UPDATES) this.updates.splice(0, this.updates.length - MAX_UPDATES);
  }

  setPaused(paused: boolean, at?: StepName): void {
    this.paused = paused;
    this.pausedAt = paused ? at : undefined;
  }

  setWaiting(what: string | undefined): void {
    this.waitingFor = what;
  }

  finish(result: ImprovementResult): void {
    this.result = result;
    this.step = 'done';
    this.waitingFor = undefined;
    this.paused = false;
    this.pausedAt = undefined;
    this.note(`${result.outcome}: ${result.reason}`);
  }

  percent(): number {
    if (this.step === 'done') return 100;
    return Math.round((STEPS.indexOf(this.step) / STEPS.length) * 100);
  }

  snapshot(): Progress {
    return {
      workflowId: this.workflowId,
      step: this.step,
      percent: this.percent(),
      paused: this.paused,
      ...(this.pausedAt ? { pausedAt: this.pausedAt } : {}),
      ...(this.waitingFor ? { waitingFor: this.waitingFor } : {}),
      updates: [...this.updates],
      ...(this.result ? { result: this.result } : {}),
    };
  }

  /** One line for the Web UI's "current details". */
  details(repo: string, file: string | null): string {
    const where = file ? `${repo} · ${file}` : repo;
    if (this.step === 'done' && this.result) return `**${this.result.outcome}** · ${where}\n\n${this.result.reason}`;
    const state = this.paused
      ? `paused before ${this.pausedAt ?? this.step} (send resume)`
      : this.waitingFor
        ? `waiting for ${this.waitingFor}`
        : (this.updates.at(-1)?.message ?? '');
    return `**${this.step}** (${this.percent()}%) · ${where}\n\n${state}`;
  }
}
