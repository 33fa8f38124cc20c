// Names and histogram buckets of Kaizen's own metrics. They go through Temporal's metric
// meter, so they appear on the worker's Prometheus endpoint next to Temporal's worker
// metrics (which carry the `temporal_` prefix; these do not).
export const KAIZEN_METRICS = {
  /** Counter; tags outcome, strategy. One per finished improvement. */
  improvements: 'kaizen_improvements',
  /** Histogram, ms; tag step. Time spent in each saga step of an improvement. */
  stepDuration: 'kaizen_step_duration',
  /** Counter; tags model, kind = prompt | completion. */
  llmTokens: 'kaizen_llm_tokens',
  /** Histogram, ms; tags phase = baseline | verify, passed = true | false. Real runs only, not cache hits. */
  testDuration: 'kaizen_test_duration',
} as const;

/** Steps and test runs take seconds to tens of minutes; the default buckets stop at 10 s. */
const DURATION_BUCKETS_MS = [100, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];

export const KAIZEN_HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [KAIZEN_METRICS.stepDuration]: DURATION_BUCKETS_MS,
  [KAIZEN_METRICS.testDuration]: DURATION_BUCKETS_MS,
};
