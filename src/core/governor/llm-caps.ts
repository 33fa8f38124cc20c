// The governor's side of the LLM caps: the checks before each call, the usage reports after,
// the LLM pause and its resume, on the governor's state. Pure (see core/llm/budget.ts for the rules).
import type { GovernorState } from './protocol.js';
import {
  decideLlmCall,
  initialLlmBudget,
  llmBudgetView,
  pruneLlmBudget,
  raisedSince,
  recordLlmUsage,
  resumeLlm,
  type LlmBudgetState,
  type LlmBudgetView,
  type LlmCheckAnswer,
  type LlmCheckRequest,
  type LlmLimits,
  type LlmUsageReport,
} from '../llm/budget.js';
import { isLlmStrategy } from '../llm/kinds.js';
import type { Strategy } from '../types.js';

export function llmBudgetOf(state: GovernorState): LlmBudgetState {
  return state.llm ?? initialLlmBudget();
}

export function handleLlmCheck(state: GovernorState, req: LlmCheckRequest, now: number): { state: GovernorState; answer: LlmCheckAnswer } {
  const { state: llm, answer } = decideLlmCall(llmBudgetOf(state), req, now, state.repoPath);
  return { state: { ...state, llm }, answer };
}

export function handleLlmUsage(state: GovernorState, report: LlmUsageReport, now: number): GovernorState {
  return { ...state, llm: recordLlmUsage(llmBudgetOf(state), report, now) };
}

/** `kaizen resume REPO --llm`: the LLM strategies run again, counting usage from now. */
export function handleLlmResume(state: GovernorState, now: number): GovernorState {
  return { ...state, llm: resumeLlm(llmBudgetOf(state), now) };
}

/** Paused by a cap, unless `limits` (the repo's config now) raised that cap since. */
export function llmPaused(state: GovernorState, limits?: LlmLimits): boolean {
  const paused = state.llm?.paused;
  if (!paused) return false;
  return !(limits && raisedSince(limits, paused.limits));
}

/** The strategies a new slot may use now: none of the LLM ones while a cap pauses them. */
export function strategiesAllowedNow(state: GovernorState, strategies: readonly Strategy[], limits?: LlmLimits): Strategy[] {
  return llmPaused(state, limits) ? strategies.filter((s) => !isLlmStrategy(s)) : [...strategies];
}

export function pruneLlm(state: GovernorState, now: number): GovernorState {
  return state.llm ? { ...state, llm: pruneLlmBudget(state.llm, now) } : state;
}

/** A carried-over state's LLM part, with defaults for anything missing or malformed. */
export function normaliseLlm(raw: unknown): LlmBudgetState | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const s = raw as Partial<LlmBudgetState>;
  return {
    usage: Array.isArray(s.usage) ? s.usage.filter((u) => typeof u?.key === 'string' && typeof u.at === 'number') : [],
    paused: s.paused && typeof s.paused.since === 'number' ? s.paused : null,
    countFrom: typeof s.countFrom === 'number' ? s.countFrom : null,
  };
}

export function llmView(state: GovernorState, now: number): LlmBudgetView {
  return llmBudgetView(llmBudgetOf(state), now);
}
