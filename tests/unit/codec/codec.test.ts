import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it, vi } from 'vitest';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, ENCRYPTION_OFF_NOTICE, KEY_ID_METADATA, createPayloadCodec, loadDataConverter } from '../../../src/adapters/codec/codec.js';
import { loadCodecKeys } from '../../../src/adapters/codec/keys.js';

const key = () => randomBytes(32).toString('base64');
const SOURCE = 'export function add(a, b) { return a + b; } // PLANTED-SOURCE';
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

function payloads(): Payload[] {
  return [defaultPayloadConverter.toPayload({ file: 'src/math.js', content: SOURCE }), defaultPayloadConverter.toPayload(null), defaultPayloadConverter.toPayload(42)];
}

describe('AesGcmPayloadCodec', () => {
  const k1 = key();
  const codec = createPayloadCodec({ KAIZEN_CODEC_KEY: k1, KAIZEN_CODEC_KEY_ID: 'k1' });

  it('round-trips payloads, metadata included, and hides their content', async () => {
    const original = payloads();
    const encoded = await codec.encode(original);
    expect(encoded).toHaveLength(3);
    for (const p of encoded) {
      expect(text(p.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(p.metadata?.[KEY_ID_METADATA])).toBe('k1');
      expect(Object.keys(p.metadata ?? {}).sort()).toEqual(['encoding', KEY_ID_METADATA].sort());
      expect(text(p.data)).not.toContain('PLANTED-SOURCE');
      expect(text(p.data)).not.toContain('json/plain');
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([{ file: 'src/math.js', content: SOURCE }, null, 42]);
    expect(text(decoded[0]?.metadata?.encoding)).toBe('json/plain');
  });

  it('uses a fresh IV for every payload: the same input never encrypts the same way', async () => {
    const same = defaultPayloadConverter.toPayload(SOURCE);
    const [a, b] = await codec.encode([same, same]);
    expect(Buffer.from(a?.data ?? []).subarray(0, 12).equals(Buffer.from(b?.data ?? []).subarray(0, 12))).toBe(false);
    expect(Buffer.from(a?.data ?? []).equals(Buffer.from(b?.data ?? []))).toBe(false);
  });

  it('rejects altered ciphertext, IV or tag', async () => {
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(SOURCE)]);
    const data = Buffer.from(encoded?.data ?? []);
    for (const at of [0, 20, data.length - 1]) {
      const tampered = Buffer.from(data);
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      await expect(codec.decode([{ ...encoded, data: tampered }])).rejects.toThrow(/key id 'k1' does not decrypt: .*altered/);
    }
    await expect(codec.decode([{ ...encoded, data: data.subarray(0, 10) }])).rejects.toThrow(/truncated/);
  });

  it('authenticates the key id: relabelling a payload to another key fails', async () => {
    const both = createPayloadCodec({ KAIZEN_CODEC_KEY: k1, KAIZEN_CODEC_KEY_ID: 'k1', KAIZEN_CODEC_OLD_KEYS: `k0:${k1}` });
    const [encoded] = await both.encode([defaultPayloadConverter.toPayload(SOURCE)]);
    const relabelled = { ...encoded, metadata: { ...encoded?.metadata, [KEY_ID_METADATA]: Buffer.from('k0') } };
    await expect(both.decode([relabelled])).rejects.toThrow(/key id 'k0' does not decrypt/);
  });

  it('rotation: the newest key encrypts; old keys still decrypt what they wrote', async () => {
    const [old] = await codec.encode([defaultPayloadConverter.toPayload('written with k1')]);
    const rotated = createPayloadCodec({ KAIZEN_CODEC_KEY: key(), KAIZEN_CODEC_KEY_ID: 'k2', KAIZEN_CODEC_OLD_KEYS: `k1:${k1}` });
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload('written with k2')]);
    expect(text(fresh?.metadata?.[KEY_ID_METADATA])).toBe('k2');
    const decoded = await rotated.decode([old as Payload, fresh as Payload]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['written with k1', 'written with k2']);
    // The old codec alone cannot read the new key's payloads, and says which key is missing.
    await expect(codec.decode([fresh as Payload])).rejects.toThrow(/key id 'k2', which is not configured here: add it to KAIZEN_CODEC_OLD_KEYS as 'k2:<base64 key>'/);
  });

  it('names the missing key when no key is configured at all', async () => {
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(SOURCE)]);
    await expect(createPayloadCodec({}).decode([encoded as Payload])).rejects.toThrow(/key id 'k1'.*set KAIZEN_CODEC_KEY \(and KAIZEN_CODEC_KEY_ID=k1\)/);
  });

  it('passes unencrypted payloads through on decode (history from before encryption)', async () => {
    const plain = payloads();
    expect(await codec.decode(plain)).toEqual(plain);
  });

  it('without a key it encodes nothing: Kaizen runs as before', async () => {
    const off = new AesGcmPayloadCodec(loadCodecKeys({}));
    const plain = payloads();
    expect(off.encrypting).toBe(false);
    expect(await off.encode(plain)).toEqual(plain);
  });
});

describe('loadDataConverter', () => {
  it('announces "encryption off" exactly once when no key is set', () => {
    const notice = vi.fn();
    const converter = loadDataConverter({}, notice);
    expect(notice).toHaveBeenCalledTimes(1);
    expect(notice).toHaveBeenCalledWith(ENCRYPTION_OFF_NOTICE);
    expect(ENCRYPTION_OFF_NOTICE).toMatch(/^payload encryption off: set KAIZEN_CODEC_KEY/);
    expect(converter.payloadCodecs).toHaveLength(1);
  });

  it('is silent with a key, and fails loudly on a bad one', () => {
    const notice = vi.fn();
    const converter = loadDataConverter({ KAIZEN_CODEC_KEY: key() }, notice);
    expect(notice).not.toHaveBeenCalled();
    expect((converter.payloadCodecs?.[0] as AesGcmPayloadCodec).encrypting).toBe(true);
    expect(() => loadDataConverter({ KAIZEN_CODEC_KEY: 'short' }, notice)).toThrow(/KAIZEN_CODEC_KEY/);
  });
});
