// What `kaizen improve` needs of a started run, whichever way it reached the server: gRPC
// (improvement-client.ts) or the HTTP API of a dev server Kaizen started (improvement-http.ts).
import type { ImprovementInput, ImprovementResult } from '../core/types.js';
import { repoName } from './common.js';

export interface StartedImprovement {
  workflowId: string;
  /** Tells stderr, beside the wait, when no worker polls the run's task queue. */
  warnWhileNoWorker(): void;
  /** The run's result; a cancelled or failed run's outcome from its progress query. */
  result(): Promise<ImprovementResult>;
}

export function newWorkflowId(repoPath: string): string {
  const stamp = Date.now().toString(36);
  const random = Math.random().toString(36).slice(2, 6);
  return `improve-${repoName(repoPath).replace(/[^A-Za-z0-9_.-]/g, '_')}-${stamp}-${random}`;
}

/** What the Web UI shows of a run beside its id. */
export function improvementStart(input: ImprovementInput): { summary: string; details: string } {
  return {
    summary: `Improve ${input.file ?? 'the best file'} in ${repoName(input.repoPath)} (${input.strategy ?? 'autofix'})`,
    details: `Repository: \`${input.repoPath}\``,
  };
}
