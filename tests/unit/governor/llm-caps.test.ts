import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/core/config/config.js';
import { handleLlmCheck, handleLlmResume, handleLlmUsage } from '../../../src/core/governor/llm-caps.js';
import { governorView, handleSlotRequest, initialState, normaliseState, pruneState } from '../../../src/core/governor/state.js';
import { seededRandom } from '../../../src/core/governor/learner.js';
import {
  costOf,
  decideLlmCall,
  estimateCall,
  initialLlmBudget,
  priceOf,
  recordLlmUsage,
  resumeLlm,
  type LlmCheckRequest,
  type LlmLimits,
} from '../../../src/core/llm/budget.js';

const T0 = Date.parse('2025-03-01T00:00:00Z');
const HOUR = 3_600_000;
const PRICES = { 'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 }, 'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 } };
const TOKENS: LlmLimits = { maxTokensPerDay: 20_000, maxCostPerDay: null };

function check(workflowId: string, tokens: number, limits: LlmLimits = TOKENS, costUsd: number | null = null, attempt = 1): LlmCheckRequest {
  return { workflowId, attempt, model: 'gpt-4o-mini', estimate: { tokens, costUsd }, limits, leaseMs: HOUR };
}

function used(workflowId: string, tokens: number, costUsd: number | null = null, attempt = 1) {
  return { workflowId, attempt, model: 'gpt-4o-mini', promptTokens: tokens - 100, completionTokens: 100, costUsd };
}

describe('prices and estimates', () => {
  it('prices a dated model name by the longest matching prefix', () => {
    expect(priceOf(PRICES, 'gpt-4o-mini-2024-07-18')).toEqual(PRICES['gpt-4o-mini']);
    expect(priceOf(PRICES, 'gpt-4o-2024-08-06')).toEqual(PRICES['gpt-4o']);
    expect(priceOf(PRICES, 'llama3')).toBeNull();
    expect(costOf(PRICES, 'gpt-4o', 1_000_000, 100_000)).toBeCloseTo(3.5);
  });

  it('estimates the prompt as characters / 4 (plus the instructions) and the answer at its limit', () => {
    const llm = Config.parse({ llm: { maxAnswerTokens: 2000, prices: PRICES } }).llm;
    const estimate = estimateCall(llm, 'gpt-4o-mini', 12_000);
    expect(estimate.tokens).toBe((12_000 + 4000) / 4 + 2000);
    expect(estimate.costUsd).toBeCloseTo((4000 * 0.15 + 2000 * 0.6) / 1e6);
    const unlimited = Config.parse({ llm: { maxAnswerTokens: 0, maxAnswerKb: 8 } }).llm;
    expect(estimateCall(unlimited, 'm', 0)).toEqual({ tokens: 1000 + 2048, costUsd: null });
  });
});

