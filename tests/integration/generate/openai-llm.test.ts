import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiProvider } from '../../../src/adapters/openai-llm.js';
import type { ChatRequest } from '../../../src/core/llm/chat.js';
import { ErrorType, NON_RETRYABLE_TYPES } from '../../../src/core/errors.js';
import { LlmAnswerRejectedError, LlmNotConfiguredError, LlmRequestRejectedError, LlmUnavailableError } from '../../../src/core/llm/errors.js';
import { FIX_ANSWER_SCHEMA } from '../../../src/core/llm/prompt.js';
import { answerWithEdits, startScriptedOpenAi, type ScriptedOpenAi } from '../../helpers/scripted-openai.js';

let server: ScriptedOpenAi;

beforeEach(async () => {
  server = await startScriptedOpenAi();
});
afterEach(async () => {
  await server.close();
});

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'test-model',
    messages: [
      { role: 'system', content: 'answer with JSON' },
      { role: 'user', content: 'fix it' },
    ],
    schema: FIX_ANSWER_SCHEMA,
    timeoutMs: 5_000,
    maxAnswerBytes: 100_000,
    ...overrides,
  };
}

function client(env: NodeJS.ProcessEnv = {}) {
  return createOpenAiProvider({ OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-test-key', ...env }).client();
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

const EDITS = [{ path: 'a.js', search: 'let x = 1;', replace: 'const x = 1;' }];

describe('createOpenAiProvider', () => {
  it('refuses to build a client without a key or an endpoint, naming OPENAI_API_KEY', () => {
    const provider = createOpenAiProvider({});
    expect(() => provider.client()).toThrow(LlmNotConfiguredError);
    expect(() => provider.client()).toThrow(/OPENAI_API_KEY/);
  });

  it('defaults the model to gpt-4o-mini and honours KAIZEN_MODEL', () => {
    expect(createOpenAiProvider({}).defaultModel()).toBe('gpt-4o-mini');
    expect(createOpenAiProvider({ KAIZEN_MODEL: 'qwen2.5-coder' }).defaultModel()).toBe('qwen2.5-coder');
  });

  it('returns the content and token usage of a completion', async () => {
    server.enqueue({ ...answerWithEdits('Use const', EDITS), usage: { promptTokens: 1200, completionTokens: 80 } });
    const answer = await client().chat(request());
    expect(JSON.parse(answer.content)).toEqual({ summary: 'Use const', edits: EDITS });
    expect(answer).toMatchObject({ refusal: null, model: 'test-model', promptTokens: 1200, completionTokens: 80 });
  });

  it('sends the model, the messages and a strict json_schema response format with the key', async () => {
    server.enqueue(answerWithEdits('s', EDITS));
    await client().chat(request());
    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0];
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe('Bearer sk-test-key');
    expect(sent?.body).toMatchObject({
      model: 'test-model',
      messages: [
        { role: 'system', content: 'answer with JSON' },
        { role: 'user', content: 'fix it' },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: FIX_ANSWER_SCHEMA.name, schema: FIX_ANSWER_SCHEMA.schema, strict: true },
      },
    });
  });

  it("uses the key 'not-needed' for a local endpoint without a key", async () => {
    server.enqueue(answerWithEdits('s', EDITS));
    await createOpenAiProvider({ OPENAI_BASE_URL: server.baseUrl }).client().chat(request());
    expect(server.requests[0]?.headers.authorization).toBe('Bearer not-needed');
  });

  it('rides out a 429 with Retry-After', async () => {
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '0' } }, answerWithEdits('s', EDITS));
    const answer = await client().chat(request());
    expect(JSON.parse(answer.content)).toMatchObject({ summary: 's' });
    expect(server.requests).toHaveLength(2);
  });

  it('retries a reset connection', async () => {
    server.enqueue({ kind: 'reset' }, answerWithEdits('after reset', EDITS));
    const answer = await client().chat(request());
    expect(JSON.parse(answer.content)).toMatchObject({ summary: 'after reset' });
    expect(server.requests).toHaveLength(2);
  });

  it('gives up on a 500 storm with a retryable LlmUnavailableError', async () => {
    const storm = { kind: 'status', status: 500, headers: { 'retry-after': '0' } } as const;
    server.enqueue(storm, storm, storm);
    const err = await failure(client().chat(request()));
    expect(err).toBeInstanceOf(LlmUnavailableError);
    expect((err as LlmUnavailableError).status).toBe(500);
    expect(NON_RETRYABLE_TYPES).not.toContain((err as LlmUnavailableError).type);
    expect(server.requests).toHaveLength(3);
    expect(server.pending()).toBe(0);
  });

  it('fails at once on 401 with a permanent error naming OPENAI_API_KEY', async () => {
    server.enqueue({ kind: 'status', status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } } });
    const err = await failure(client().chat(request()));
    expect(err).toBeInstanceOf(LlmRequestRejectedError);
    expect(err.message).toMatch(/HTTP 401/);
    expect(err.message).toMatch(/OPENAI_API_KEY/);
    expect(err.message).toContain('Incorrect API key provided');
    expect(err.message).not.toContain('sk-test-key');
    expect(NON_RETRYABLE_TYPES).toContain(ErrorType.LlmRequestRejected);
    expect(server.requests).toHaveLength(1);
  });

  it('names KAIZEN_MODEL and OPENAI_BASE_URL on 404', async () => {
    server.enqueue({ kind: 'status', status: 404, body: { error: { message: 'model not found' } } });
    const err = await failure(client().chat(request()));
    expect(err).toBeInstanceOf(LlmRequestRejectedError);
    expect(err.message).toMatch(/KAIZEN_MODEL/);
    expect(err.message).toMatch(/OPENAI_BASE_URL/);
  });

  it('treats 400 as a permanent configuration problem', async () => {
    server.enqueue({ kind: 'status', status: 400, body: { error: { message: "response_format 'json_schema' is not supported" } } });
    const err = await failure(client().chat(request()));
    expect(err).toBeInstanceOf(LlmRequestRejectedError);
    expect((err as LlmRequestRejectedError).status).toBe(400);
    expect(err.message).toMatch(/structured outputs/);
    expect(server.requests).toHaveLength(1);
  });

  it('times out a hanging endpoint after its retries', async () => {
    server.enqueue({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const started = Date.now();
    const err = await failure(client().chat(request({ timeoutMs: 150 })));
    expect(err).toBeInstanceOf(LlmUnavailableError);
    expect(err.message).toMatch(/within 150 ms/);
    expect(err.message).toMatch(/llm\.timeout/);
    expect(server.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports a structured-output refusal', async () => {
    server.enqueue({ kind: 'refusal', refusal: "I can't help with that." });
    const answer = await client().chat(request());
    expect(answer.refusal).toBe("I can't help with that.");
  });

  it('reports a content-filter stop as a refusal', async () => {
    server.enqueue({ kind: 'content', content: '', finishReason: 'content_filter' });
    const answer = await client().chat(request());
    expect(answer.refusal).toMatch(/content filter/);
  });

  it('rejects an answer over maxAnswerBytes', async () => {
    server.enqueue(answerWithEdits('x'.repeat(5000), EDITS));
    const err = await failure(client().chat(request({ maxAnswerBytes: 1000 })));
    expect(err).toBeInstanceOf(LlmAnswerRejectedError);
    expect((err as LlmAnswerRejectedError).rejection).toBe('too_large');
  });

  it('sends max_completion_tokens when asked, and marks an answer that hit it as truncated', async () => {
    server.enqueue({ kind: 'content', content: '{"summary": "cut', finishReason: 'length' });
    const answer = await client().chat(request({ maxAnswerTokens: 500 }));
    expect(server.requests[0]?.body).toMatchObject({ max_completion_tokens: 500 });
    expect(answer.truncated).toBe(true);
  });

  it('keeps what an oversized answer cost on its rejection', async () => {
    server.enqueue({ ...answerWithEdits('x'.repeat(5000), EDITS), usage: { promptTokens: 700, completionTokens: 1500 } });
    const err = await failure(client().chat(request({ maxAnswerBytes: 1000 })));
    expect((err as LlmAnswerRejectedError).usage).toEqual({ model: 'test-model', promptTokens: 700, completionTokens: 1500 });
  });

  it('stops when the caller aborts', async () => {
    server.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const pending = client().chat(request({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const err = await failure(pending);
    expect(err).not.toBeInstanceOf(LlmUnavailableError);
    expect(err.message).toMatch(/aborted/i);
    expect(server.requests).toHaveLength(1);
  });
});
