// The one module that imports `openai`: an LlmProvider for any OpenAI-compatible endpoint
// (OpenAI, Azure OpenAI v1, Ollama, vLLM, LM Studio ...). The SDK rides out 429/5xx and
// dropped connections itself, honouring Retry-After; what is left after its retries is
// either LlmUnavailableError (Temporal may retry later) or LlmRequestRejectedError (a
// configuration problem that retrying cannot fix).
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { LlmAnswerRejectedError, LlmNotConfiguredError, LlmRequestRejectedError, LlmUnavailableError } from '../core/llm/errors.js';
import type { LlmClient, LlmProvider } from '../contracts/ports.js';
import type { ChatAnswer, ChatRequest } from '../core/llm/chat.js';
import { llmSettings, type Environment } from '../core/config/environment.js';

export const DEFAULT_MODEL = 'gpt-4o-mini';
const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** Local servers (Ollama, vLLM) accept any key, but the SDK insists on one. */
const PLACEHOLDER_KEY = 'not-needed';
const SDK_RETRIES = 2;

export function createOpenAiProvider(env: Environment): LlmProvider {
  const settings = llmSettings(env);
  const { apiKey, baseUrl: baseURL } = settings;
  return {
    defaultModel: () => settings.model ?? DEFAULT_MODEL,
    client(): LlmClient {
      if (!apiKey && !baseURL) throw new LlmNotConfiguredError('OPENAI_API_KEY');
      // Every option is passed explicitly: the SDK would otherwise read process.env, not `env`.
      const sdk = new OpenAI({
        apiKey: apiKey ?? PLACEHOLDER_KEY,
        baseURL: baseURL ?? OPENAI_BASE_URL,
        organization: settings.organization ?? null,
        project: settings.project ?? null,
        webhookSecret: null,
        maxRetries: SDK_RETRIES,
        logLevel: 'off',
      });
      return { chat: (request) => chat(sdk, baseURL ?? OPENAI_BASE_URL, request) };
    },
  };
}

async function chat(sdk: OpenAI, endpoint: string, request: ChatRequest): Promise<ChatAnswer> {
  let completion: OpenAI.Chat.Completions.ChatCompletion;
  try {
    completion = await sdk.chat.completions.create(
      {
        model: request.model,
        messages: request.messages,
        response_format: {
          type: 'json_schema',
          json_schema: { name: request.schema.name, schema: request.schema.schema, strict: true },
        },
        ...(request.maxAnswerTokens ? { max_completion_tokens: request.maxAnswerTokens } : {}),
      },
      { timeout: request.timeoutMs, maxRetries: SDK_RETRIES, ...(request.signal ? { signal: request.signal } : {}) },
    );
  } catch (err) {
    throw translateError(err, endpoint, request);
  }

  const choice = completion.choices[0];
  const content = choice?.message.content ?? '';
  const model = completion.model || request.model;
  const promptTokens = completion.usage?.prompt_tokens ?? 0;
  const completionTokens = completion.usage?.completion_tokens ?? 0;
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > request.maxAnswerBytes) {
    throw new LlmAnswerRejectedError(
      'too_large',
      `the answer has ${bytes} bytes, more than the limit of ${request.maxAnswerBytes}; raise llm.maxAnswerKb in kaizen.config.json if such answers are expected`,
      { model, promptTokens, completionTokens },
    );
  }
  let refusal = choice?.message.refusal ?? null;
  if (refusal === null && choice?.finish_reason === 'content_filter') {
    refusal = "the endpoint's content filter stopped the answer";
  }
  return { content, refusal, model, promptTokens, completionTokens, ...(choice?.finish_reason === 'length' ? { truncated: true } : {}) };
}

