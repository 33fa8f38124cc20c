// The daily LLM caps (llm.maxTokensPerDay, llm.maxCostPerDay): prices, the estimate of the next
// call, and the governor's decisions on its rolling-24 h usage. Pure and workflow-safe: the
// governor holds an LlmBudgetState and calls these on each check, report and resume.
import type { LlmConfig, LlmPrice } from '../config/llm.js';

const DAY_MS = 86_400_000;
/** What a prompt adds to the file it shows: system rules, findings, test command, fences. */
export const PROMPT_OVERHEAD_CHARS = 4000;
/** Characters per token for the estimate (a common rule of thumb for code and English). */
export const CHARS_PER_TOKEN = 4;

export interface LlmLimits {
  maxTokensPerDay: number | null;
  maxCostPerDay: number | null;
}

export function llmLimits(llm: Pick<LlmConfig, 'maxTokensPerDay' | 'maxCostPerDay'>): LlmLimits {
  return { maxTokensPerDay: llm.maxTokensPerDay ?? null, maxCostPerDay: llm.maxCostPerDay ?? null };
}

export function hasLlmCap(limits: LlmLimits): boolean {
  return limits.maxTokensPerDay !== null || limits.maxCostPerDay !== null;
}

/** The price of `model`: an exact key, else the longest key the model name starts with (`gpt-4o-mini-2024-07-18`). */
export function priceOf(prices: Readonly<Record<string, LlmPrice>>, model: string): LlmPrice | null {
  const exact = prices[model];
  if (exact) return exact;
  const prefix = Object.keys(prices)
    .filter((key) => model.startsWith(key))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? null : (prices[prefix] ?? null);
}

/** US dollars, or null when the model has no price. */
export function costOf(prices: Readonly<Record<string, LlmPrice>>, model: string, promptTokens: number, completionTokens: number): number | null {
  const price = priceOf(prices, model);
  if (!price) return null;
  return (promptTokens * price.inputPerMTok + completionTokens * price.outputPerMTok) / 1_000_000;
}

export interface CallEstimate {
  tokens: number;
  costUsd: number | null;
}

/**
 * The most the next call may cost: the prompt (its characters / 4) plus the longest answer
 * allowed (llm.maxAnswerTokens, or maxAnswerKb / 4 when no token limit is sent).
 */
export function estimateCall(
  llm: Pick<LlmConfig, 'maxAnswerTokens' | 'maxAnswerKb' | 'prices'>,
  model: string,
  promptChars: number,
): CallEstimate {
  const promptTokens = Math.ceil((promptChars + PROMPT_OVERHEAD_CHARS) / CHARS_PER_TOKEN);
  const answerTokens = llm.maxAnswerTokens > 0 ? llm.maxAnswerTokens : Math.ceil((llm.maxAnswerKb * 1024) / CHARS_PER_TOKEN);
  return { tokens: promptTokens + answerTokens, costUsd: costOf(llm.prices, model, promptTokens, answerTokens) };
}

/** One call counted against the caps: an estimate reserved before it, the real usage after. */
export interface LlmUsageEntry {
  /** `<workflowId>#<attempt>`: a repeated check or report changes nothing. */
  key: string;
  at: number;
  tokens: number;
  costUsd: number | null;
  /** Still an estimate: the call has not reported its usage. */
  reserved: boolean;
}

export interface LlmBudgetState {
  usage: LlmUsageEntry[];
  /** Set when a check found the cap used: the LLM strategies wait until the cap is raised or resumed. */
  paused: { since: number; reason: string; limits: LlmLimits } | null;
  /** `kaizen resume REPO --llm` forgives what was spent before it: only later usage counts. */
  countFrom: number | null;
}

export function initialLlmBudget(): LlmBudgetState {
  return { usage: [], paused: null, countFrom: null };
}

export interface LlmCheckRequest {
  workflowId: string;
  attempt: number;
  model: string;
  estimate: CallEstimate;
  limits: LlmLimits;
  /** A reservation whose call never reports is dropped after this long. */
  leaseMs: number;
}

export type LlmCheckAnswer =
  | { ok: true }
  /** `newlyPaused`: this check paused the LLM strategies (the caller tells people once). */
  | { ok: false; kind: 'cap' | 'paused' | 'no_price'; reason: string; newlyPaused: boolean };

export interface LlmUsageReport {
  workflowId: string;
  attempt: number;
  model: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number | null;
}

/** Drops usage older than 24 h (or forgiven by a resume) and reservations whose call vanished. */
export function pruneLlmBudget(state: LlmBudgetState, now: number, leaseMs = DAY_MS): LlmBudgetState {
  const counts = (u: LlmUsageEntry) => u.at > now - DAY_MS && (state.countFrom === null || u.at >= state.countFrom);
  return { ...state, usage: state.usage.filter((u) => counts(u) && (!u.reserved || u.at + leaseMs > now)) };
}

