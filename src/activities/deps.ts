// The small interfaces activities depend on. Only worker.ts builds the real ones; tests
// pass real or fake implementations to createActivities(deps).
import type { ImprovementResult } from '../core/types.js';

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
}

/** An OpenAI-compatible chat endpoint. */
export interface LlmClient {
  chat(request: ChatRequest): Promise<ChatAnswer>;
}

/** Builds an LlmClient from the environment when the llm strategy runs. */
export interface LlmProvider {
  /** Throws LlmNotConfiguredError when no key/endpoint is configured. */
  client(): LlmClient;
  defaultModel(): string;
}

export type NotificationEvent = { kind: 'improvement'; result: ImprovementResult; ledgerPath: string | null };

/** One channel that tells people (email, webhook, ...). The ledger is written separately. */
export interface Notifier {
  readonly id: string;
  send(event: NotificationEvent): Promise<void>;
}

export interface ActivityDeps {
  /** This worker's host-specific task queue: activities that touch a worktree run there. */
  hostQueue: string;
  /** Kaizen's install folder, home of the bundled ESLint and its default config. */
  kaizenHome: string;
  llm: LlmProvider;
  notifiers: Notifier[];
  /** Process environment used for child processes (tests pass a controlled one). */
  env: NodeJS.ProcessEnv;
}
