// The config's shared building blocks for time: a duration as written ("90s", "10m", "6h",
// "1d") and the retry policy shape the steps and the notification channels both use.
import { z } from 'zod';
import { DURATION_PATTERN } from '../duration.js';

export const Duration = z.string().regex(DURATION_PATTERN, 'expected a duration like "90s", "10m", "6h" or "1d"');

/** A retry policy with these defaults; `attemptsAre` says what one attempt is in the description. */
export function retryPolicy(defaults: { maximumAttempts: number; initialInterval: string }, attemptsAre: string) {
  return z
    .object({
      maximumAttempts: z.number().int().min(1).max(20).default(defaults.maximumAttempts).describe(attemptsAre),
      initialInterval: Duration.default(defaults.initialInterval).describe('wait before the first retry'),
      backoffCoefficient: z.number().min(1).max(10).default(2).describe('each wait is this many times the last'),
      maximumInterval: Duration.default('1m').describe('longest wait between attempts'),
    })
    .strict();
}
