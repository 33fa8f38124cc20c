// Kaizen's workflow metrics, emitted once when an improvement is finished. The workflow
// metric meter skips emission while replaying, so a run is counted once.
import { metricMeter } from '@temporalio/workflow';
import { KAIZEN_METRICS } from '../../core/metrics.js';
import type { ImprovementResult, StepName } from '../../core/types.js';

export function recordImprovementMetrics(result: ImprovementResult): void {
  metricMeter
    .createCounter(KAIZEN_METRICS.improvements, undefined, 'finished improvements by outcome and strategy')
    .add(1, { outcome: result.outcome, strategy: result.strategy });
  // A step may run several activities (verify: tests, then the findings gate): one sample per step.
  const perStep = new Map<StepName, number>();
  for (const timing of result.steps) perStep.set(timing.step, (perStep.get(timing.step) ?? 0) + timing.durationMs);
  const histogram = metricMeter.createHistogram(KAIZEN_METRICS.stepDuration, 'int', 'ms', 'time spent in each step of an improvement');
  for (const [step, ms] of perStep) histogram.record(Math.max(0, Math.round(ms)), { step });
}
