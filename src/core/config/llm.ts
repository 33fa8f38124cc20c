// The `llm` section of kaizen.config.json: model, limits, repair attempts, prompt kinds and the
// daily cost caps. Every key has a default and a description (see config.ts).
import { z } from 'zod';
import { Duration } from './duration.js';


/** Where tests live by default (test.globs): llm-tests adds there, nothing else changes them. */
export const DEFAULT_TEST_GLOBS = ['**/*.test.*', '**/*.spec.*', '**/test/**', '**/tests/**', '**/__tests__/**'] as const;

export const Price = z
  .object({
    inputPerMTok: z.number().min(0).describe('US dollars per million prompt tokens'),
    outputPerMTok: z.number().min(0).describe('US dollars per million completion tokens'),
  })
  .strict();

export const Llm = z
  .object({
    model: z.string().optional().describe('model name; default: KAIZEN_MODEL or gpt-4o-mini'),
    maxAnswerKb: z.number().positive().default(200).describe('larger answers are rejected'),
    maxAnswerTokens: z
      .number()
      .int()
      .min(0)
      .default(8192)
      .describe('sent as max_completion_tokens, and the answer part of the cost estimate; 0: not sent (for servers that refuse it)'),
    timeout: Duration.default('2m').describe('time limit of one chat completion'),
    maxTotalTime: Duration.default('10m').describe('time limit of one generate step with all its retries (schedule-to-close)'),
    repairAttempts: z.number().int().min(0).max(5).default(1).describe('when verify fails, send the failure back to the model this many more times'),
    complexityThreshold: z.number().int().min(1).default(10).describe('llm-complexity: functions with a higher cyclomatic complexity are targets'),
    bigFileLines: z.number().int().min(20).default(400).describe('longer files are sent as the functions around the findings, with line numbers'),
    testGlobs: z.array(z.string().min(1)).min(1).optional().describe('deprecated: use test.globs (added to it when set)'),
    maxTokensPerDay: z.number().int().positive().optional().describe('LLM tokens per rolling 24 h; over it the LLM strategies pause (autofix continues)'),
    maxCostPerDay: z.number().positive().optional().describe('US dollars per rolling 24 h, priced with llm.prices'),
    prices: z.record(z.string().min(1), Price).default({}).describe('per model (or model prefix): { inputPerMTok, outputPerMTok } in US dollars'),
  })
  .strict();

export type LlmConfig = z.infer<typeof Llm>;
export type LlmPrice = z.infer<typeof Price>;
