// The last step of every improvement, whatever its outcome: one ledger line, then the
// notification channels. Neither can change the outcome: failures are noted in progress.
import { proxyActivities } from '@temporalio/workflow';
import type { KaizenActivities } from '../activities/index.js';
import { bootstrapActivityOptions, stepActivityOptions } from '../core/activity-options.js';
import type { Config } from '../core/config.js';
import { ledgerEntry } from '../core/outcome.js';
import type { ImprovementResult, Proposal } from '../core/types.js';
import { describeFailure } from './failures.js';

export interface NotifyStepInput {
  result: ImprovementResult;
  /** Undefined when the run failed before the repo's config was loaded. */
  config: Config | undefined;
  hostQueue: string;
  llm?: Proposal['llm'];
  /** Adds a line to the run's progress updates. */
  note(message: string): void;
}

export async function recordAndNotify(input: NotifyStepInput): Promise<void> {
  const { result, config, hostQueue } = input;
  const acts = proxyActivities<KaizenActivities>(
    config ? stepActivityOptions('notify', config, hostQueue, 'notify: ledger and channels') : bootstrapActivityOptions(hostQueue, 60_000),
  );
  let ledgerPath: string | null = null;
  try {
    ledgerPath = (await acts.recordOutcome({ repoRoot: result.repo, entry: ledgerEntry(result, input.llm) })).ledgerPath;
  } catch (err) {
    input.note(`ledger not written: ${describeFailure(err).message}`);
  }
  try {
    const sent = await acts.notify({ result, ledgerPath });
    if (sent.failed.length) input.note(`not delivered to ${sent.failed.map((f) => f.id).join(', ')}`);
  } catch (err) {
    input.note(`notification failed: ${describeFailure(err).message}`);
  }
}
