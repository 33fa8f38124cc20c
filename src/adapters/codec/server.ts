// An HTTP server speaking Temporal's codec server protocol, so the Web UI (and
// `temporal --codec-endpoint`) can show decrypted payloads to those who run it with the key:
// POST …/encode and …/decode take and answer `{ "payloads": [...] }` in proto3 JSON form
// (metadata values and data base64). Only the last path segment counts, so the endpoints can
// be mounted under a prefix such as /{namespace}.
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';

export interface CodecServerOptions {
  codec: PayloadCodec;
  port: number;
  host?: string;
  /** Browser origins (the Web UI's) allowed to call the endpoints. */
  corsOrigins: string[];
  /** When set, requests must carry `Authorization: Bearer <token>` (or the bare token). */
  authToken?: string;
  /** Hears codec failures (never payload contents). */
  onError?: (message: string) => void;
}

export interface CodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

class BadRequest extends Error {}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof BadRequest) return send(res, 400, { error: message });
      options.onError?.(message);
      send(res, 422, { error: message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(options: CodecServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = req.headers.origin;
  if (origin !== undefined && options.corsOrigins.includes(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
    res.writeHead(204).end();
    return;
  }
  const path = new URL(req.url ?? '/', 'http://codec').pathname.replace(/\/+$/, '');
  const action = path.split('/').pop();
  if (action !== 'encode' && action !== 'decode') return send(res, 404, { error: 'Not found: POST /encode or /decode.' });
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST, OPTIONS');
    return send(res, 405, { error: 'Use POST.' });
  }
  if (options.authToken !== undefined && !authorized(req.headers.authorization, options.authToken)) {
    return send(res, 401, { error: 'Missing or wrong Authorization header.' });
  }
  const body = await readJson(req);
  const payloads = parsePayloads(body);
  const result = action === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
  send(res, 200, { payloads: result.map(toJson) });
}

function authorized(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const given = header.replace(/^Bearer\s+/i, '').trim();
  // Hashing first makes the comparison constant-time whatever the lengths.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`Request body over ${MAX_BODY_BYTES} bytes.`);
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BadRequest('The body is not JSON: expected { "payloads": [...] }.');
  }
}

function parsePayloads(body: unknown): Payload[] {
  const list = (body as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(list)) throw new BadRequest('Expected { "payloads": [...] }.');
  return list.map((item, i) => fromJson(item, i));
}

function fromJson(item: unknown, index: number): Payload {
  if (typeof item !== 'object' || item === null) throw new BadRequest(`payloads[${index}] is not an object.`);
  const { metadata, data } = item as JsonPayload;
  if (data !== undefined && data !== null && typeof data !== 'string') throw new BadRequest(`payloads[${index}].data must be base64 text.`);
  if (metadata !== undefined && metadata !== null && typeof metadata !== 'object') throw new BadRequest(`payloads[${index}].metadata must be an object.`);
  const entries = Object.entries(metadata ?? {}).map(([key, value]): [string, Uint8Array] => {
    if (typeof value !== 'string') throw new BadRequest(`payloads[${index}].metadata.${key} must be base64 text.`);
    return [key, Buffer.from(value, 'base64')];
  });
  return { metadata: Object.fromEntries(entries), data: Buffer.from(data ?? '', 'base64') };
}

function toJson(payload: Payload): JsonPayload {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