export function usedInWindow(state: LlmBudgetState, now: number): { tokens: number; costUsd: number } {
  const counted = pruneLlmBudget(state, now).usage;
  return { tokens: counted.reduce((sum, u) => sum + u.tokens, 0), costUsd: counted.reduce((sum, u) => sum + (u.costUsd ?? 0), 0) };
}

/** Raised, or no longer set: a cap the user changed since the pause no longer holds the pause. */
export function raisedSince(now: LlmLimits, then: LlmLimits): boolean {
  const up = (a: number | null, b: number | null) => b !== null && (a === null || a > b);
  return up(now.maxTokensPerDay, then.maxTokensPerDay) || up(now.maxCostPerDay, then.maxCostPerDay);
}

/** May the next call run? Reserves its estimate when it may; pauses the LLM strategies when a cap is used up. */
export function decideLlmCall(state: LlmBudgetState, req: LlmCheckRequest, now: number, repo = 'REPO'): { state: LlmBudgetState; answer: LlmCheckAnswer } {
  let next = pruneLlmBudget(state, now, req.leaseMs);
  const key = `${req.workflowId}#${req.attempt}`;
  if (next.usage.some((u) => u.key === key)) return { state: next, answer: { ok: true } };
  if (next.paused && raisedSince(req.limits, next.paused.limits)) next = { ...next, paused: null };
  if (next.paused) return { state: next, answer: { ok: false, kind: 'paused', reason: next.paused.reason, newlyPaused: false } };

  const used = usedInWindow(next, now);
  const { maxTokensPerDay, maxCostPerDay } = req.limits;
  if (maxCostPerDay !== null && req.estimate.costUsd === null) {
    const reason = `llm.maxCostPerDay is set but llm.prices has no price for the model '${req.model}'; add "llm.prices": { "${req.model}": { "inputPerMTok": …, "outputPerMTok": … } } to kaizen.config.json`;
    return { state: next, answer: { ok: false, kind: 'no_price', reason, newlyPaused: false } };
  }
  let over: string | null = null;
  if (maxTokensPerDay !== null && used.tokens + req.estimate.tokens > maxTokensPerDay) {
    over = `the LLM token cap is reached: ${fmt(used.tokens)} of llm.maxTokensPerDay ${fmt(maxTokensPerDay)} tokens used in the last 24 h, and the next call may need up to ${fmt(req.estimate.tokens)}`;
  } else if (maxCostPerDay !== null && used.costUsd + (req.estimate.costUsd ?? 0) > maxCostPerDay) {
    over = `the LLM cost cap is reached: $${used.costUsd.toFixed(4)} of llm.maxCostPerDay $${maxCostPerDay} spent in the last 24 h, and the next call may cost up to $${(req.estimate.costUsd ?? 0).toFixed(4)}`;
  }
  if (over !== null) {
    const reason = `${over}. The LLM strategies are paused for this repository (autofix continues): raise the cap in kaizen.config.json, or run 'kaizen resume ${repo} --llm' to start counting again from now`;
    return { state: { ...next, paused: { since: now, reason, limits: req.limits } }, answer: { ok: false, kind: 'cap', reason, newlyPaused: true } };
  }
  const reservation: LlmUsageEntry = { key, at: now, tokens: req.estimate.tokens, costUsd: req.estimate.costUsd, reserved: true };
  return { state: { ...next, usage: [...next.usage, reservation] }, answer: { ok: true } };
}

/** The call's real usage replaces its reservation; a repeated report changes nothing. */
export function recordLlmUsage(state: LlmBudgetState, report: LlmUsageReport, now: number): LlmBudgetState {
  const key = `${report.workflowId}#${report.attempt}`;
  const existing = state.usage.find((u) => u.key === key);
  if (existing && !existing.reserved) return state;
  const entry: LlmUsageEntry = { key, at: existing?.at ?? now, tokens: report.promptTokens + report.completionTokens, costUsd: report.costUsd, reserved: false };
  return { ...state, usage: [...state.usage.filter((u) => u.key !== key), entry] };
}

/** Lifts the LLM pause; what was spent so far no longer counts against the caps. */
export function resumeLlm(state: LlmBudgetState, now: number): LlmBudgetState {
  return { ...state, paused: null, countFrom: now, usage: state.usage.filter((u) => u.at >= now) };
}

export interface LlmBudgetView {
  paused: { since: string; reason: string } | null;
  tokens24h: number;
  costUsd24h: number;
  calls24h: number;
  countingFrom: string | null;
}

export function llmBudgetView(state: LlmBudgetState, now: number): LlmBudgetView {
  const used = usedInWindow(state, now);
  return {
    paused: state.paused ? { since: new Date(state.paused.since).toISOString(), reason: state.paused.reason } : null,
    tokens24h: used.tokens,
    costUsd24h: Math.round(used.costUsd * 1e6) / 1e6,
    calls24h: pruneLlmBudget(state, now).usage.length,
    countingFrom: state.countFrom === null ? null : new Date(state.countFrom).toISOString(),
  };
}

function fmt(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
