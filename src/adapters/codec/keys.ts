// The payload codec's keys, read from the environment:
//   KAIZEN_CODEC_KEY       the current key (32 random bytes, base64): it encrypts, and decrypts
//   KAIZEN_CODEC_KEY_ID    its id, stored with every payload it encrypts (default 'default')
//   KAIZEN_CODEC_OLD_KEYS  retired keys that still decrypt: 'id1:base64,id2:base64'
// No KAIZEN_CODEC_KEY means encryption is off; anything malformed is an error, never "off".
import { codecSettings } from '../../core/config/environment.js';

export const KEY_BYTES = 32;
export const DEFAULT_KEY_ID = 'default';
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const MAKE_A_KEY =
  `Make one with: openssl rand -base64 32\n` + `  (or: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")`;

export class CodecKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecKeyInvalid';
  }
}

export interface CodecKey {
  id: string;
  key: Buffer;
}

export interface CodecKeyring {
  /** Encrypts new payloads; undefined when encryption is off. */
  current: CodecKey | undefined;
  /** Every key that may decrypt, by id (the current one included). */
  byId: ReadonlyMap<string, Buffer>;
}

export function loadCodecKeys(env: NodeJS.ProcessEnv = process.env): CodecKeyring {
  const { key: rawKey, keyId: rawId, oldKeys: rawOld } = codecSettings(env);
  if (rawKey === '') {
    const stray = rawId !== '' ? 'KAIZEN_CODEC_KEY_ID' : rawOld !== '' ? 'KAIZEN_CODEC_OLD_KEYS' : undefined;
    if (stray) {
      throw new CodecKeyError(`${stray} is set but KAIZEN_CODEC_KEY is not: set the current key too, or unset ${stray} to run without encryption.\n${MAKE_A_KEY}`);
    }
    return { current: undefined, byId: new Map() };
  }
  const current: CodecKey = { id: parseKeyId(rawId || DEFAULT_KEY_ID, 'KAIZEN_CODEC_KEY_ID'), key: parseKey(rawKey, 'KAIZEN_CODEC_KEY') };
  const byId = new Map<string, Buffer>([[current.id, current.key]]);
  for (const [index, entry] of rawOld.split(/[\s,]+/).filter(Boolean).entries()) {
    const colon = entry.indexOf(':');
    if (colon < 0) throw new CodecKeyError(`KAIZEN_CODEC_OLD_KEYS entries are 'id:base64key', separated by commas; entry ${index + 1} has no id.`);
    const id = parseKeyId(entry.slice(0, colon), 'KAIZEN_CODEC_OLD_KEYS');
    const key = parseKey(entry.slice(colon + 1), `KAIZEN_CODEC_OLD_KEYS (key '${id}')`);
    const known = byId.get(id);
    if (known && !known.equals(key)) {
      throw new CodecKeyError(`Key id '${id}' is given twice with different keys (KAIZEN_CODEC_KEY_ID / KAIZEN_CODEC_OLD_KEYS): ids must be unique.`);
    }
    byId.set(id, key);
  }
  return { current, byId };
}

function parseKeyId(id: string, variable: string): string {
  if (!KEY_ID.test(id)) throw new CodecKeyError(`${variable}: key id '${id}' is not valid: use 1-64 letters, digits, '.', '_' or '-'.`);
  return id;
}

function parseKey(value: string, variable: string): Buffer {
  const text = value.trim();
  if (!BASE64.test(text) || text.length % 4 !== 0) {
    throw new CodecKeyError(`${variable} is not base64: a key is ${KEY_BYTES} random bytes in base64 (44 characters).\n${MAKE_A_KEY}`);
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new CodecKeyError(`${variable} is ${key.length} bytes long; AES-256 needs ${KEY_BYTES} random bytes in base64.\n${MAKE_A_KEY}`);
  }
  return key;
}
