// The saga's undo stack: each state-changing step registers its undo before it runs; on
// failure or cancellation the undos run newest first, in a scope that a cancellation of the
// workflow cannot interrupt (otherwise a cancelled run would skip its own clean-up).
import { CancellationScope, log } from '@temporalio/workflow';

interface Undo {
  name: string;
  run: () => Promise<void>;
}

export class Compensations {
  private readonly undos: Undo[] = [];

  register(name: string, run: () => Promise<void>): void {
    this.undos.push({ name, run });
  }

  /** Drops a registered undo that no longer applies (e.g. clean-up done by the happy path). */
  forget(name: string): void {
    const index = this.undos.findIndex((u) => u.name === name);
    if (index >= 0) this.undos.splice(index, 1);
  }

  get size(): number {
    return this.undos.length;
  }

  /** Runs every undo newest first; one failing undo does not stop the others. */
  async runAll(): Promise<{ ran: string[]; failed: string[] }> {
    const ran: string[] = [];
    const failed: string[] = [];
    await CancellationScope.nonCancellable(async () => {
      while (this.undos.length) {
        const undo = this.undos.pop() as Undo;
        try {
          await undo.run();
          ran.push(undo.name);
        } catch (err) {
          failed.push(undo.name);
          log.error('compensation failed', { undo: undo.name, error: String(err) });
        }
      }
    });
    return { ran, failed };
  }
}
