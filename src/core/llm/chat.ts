// One chat with a model: what Kaizen sends to an OpenAI-compatible endpoint and what comes back.

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** JSON schema the answer must follow (sent as a structured-output response format). */
  schema: { name: string; schema: Record<string, unknown> };
  timeoutMs: number;
  /** Answers longer than this many bytes are rejected without being parsed. */
  maxAnswerBytes: number;
  /** Sent as max_completion_tokens; 0 or absent: not sent. */
  maxAnswerTokens?: number;
  /** Aborts the request (activity cancellation). */
  signal?: AbortSignal;
}

export interface ChatAnswer {
  content: string;
  /** The model declined (structured-output `refusal`, or finish_reason content_filter). */
  refusal: string | null;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** The answer stopped at max_completion_tokens: its content is cut off. */
  truncated?: boolean;
}
