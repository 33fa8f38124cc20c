// Building a cycle's summary from its improvements' results. Pure, for the cycle workflow.
import { OUTCOMES, type ImprovementResult, type Outcome } from '../types.js';
import type { CycleSummary, ImprovementBrief } from './types.js';

export function briefOf(result: ImprovementResult): ImprovementBrief {
  return {
    workflowId: result.workflowId,
    file: result.file,
    outcome: result.outcome,
    reason: result.reason.length > 500 ? `${result.reason.slice(0, 499)}…` : result.reason,
    findingsFixed: result.findingsFixed,
    linesAdded: result.linesAdded,
    linesRemoved: result.linesRemoved,
    ...(result.commit ? { commit: result.commit } : {}),
    ...(result.branch ? { branch: result.branch } : {}),
    ...(result.pullRequest ? { pullRequest: result.pullRequest } : {}),
  };
}

export function cycleSummary(cycleId: string, startedAt: string, finishedAt: string, results: readonly (ImprovementResult | ImprovementBrief)[]): CycleSummary {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const r of results) counts[r.outcome] += 1;
  const briefs = results.map((r) => ('steps' in r ? briefOf(r) : r));
  return { cycleId, startedAt, finishedAt, counts, results: briefs };
}
