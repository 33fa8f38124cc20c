// What can go wrong asking the LLM for a change: no endpoint configured, an endpoint that fails
// or refuses the request, and an answer Kaizen refuses (with what it cost, and for a repairable
// refusal what it changed, so a repair try can be shown it). Types in core/errors.ts.
import { ErrorType, KaizenError } from '../errors.js';

export class LlmNotConfiguredError extends KaizenError {
  readonly type = ErrorType.LlmNotConfigured;
  constructor(readonly missing: string) {
    super(`The llm strategy needs ${missing}. Set OPENAI_API_KEY (and OPENAI_BASE_URL for Azure, Ollama or vLLM), or use --strategy autofix.`);
  }
}

export type LlmRejection =
  | 'malformed_json'
  | 'schema'
  | 'other_file'
  | 'path_outside_repo'
  | 'excluded_file'
  | 'search_not_found'
  | 'search_ambiguous'
  | 'too_large'
  | 'does_not_parse'
  | 'refusal'
  | 'no_change'
  /** The answer dropped, copied, moved or invented a secret placeholder. */
  | 'secret_placeholder_changed'
  /** The change edits code outside every targeted finding's scope (or a test file): the change contract. */
  | 'out_of_scope';

/** Rejections worth a repair try: the model is told what was refused and answers again. */
export const REPAIRABLE_REJECTIONS: readonly LlmRejection[] = ['out_of_scope'];

/** What a repair try is shown of a refused answer (placeholders only, never secrets). */
export interface RefusedAnswer {
  summary: string;
  diffExcerpt: string;
}

/** What a rejected answer cost: it was paid for, so the cost caps count it. */
export interface RejectedAnswerUsage {
  model: string;
  promptTokens: number;
  completionTokens: number;
  promptVersion?: string;
  costUsd?: number;
  cached?: boolean;
}

export class LlmAnswerRejectedError extends KaizenError {
  readonly type = ErrorType.LlmAnswerRejected;
  constructor(
    readonly rejection: LlmRejection,
    detail: string,
    /** Set by whoever knows what the answer cost (the adapter, then generate). */
    public usage?: RejectedAnswerUsage,
    /** For a repairable rejection: what the answer changed, for the repair prompt. */
    readonly refused?: RefusedAnswer,
  ) {
    super(`LLM answer rejected (${rejection}): ${detail}`);
  }
  override details() {
    return { rejection: this.rejection, ...(this.usage ? { usage: this.usage } : {}), ...(this.refused ? { refused: this.refused } : {}) };
  }
}

export class LlmUnavailableError extends KaizenError {
  readonly type = ErrorType.LlmUnavailable;
  constructor(
    readonly status: number | null,
    detail: string,
  ) {
    super(`The LLM endpoint failed${status ? ` with HTTP ${status}` : ''}: ${detail}`);
  }
}

/** The endpoint refused the request itself (HTTP 400/401/403/404...): configuration, not luck. */
export class LlmRequestRejectedError extends KaizenError {
  readonly type = ErrorType.LlmRequestRejected;
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`The LLM endpoint rejected the request with HTTP ${status}: ${detail}`);
  }
  override details() {
    return { status: this.status };
  }
}
