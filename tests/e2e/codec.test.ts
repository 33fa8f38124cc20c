// Payload encryption end to end: a real improvement runs with KAIZEN_CODEC_KEY set, and the
// history as the Temporal server stores it (read by a client without the codec) holds none of
// the source text, while a client with the key reads the very same text back.
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/adapters/codec/codec.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { startKaizen, type E2eKaizen } from '../helpers/e2e.js';

const PLANTED = `KAIZEN_PLANTED_SECRET_${randomBytes(8).toString('hex')}`;
const CODEC_ENV = { KAIZEN_CODEC_KEY: randomBytes(32).toString('base64'), KAIZEN_CODEC_KEY_ID: 'e2e-key' };

type History = proto.temporal.api.history.v1.IHistory;

/** Every place the planted text shows up: strings, and bytes read as UTF-8 (payload data). */
function findPlanted(value: unknown, path = '$', found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes(PLANTED)) found.push(path);
  } else if (value instanceof Uint8Array) {
    if (Buffer.from(value).toString('utf8').includes(PLANTED) || Buffer.from(value).toString('latin1').includes(PLANTED)) found.push(path);
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) findPlanted(child, `${path}.${key}`, found);
  }
  return found;
}

/** The payloads in a history: objects carrying `metadata.encoding`. */
function collectPayloads(value: unknown, path = '$', out: { path: string; payload: Payload }[] = []): { path: string; payload: Payload }[] {
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const metadata = (value as Payload).metadata;
    if (metadata && typeof metadata === 'object' && metadata.encoding instanceof Uint8Array) out.push({ path, payload: value as Payload });
    else for (const [key, child] of Object.entries(value)) collectPayloads(child, `${path}.${key}`, out);
  }
  return out;
}

let kaizen: E2eKaizen;
let repo: TempRepo;

beforeAll(async () => {
  kaizen = await startKaizen('codec', CODEC_ENV);
  repo = createRepo({
    'package.json': JSON.stringify({ name: 'math', type: 'module', scripts: { test: 'node --test' } }),
    'kaizen.config.json': JSON.stringify({ recentChangeMinutes: 0 }),
    // The planted text sits on the line autofix rewrites, so it is in the diff and the result.
    'src/math.js': `export function add(a, b) {\n  var sum = a + b; // ${PLANTED}\n  return sum;\n}\n`,
    'test/math.test.js':
      "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/math.js';\n\ntest('adds', () => assert.equal(add(2, 3), 5));\n",
  });
});

afterAll(async () => {
  await kaizen?.close();
  repo?.cleanup();
});

describe('payload encryption (KAIZEN_CODEC_KEY)', () => {
  it('keeps planted source text out of the raw history; the key holder reads it back', async () => {
    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'autofix', mode: 'branch' });

    // Control: the run really carried the planted text (read through the codec).
    expect(result.outcome, result.reason).toBe('proposed');
    expect(result.diffExcerpt).toContain(PLANTED);

    // The history exactly as the server stores it, through a client that has no codec.
    const raw = new Client({ connection: kaizen.client.connection, namespace: kaizen.target.namespace });
    const history: History = await raw.workflow.getHandle(result.workflowId).fetchHistory();
    expect(history.events?.length).toBeGreaterThan(10);
    expect(findPlanted(history)).toEqual([]);
    const wire = Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish());
    expect(wire.includes(PLANTED)).toBe(false);

    // Every payload is ciphertext under our key id, but search attributes (the server must
    // index them; Kaizen puts only repo names and outcomes there) and patch markers (the SDK
    // writes a patched() marker's id itself, past the codec; it names Kaizen's code, nothing of the repo).
    const payloads = collectPayloads(history);
    const patchMarkers = payloads.filter(({ path }) => path.includes('.markerRecordedEventAttributes.details.patch-data.'));
    for (const { payload } of patchMarkers) expect(JSON.parse(Buffer.from(payload.data ?? []).toString())).toEqual({ id: expect.stringMatching(/^[a-z-]+$/), deprecated: false });
    const clear = payloads.filter(({ path, payload }) => !path.includes('.searchAttributes.') && !patchMarkers.some((m) => m.path === path) && Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCRYPTED_ENCODING);
    expect(clear.map((p) => p.path)).toEqual([]);
    expect(payloads.length).toBeGreaterThan(5);
    const encrypted = payloads.filter(({ payload }) => Buffer.from(payload.metadata?.encoding ?? []).toString() === ENCRYPTED_ENCODING);
    expect(new Set(encrypted.map(({ payload }) => Buffer.from(payload.metadata?.[KEY_ID_METADATA] ?? []).toString()))).toEqual(new Set(['e2e-key']));

    // Control for the search itself: decrypting the same raw payloads reveals the text.
    const decrypted = await createPayloadCodec(CODEC_ENV).decode(encrypted.map((p) => p.payload));
    expect(findPlanted(decrypted).length).toBeGreaterThan(0);

    // Without the key, the result cannot be read: a clear error names the key id.
    await expect(raw.workflow.getHandle(result.workflowId).result()).rejects.toThrow();
    const noKey = new Client({ connection: kaizen.client.connection, namespace: kaizen.target.namespace, dataConverter: { payloadCodecs: [createPayloadCodec({})] } });
    await expect(noKey.workflow.getHandle(result.workflowId).result()).rejects.toThrow(/key id 'e2e-key'/);
  });
});