function translateError(err: unknown, endpoint: string, request: ChatRequest): unknown {
  // Cancellation is not a failure of the endpoint: let the activity see it as it is.
  if (err instanceof APIUserAbortError) return err;
  const attempts = `${SDK_RETRIES + 1} attempts`;
  if (err instanceof APIConnectionTimeoutError) {
    return new LlmUnavailableError(
      null,
      `no answer from ${endpoint} within ${request.timeoutMs} ms (${attempts}); raise llm.timeout in kaizen.config.json or check that the server at OPENAI_BASE_URL is up`,
    );
  }
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return new LlmUnavailableError(
      null,
      `could not reach ${endpoint} (${attempts})${cause}; check OPENAI_BASE_URL and the network`,
    );
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const said = serverMessage(err);
    if (status === 401 || status === 403) {
      return new LlmRequestRejectedError(
        status,
        `${endpoint} did not accept the credentials${said}. Check OPENAI_API_KEY (and that OPENAI_BASE_URL is the endpoint the key belongs to).`,
      );
    }
    if (status === 404) {
      return new LlmRequestRejectedError(
        status,
        `${endpoint} has no model '${request.model}' or no chat completions API${said}. Check KAIZEN_MODEL (or llm.model in kaizen.config.json) and OPENAI_BASE_URL (it usually ends in /v1).`,
      );
    }
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      return new LlmUnavailableError(status, `${endpoint} kept failing (${attempts})${said}; Kaizen will try again later`);
    }
    return new LlmRequestRejectedError(
      status,
      `${endpoint} refused the request as invalid${said}. Check that KAIZEN_MODEL '${request.model}' supports structured outputs (response_format json_schema) and that OPENAI_BASE_URL points at an OpenAI-compatible API` +
        (request.maxAnswerTokens ? '; a server that does not take max_completion_tokens needs "llm.maxAnswerTokens": 0.' : '.'),
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new LlmUnavailableError(null, `unexpected answer from ${endpoint}: ${message.slice(0, 300)}`);
}

function serverMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' ? body.message : '';
  return text ? ` ("${text.slice(0, 200)}")` : '';
}

export type LlmEndpointCheck =
  | { kind: 'not_configured' }
  /** `modelListed` is null when the endpoint's list could not be read as one. */
  | { kind: 'ok'; endpoint: string; model: string; modelCount: number | null; modelListed: boolean | null }
  | { kind: 'unauthorized'; endpoint: string; status: number; message: string }
  | { kind: 'http_error'; endpoint: string; status: number; message: string }
  | { kind: 'unreachable'; endpoint: string; message: string };

/** `GET {base}/models` with the configured key (for `kaizen doctor`); never throws. */
export async function checkLlmEndpoint(env: Environment, timeoutMs = 5_000): Promise<LlmEndpointCheck> {
  const { apiKey, baseUrl, model: configuredModel } = llmSettings(env);
  if (!apiKey && !baseUrl) return { kind: 'not_configured' };
  const endpoint = (baseUrl ?? OPENAI_BASE_URL).replace(/\/+$/, '');
  const model = configuredModel ?? DEFAULT_MODEL;
  let response: Response;
  try {
    response = await fetch(`${endpoint}/models`, {
      headers: { accept: 'application/json', authorization: `Bearer ${apiKey ?? PLACEHOLDER_KEY}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    return { kind: 'unreachable', endpoint, message: timedOut ? `no answer within ${timeoutMs} ms` : `${err instanceof Error ? err.message : String(err)}${cause}` };
  }
  const text = await response.text().catch(() => '');
  if (response.status === 401 || response.status === 403) return { kind: 'unauthorized', endpoint, status: response.status, message: errorText(text) };
  if (!response.ok) return { kind: 'http_error', endpoint, status: response.status, message: errorText(text) };
  const ids = modelIds(text);
  return { kind: 'ok', endpoint, model, modelCount: ids?.length ?? null, modelListed: ids ? ids.includes(model) : null };
}

function modelIds(text: string): string[] | null {
  try {
    const data = (JSON.parse(text) as { data?: unknown }).data;
    if (!Array.isArray(data)) return null;
    return data.map((m: unknown) => (m as { id?: unknown }).id).filter((id): id is string => typeof id === 'string');
  } catch {
    return null;
  }
}

function errorText(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string') return message.slice(0, 200);
  } catch {
    // Not JSON: show the start of the text.
  }
  return text.trim().slice(0, 200);
}
