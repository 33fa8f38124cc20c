// The HTTP side every forge fake shares: one server on 127.0.0.1:0 that serves git's smart
// HTTP next to the API (as GitLab, Gitea and GitHub Enterprise do), checks the token,
// validates each API request against the forge's OpenAPI description, injects the faults a
// test queued, and records everything. Each fake supplies its handlers and its error shapes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { TokenGrant } from '../remote-tokens.js';
import type { OpenApiValidator, ValidationIssue } from './openapi-validator.js';

export interface Reply {
  status: number;
  /** JSON, or a string sent as text/plain. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thrown by a handler to answer with a forge error (404, 405, 409, 422, …). */
export class ForgeHttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`forge answers ${reply.status}`);
  }
}

export interface ApiRequest {
  method: string;
  /** Path below the API root, without the query string. */
  path: string;
  operationId: string;
  /** Path parameters, decoded (`group/project`, `kaizen/fix-1`). */
  params: Record<string, string>;
  query: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  body: unknown;
  user: TokenGrant;
  token: string;
}

export type Handler = (request: ApiRequest) => Reply | Promise<Reply>;

export interface RecordedApiRequest {
  method: string;
  path: string;
  operationId?: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  status: number;
}

export interface InvalidRequest {
  method: string;
  path: string;
  /** validation: the description rejects it; unknown-route: the forge has no such route;
   * not-implemented: the forge has it, this fake does not (add a handler). */
  kind: 'validation' | 'unknown-route' | 'not-implemented';
  operationId?: string;
  issues: ValidationIssue[];
  body: unknown;
}

export interface InvalidResponse {
  operationId: string;
  status: number;
  issues: ValidationIssue[];
}

export interface ForgeFlavour {
  /** Prefix of every API path: '' (api.github.com), '/api/v3', '/api/v4', '/api/v1'. */
  apiRoot: string;
  /** The token in the request, by the forge's own rules; undefined when there is none. */
  tokenOf(req: IncomingMessage, url: URL): string | undefined;
  unauthorized(hadToken: boolean): Reply;
  notFound(): Reply;
  invalid(issues: ValidationIssue[], operationId?: string): Reply;
  /** Headers on every API answer (rate-limit counters). */
  commonHeaders?(): Record<string, string>;
}

export interface ForgeServerOptions {
  flavour: ForgeFlavour;
  validator: OpenApiValidator;
  handlers: Record<string, Handler>;
  lookupToken(token: string | undefined): TokenGrant | undefined;
  /** Serves git for the forge's repositories; returns false when not a git request. */
  git?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Check every answer against the documented response schema (slow: compiles big schemas). */
  validateResponses?: boolean;
}

export class ForgeServer {
  url = '';
  readonly requests: RecordedApiRequest[] = [];
  readonly invalidRequests: InvalidRequest[] = [];
  readonly invalidResponses: InvalidResponse[] = [];
  private readonly faults: Reply[] = [];
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(private readonly options: ForgeServerOptions) {}

  async start(): Promise<void> {
    await this.options.validator.init();
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `count` API requests answer `reply` instead of being served. */
  failNext(count: number, reply: Reply): void {
    for (let i = 0; i < count; i++) this.faults.push(reply);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.options.git?.(req, res)) return;
    const { flavour } = this.options;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const record: RecordedApiRequest = { method, path: url.pathname, headers: req.headers, body: undefined, status: 0 };
    this.requests.push(record);
    const send = (reply: Reply) => {
      record.status = reply.status;
      const headers = { ...flavour.commonHeaders?.(), ...reply.headers };
      if (reply.body === undefined) {
        res.writeHead(reply.status, headers).end();
      } else if (typeof reply.body === 'string') {
        res.writeHead(reply.status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(reply.body);
      } else {
        res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(reply.body));
      }
    };
    try {
      const raw = await readBody(req);
      if (!url.pathname.startsWith(`${flavour.apiRoot}/`)) return send(flavour.notFound());
      const path = url.pathname.slice(flavour.apiRoot.length);
      let body: unknown = undefined;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          this.invalidRequests.push({ method, path, kind: 'validation', issues: [{ at: '/requestBody', message: 'body is not JSON' }], body: raw });
          return send(flavour.invalid([{ at: '/requestBody', message: 'Problems parsing JSON' }]));
        }
      }
      record.body = body;
      const fault = this.faults.shift();
      if (fault) return send(fault);
      const token = flavour.tokenOf(req, url);
      const user = this.options.lookupToken(token);
      if (!user || !token) return send(flavour.unauthorized(token !== undefined));
      const match = this.options.validator.match({ method, path: `${path}${url.search}`, headers: req.headers, body });
      if (match.kind !== 'served') {
        const kind = match.kind === 'unknown' ? 'unknown-route' : 'not-implemented';
        const operationId = match.kind === 'unknown' ? undefined : match.operationId;
        this.invalidRequests.push({ method, path, kind, operationId, issues: [], body });
        return send(kind === 'unknown-route' ? flavour.notFound() : { status: 501, body: { message: `the test fake does not serve ${operationId} yet: add a handler` } });
      }
      record.operationId = match.operationId;
      if (match.issues.length > 0) {
        this.invalidRequests.push({ method, path, kind: 'validation', operationId: match.operationId, issues: match.issues, body });
        return send(flavour.invalid(match.issues, match.operationId));
      }
      const handler = this.options.handlers[match.operationId];
      if (!handler) throw new Error(`no handler for served operation ${match.operationId}`);
      let reply: Reply;
      try {
        reply = await handler({ method, path, operationId: match.operationId, params: match.params, query: match.query, headers: req.headers, body, user, token });
      } catch (error) {
        if (!(error instanceof ForgeHttpError)) throw error;
        reply = error.reply;
      }
      if (this.options.validateResponses && reply.body !== undefined) {
        const issues = this.options.validator.validateResponse(match.operationId, reply.status, reply.body);
        if (issues.length > 0) this.invalidResponses.push({ operationId: match.operationId, status: reply.status, issues });
      }
      return send(reply);
    } catch (error) {
      // A bug in the fake: answer 500 with the reason so the test output shows it.
      return send({ status: 500, body: { message: `forge fake failed: ${error instanceof Error ? error.stack : String(error)}` } });
    }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
}
