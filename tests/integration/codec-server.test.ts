// The codec server over real HTTP, called the way the Temporal Web UI calls it.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createPayloadCodec, ENCRYPTED_ENCODING } from '../../src/adapters/codec/codec.js';
import { startCodecServer, type CodecServer } from '../../src/adapters/codec/server.js';

const UI = 'http://localhost:8233';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
const env = { KAIZEN_CODEC_KEY: randomBytes(32).toString('base64'), KAIZEN_CODEC_KEY_ID: 'web' };

interface JsonPayloads {
  payloads: { metadata?: Record<string, string>; data?: string }[];
}

let server: CodecServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(authToken?: string): Promise<CodecServer> {
  server = await startCodecServer({ codec: createPayloadCodec(env), port: 0, corsOrigins: [UI], ...(authToken ? { authToken } : {}) });
  return server;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: UI, ...headers }, body: JSON.stringify(body) });
}

const plain: JsonPayloads = {
  payloads: [
    { metadata: { encoding: b64('json/plain') }, data: b64('{"diff":"- var x\\n+ const x // PLANTED"}') },
    { metadata: { encoding: b64('binary/null') } },
  ],
};

describe('kaizen codec-server', () => {
  it('encodes then decodes in the Web UI JSON shape (also under a namespace prefix)', async () => {
    const { url } = await start();
    const encodedRes = await post(`${url}/encode`, plain);
    expect(encodedRes.status).toBe(200);
    expect(encodedRes.headers.get('access-control-allow-origin')).toBe(UI);
    const encoded = (await encodedRes.json()) as JsonPayloads;
    expect(encoded.payloads).toHaveLength(2);
    expect(unb64(encoded.payloads[0]?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(unb64(encoded.payloads[0]?.metadata?.['encryption-key-id'])).toBe('web');
    expect(unb64(encoded.payloads[0]?.data)).not.toContain('PLANTED');

    const decodedRes = await post(`${url}/default/decode`, encoded);
    expect(decodedRes.status).toBe(200);
    const decoded = (await decodedRes.json()) as JsonPayloads;
    expect(unb64(decoded.payloads[0]?.metadata?.encoding)).toBe('json/plain');
    expect(unb64(decoded.payloads[0]?.data)).toContain('PLANTED');
    expect(unb64(decoded.payloads[1]?.metadata?.encoding)).toBe('binary/null');
    expect(decoded.payloads[1]?.data).toBe('');
  });

  it('answers the browser preflight for the Web UI origin only', async () => {
    const { url } = await start();
    const preflight = (origin: string) =>
      fetch(`${url}/decode`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
      });
    const ok = await preflight(UI);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ok.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toEqual(expect.stringContaining('x-namespace'));
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toEqual(expect.stringContaining('content-type'));
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('enforces KAIZEN_CODEC_AUTH_TOKEN when set', async () => {
    const { url } = await start('s3cret-token');
    expect((await post(`${url}/decode`, plain)).status).toBe(401);
    expect((await post(`${url}/decode`, plain, { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(`${url}/decode`, plain, { Authorization: 'Bearer s3cret-token' })).status).toBe(200);
    expect((await post(`${url}/decode`, plain, { Authorization: 's3cret-token' })).status).toBe(200);
  });

  it('refuses malformed requests and unknown routes clearly', async () => {
    const { url } = await start();
    expect((await post(`${url}/decode`, { nope: true })).status).toBe(400);
    expect((await fetch(`${url}/decode`, { method: 'POST', body: '{not json' })).status).toBe(400);
    expect((await fetch(`${url}/decode`)).status).toBe(405);
    expect((await post(`${url}/other`, plain)).status).toBe(404);
  });

  it('reports a payload it has no key for, without crashing', async () => {
    const { url } = await start();
    const foreign = createPayloadCodec({ KAIZEN_CODEC_KEY: randomBytes(32).toString('base64'), KAIZEN_CODEC_KEY_ID: 'elsewhere' });
    const [p] = await foreign.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('1') }]);
    const body = { payloads: [{ metadata: { encoding: b64(ENCRYPTED_ENCODING), 'encryption-key-id': b64('elsewhere') }, data: Buffer.from(p?.data ?? []).toString('base64') }] };
    const res = await post(`${url}/decode`, body);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toMatch(/key id 'elsewhere'/);
    expect((await post(`${url}/decode`, plain)).status).toBe(200);
  });
});
