import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CodecKeyError, loadCodecKeys } from '../../../src/adapters/codec/keys.js';

const key = (bytes = 32) => randomBytes(bytes).toString('base64');

describe('loadCodecKeys', () => {
  it('is off when no key is set (or it is blank)', () => {
    expect(loadCodecKeys({}).current).toBeUndefined();
    expect(loadCodecKeys({ KAIZEN_CODEC_KEY: '  ' }).current).toBeUndefined();
  });

  it("reads the current key under id 'default' unless KAIZEN_CODEC_KEY_ID names it", () => {
    const k = key();
    expect(loadCodecKeys({ KAIZEN_CODEC_KEY: k }).current?.id).toBe('default');
    const ring = loadCodecKeys({ KAIZEN_CODEC_KEY: ` ${k}\n`, KAIZEN_CODEC_KEY_ID: '2025-06' });
    expect(ring.current?.id).toBe('2025-06');
    expect(ring.current?.key.equals(Buffer.from(k, 'base64'))).toBe(true);
    expect([...ring.byId.keys()]).toEqual(['2025-06']);
  });

  it('adds old keys for decryption, separated by commas or whitespace', () => {
    const [a, b, c] = [key(), key(), key()];
    const ring = loadCodecKeys({ KAIZEN_CODEC_KEY: a, KAIZEN_CODEC_KEY_ID: 'k3', KAIZEN_CODEC_OLD_KEYS: `k2:${b}, k1:${c}\n` });
    expect(ring.current?.id).toBe('k3');
    expect([...ring.byId.keys()]).toEqual(['k3', 'k2', 'k1']);
    expect(ring.byId.get('k1')?.equals(Buffer.from(c as string, 'base64'))).toBe(true);
  });

  it.each([
    ['not base64', { KAIZEN_CODEC_KEY: 'this is not base64!' }, /KAIZEN_CODEC_KEY is not base64/],
    ['too short', { KAIZEN_CODEC_KEY: key(16) }, /KAIZEN_CODEC_KEY is 16 bytes long; AES-256 needs 32/],
    ['too long', { KAIZEN_CODEC_KEY: key(48) }, /48 bytes long/],
    ['a bad id', { KAIZEN_CODEC_KEY: key(), KAIZEN_CODEC_KEY_ID: 'no spaces' }, /KAIZEN_CODEC_KEY_ID: key id 'no spaces' is not valid/],
    ['an old key without id', { KAIZEN_CODEC_KEY: key(), KAIZEN_CODEC_OLD_KEYS: key() }, /entry 1 has no id/],
    ['a short old key', { KAIZEN_CODEC_KEY: key(), KAIZEN_CODEC_OLD_KEYS: `old:${key(31)}` }, /KAIZEN_CODEC_OLD_KEYS \(key 'old'\) is 31 bytes/],
    ['an id reused for another key', { KAIZEN_CODEC_KEY: key(), KAIZEN_CODEC_KEY_ID: 'k1', KAIZEN_CODEC_OLD_KEYS: `k1:${key()}` }, /'k1' is given twice/],
    ['old keys without a current key', { KAIZEN_CODEC_OLD_KEYS: `k1:${key()}` }, /KAIZEN_CODEC_OLD_KEYS is set but KAIZEN_CODEC_KEY is not/],
    ['a key id without a key', { KAIZEN_CODEC_KEY_ID: 'k1' }, /KAIZEN_CODEC_KEY_ID is set but KAIZEN_CODEC_KEY is not/],
  ])('rejects %s, naming the variable', (_name, env, message) => {
    expect(() => loadCodecKeys(env)).toThrow(CodecKeyError);
    expect(() => loadCodecKeys(env)).toThrow(message);
  });

  it('says how to make a key, and never echoes key material', () => {
    const secret = key(16);
    let error: unknown;
    try {
      loadCodecKeys({ KAIZEN_CODEC_KEY: key(), KAIZEN_CODEC_OLD_KEYS: `a:${secret},${secret}` });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CodecKeyError);
    const message = (error as Error).message;
    expect(message).toContain('openssl rand -base64 32');
    expect(message).toContain("randomBytes(32).toString('base64')");
    expect(message).not.toContain(secret);
  });
});
