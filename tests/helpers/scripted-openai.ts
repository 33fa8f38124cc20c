// A real OpenAI-compatible HTTP server whose answers a test scripts in advance, so tests
// drive the real `openai` client (retries, timeouts, headers) instead of a mock.
//
//   const llm = await startScriptedOpenAi();
//   llm.enqueue(answerWithEdits('Remove unused variable', [{ path: 'src/a.js', search: 'let x = 1;\n', replace: '' }]));
//   llm.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '0' } });
//   env.OPENAI_BASE_URL = llm.baseUrl;             // http://127.0.0.1:<port>/v1
//   ... llm.requests[0].body.model ...
//   await llm.close();
//
// Each POST {baseUrl}/chat/completions takes the next reply from the queue; with the queue
// empty it answers 500 'scripted server has no reply queued', so calling more often than a
// test expects fails loudly. GET {baseUrl}/models lists `scripted-model` (or what
// setModels() scripts: other ids, or any status such as 401). Any other route answers 404.
// Every request is recorded.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedEdit {
  path: string;
  search: string;
  replace: string;
}

/** Common to every reply: wait this long before answering. */
interface Delay {
  delayMs?: number;
}

export type ScriptedReply = Delay &
  (
    | {
        /** A successful completion whose message content is JSON.stringify(answer). */
        kind: 'answer';
        answer: unknown;
        usage?: { promptTokens: number; completionTokens: number };
        model?: string;
      }
    | {
        /** A successful completion with this exact content (e.g. malformed JSON). */
        kind: 'content';
        content: string;
        finishReason?: 'stop' | 'length' | 'content_filter';
      }
    /** A structured-output refusal: content null, message.refusal set. */
    | { kind: 'refusal'; refusal: string }
    /** An HTTP error (or any status) with an optional JSON or text body and headers. */
    | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
    /** Never answers; the connection stays open until close(). */
    | { kind: 'hang' }
    /** Destroys the socket without an answer (connection reset). */
    | { kind: 'reset' }
  );

/** A successful answer; spread it to add `usage`, `model` or `delayMs`. */
export type ScriptedAnswerReply = Extract<ScriptedReply, { kind: 'answer' }>;

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
}

export interface ScriptedOpenAi {
  /** `http://127.0.0.1:<port>/v1`, ready for OPENAI_BASE_URL. */
  baseUrl: string;
  enqueue(...replies: ScriptedReply[]): void;
  /** Every request received, in order (also those answered 404 or from an empty queue). */
  readonly requests: RecordedRequest[];
  /** Replies not used yet. */
  pending(): number;
  /** What GET /models answers from now on: these model ids, or a status reply (e.g. 401). */
  setModels(reply: string[] | Extract<ScriptedReply, { kind: 'status' }>): void;
  /** Stops the server and drops open connections (hung requests included). */
  close(): Promise<void>;
}

export const DEFAULT_USAGE = { promptTokens: 321, completionTokens: 54 };
export const NO_REPLY_QUEUED = 'scripted server has no reply queued';

/** The answer a well-behaved model gives: a summary and search/replace edits. */
export function answerWithEdits(summary: string, edits: ScriptedEdit[]): ScriptedAnswerReply {
  return { kind: 'answer', answer: { summary, edits } };
}

export async function startScriptedOpenAi(): Promise<ScriptedOpenAi> {
  const queue: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let completions = 0;
  let models: string[] | Extract<ScriptedReply, { kind: 'status' }> = ['scripted-model'];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = parseJson(text);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/v1/models') {
        if (Array.isArray(models)) sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'scripted' })) });
        else answer(res, models, '', 0);
        return;
      }
      if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/chat/completions') {
        sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
        return;
      }
      const reply = queue.shift();
      if (!reply) {
        sendJson(res, 500, { error: { message: NO_REPLY_QUEUED, type: 'server_error' } });
        return;
      }
      const respond = () => {
        completions += 1;
        answer(res, reply, requestedModel(body), completions);
      };
      if (reply.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          respond();
        }, reply.delayMs);
        timers.add(timer);
      } else {
        respond();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    requests,
    pending: () => queue.length,
    setModels: (reply) => {
      models = reply;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(res: ServerResponse, reply: ScriptedReply, model: string, n: number): void {
  switch (reply.kind) {
    case 'answer': {
      const usage = reply.usage ?? DEFAULT_USAGE;
      sendJson(res, 200, completion(n, reply.model ?? model, JSON.stringify(reply.answer), null, 'stop', usage));
      return;
    }
    case 'content':
      sendJson(res, 200, completion(n, model, reply.content, null, reply.finishReason ?? 'stop', DEFAULT_USAGE));
      return;
    case 'refusal':
      sendJson(res, 200, completion(n, model, null, reply.refusal, 'stop', DEFAULT_USAGE));
      return;
    case 'status': {
      const body = reply.body ?? { error: { message: `scripted HTTP ${reply.status}`, type: 'server_error', code: null } };
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(reply.status, {
        'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
        ...reply.headers,
      });
      res.end(text);
      return;
    }
    case 'hang':
      return;
    case 'reset':
      res.socket?.destroy();
      return;
  }
}

function completion(
  n: number,
  model: string,
  content: string | null,
  refusal: string | null,
  finishReason: string,
  usage: { promptTokens: number; completionTokens: number },
) {
  return {
    id: `chatcmpl-scripted-${n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal }, finish_reason: finishReason, logprobs: null }],
    usage: {
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      total_tokens: usage.promptTokens + usage.completionTokens,
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function requestedModel(body: unknown): string {
  const model = (body as { model?: unknown } | null)?.model;
  return typeof model === 'string' ? model : 'scripted-model';
}