describe('the daily caps', () => {
  it('reserves calls that fit, so two calls at once cannot overshoot together', () => {
    let state = decideLlmCall(initialLlmBudget(), check('w1', 12_000), T0).state;
    const second = decideLlmCall(state, check('w2', 12_000), T0 + 1000);
    expect(second.answer).toMatchObject({ ok: false, kind: 'cap', newlyPaused: true });
    state = decideLlmCall(state, check('w1', 12_000), T0 + 2000).state;
    expect(state.usage).toHaveLength(1);
  });

  it('replaces a reservation with the real usage, once', () => {
    let state = decideLlmCall(initialLlmBudget(), check('w1', 12_000), T0).state;
    state = recordLlmUsage(state, used('w1', 3000), T0 + 60_000);
    state = recordLlmUsage(state, used('w1', 9999), T0 + 70_000);
    expect(state.usage).toEqual([{ key: 'w1#1', at: T0, tokens: 3000, costUsd: null, reserved: false }]);
    expect(decideLlmCall(state, check('w2', 12_000), T0 + HOUR).answer).toEqual({ ok: true });
  });

  it('pauses when the next call would exceed the token cap, names the fix, and stays paused', () => {
    let state = recordLlmUsage(initialLlmBudget(), used('w1', 15_000), T0);
    const over = decideLlmCall(state, check('w2', 6000), T0 + HOUR, '/repos/app');
    expect(over.answer).toMatchObject({ ok: false, kind: 'cap', newlyPaused: true });
    const reason = over.answer.ok ? '' : over.answer.reason;
    expect(reason).toContain('15,000 of llm.maxTokensPerDay 20,000 tokens used in the last 24 h');
    expect(reason).toContain('autofix continues');
    expect(reason).toContain("'kaizen resume /repos/app --llm'");
    state = over.state;
    // A small call that would fit is still refused: the pause holds until raised or resumed.
    expect(decideLlmCall(state, check('w3', 100), T0 + 2 * HOUR).answer).toMatchObject({ ok: false, kind: 'paused', newlyPaused: false });
  });

  it('lets the next call through once the cap is raised', () => {
    const paused = decideLlmCall(recordLlmUsage(initialLlmBudget(), used('w1', 15_000), T0), check('w2', 6000), T0).state;
    const raised = decideLlmCall(paused, check('w3', 6000, { maxTokensPerDay: 50_000, maxCostPerDay: null }), T0 + 1000);
    expect(raised.answer).toEqual({ ok: true });
    expect(raised.state.paused).toBeNull();
  });

  it('forgets usage older than 24 h', () => {
    const state = recordLlmUsage(initialLlmBudget(), used('w1', 15_000), T0);
    expect(decideLlmCall(state, check('w2', 6000), T0 + 24 * HOUR + 1).answer).toEqual({ ok: true });
  });

  it('counts afresh from a resume', () => {
    const paused = decideLlmCall(recordLlmUsage(initialLlmBudget(), used('w1', 15_000), T0), check('w2', 6000), T0).state;
    const resumed = resumeLlm(paused, T0 + HOUR);
    expect(resumed.paused).toBeNull();
    expect(decideLlmCall(resumed, check('w3', 6000), T0 + HOUR).answer).toEqual({ ok: true });
  });

  it('caps cost with the prices, and refuses (without pausing) a model that has no price', () => {
    const limits: LlmLimits = { maxTokensPerDay: null, maxCostPerDay: 0.5 };
    const state = recordLlmUsage(initialLlmBudget(), used('w1', 1000, 0.45), T0);
    expect(decideLlmCall(state, check('w2', 1000, limits, 0.04), T0).answer).toEqual({ ok: true });
    expect(decideLlmCall(state, check('w2', 1000, limits, 0.06), T0).answer).toMatchObject({ ok: false, kind: 'cap' });
    const noPrice = decideLlmCall(state, check('w2', 1000, limits, null), T0);
    expect(noPrice.answer).toMatchObject({ ok: false, kind: 'no_price', newlyPaused: false });
    expect(noPrice.answer.ok ? '' : noPrice.answer.reason).toMatch(/llm\.prices has no price for the model 'gpt-4o-mini'/);
    expect(noPrice.state.paused).toBeNull();
  });
});

describe('the governor and the LLM pause', () => {
  const LIMITS = { maxPerDay: 100, maxPerFilePerDay: 100, minIntervalMinutes: 0, maxConcurrent: 100 };
  const slot = (workflowId: string, family: string, fixable: boolean) => ({
    workflowId,
    requestedBy: 'cycle',
    file: 'a.js',
    family,
    fixable,
    strategies: ['autofix', 'llm'] as ('autofix' | 'llm')[],
    limits: LIMITS,
    enforceBudget: true,
    leaseMs: HOUR,
  });

  it('keeps granting autofix while the LLM strategies are paused, and shows the pause', () => {
    let state = handleLlmUsage(initialState('/r'), used('w1', 15_000), T0);
    state = handleLlmCheck(state, check('w2', 6000), T0).state;
    const autofix = handleSlotRequest(state, slot('c1', 'no-var', true), T0, seededRandom(1));
    expect(autofix.answer).toMatchObject({ granted: true, strategy: 'autofix' });
    const llmOnly = handleSlotRequest(state, slot('c2', 'no-undef', false), T0, seededRandom(1));
    expect(llmOnly.answer).toMatchObject({ granted: false, kind: 'no_strategy' });
    expect(llmOnly.answer.granted ? '' : llmOnly.answer.reason).toMatch(/LLM strategies are paused by a cost cap/);
    expect(governorView(state, T0).llm).toMatchObject({ tokens24h: 15_000, calls24h: 1, paused: { since: new Date(T0).toISOString() } });

    // A cycle whose config now has a higher cap may choose an LLM strategy again.
    const raised = { ...slot('c4', 'no-undef', false), llmLimits: { maxTokensPerDay: 50_000, maxCostPerDay: null } };
    expect(handleSlotRequest(state, raised, T0, seededRandom(1)).answer).toMatchObject({ granted: true, strategy: 'llm' });

    const resumed = handleLlmResume(state, T0 + 1000);
    expect(handleSlotRequest(resumed, slot('c3', 'no-undef', false), T0 + 1000, seededRandom(1)).answer).toMatchObject({ granted: true, strategy: 'llm' });
  });

  it('carries the LLM state through continue-as-new', () => {
    const state = handleLlmCheck(handleLlmUsage(initialState('/r'), used('w1', 15_000), T0), check('w2', 6000), T0).state;
    const carried = normaliseState(JSON.parse(JSON.stringify(pruneState(state, T0 + HOUR))), '/r');
    expect(carried.llm?.paused?.since).toBe(T0);
    expect(carried.llm?.usage.map((u) => u.tokens)).toEqual([15_000]);
    expect(normaliseState({ version: 1 }, '/r').llm).toBeUndefined();
  });
});
