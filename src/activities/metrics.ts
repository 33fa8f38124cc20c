// Kaizen's activity metrics, through the activity's metric meter (the worker's Prometheus
// endpoint). Outside a worker (unit tests, direct mode) there is no context: nothing is recorded.
import { KAIZEN_METRICS } from '../core/metrics.js';
import { activityContext } from './context.js';

export function recordLlmTokens(model: string, promptTokens: number, completionTokens: number): void {
  const meter = activityContext()?.metricMeter;
  if (!meter) return;
  const counter = meter.createCounter(KAIZEN_METRICS.llmTokens, undefined, 'LLM tokens used, by model and kind');
  if (promptTokens > 0) counter.add(promptTokens, { model, kind: 'prompt' });
  if (completionTokens > 0) counter.add(completionTokens, { model, kind: 'completion' });
}

export function recordTestDuration(phase: 'baseline' | 'verify', passed: boolean, durationMs: number): void {
  const meter = activityContext()?.metricMeter;
  if (!meter) return;
  meter
    .createHistogram(KAIZEN_METRICS.testDuration, 'int', 'ms', 'test command run time')
    .record(Math.max(0, Math.round(durationMs)), { phase, passed: String(passed) });
}
