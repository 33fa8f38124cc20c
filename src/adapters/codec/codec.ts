// Payload encryption: an AES-256-GCM PayloadCodec on every client and worker, so source code,
// diffs and prompts reach Temporal's history only as ciphertext. It runs in the data converter
// (outside the workflow sandbox). Each payload is the original Payload, proto-encoded and
// encrypted with a fresh 12-byte IV; its metadata names the key, so old keys keep decrypting
// after a rotation. Search attributes are not payload-encoded by Temporal and stay readable.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { loadCodecKeys, type CodecKey, type CodecKeyring } from './keys.js';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const ENCRYPTION_OFF_NOTICE =
  'payload encryption off: set KAIZEN_CODEC_KEY to keep source code out of Temporal history in clear text (README, "Encryption")';

export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionFailed';
  }
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keys: CodecKeyring) {}

  /** True when new payloads are encrypted (a current key is configured). */
  get encrypting(): boolean {
    return this.keys.current !== undefined;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const current = this.keys.current;
    if (!current) return payloads;
    return payloads.map((payload) => encrypt(payload, current));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private decrypt(payload: Payload): Payload {
    const keyId = textOf(payload.metadata?.[KEY_ID_METADATA]);
    if (keyId === undefined) throw new PayloadDecryptionError(`An encrypted payload has no '${KEY_ID_METADATA}' metadata: it was not written by Kaizen's codec.`);
    const key = this.keys.byId.get(keyId);
    if (!key) {
      const fix = this.keys.current
        ? `add it to KAIZEN_CODEC_OLD_KEYS as '${keyId}:<base64 key>'`
        : `set KAIZEN_CODEC_KEY (and KAIZEN_CODEC_KEY_ID=${keyId}) to that key`;
      throw new PayloadDecryptionError(`A payload is encrypted with key id '${keyId}', which is not configured here: ${fix}.`);
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`A payload encrypted with key id '${keyId}' is truncated.`);
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(tag);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`A payload encrypted with key id '${keyId}' does not decrypt: the key under that id is wrong, or the data was altered.`);
    }
    return PayloadMessage.decode(plain);
  }
}

function encrypt(payload: Payload, { id, key }: CodecKey): Payload {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  // The key id is authenticated too, so a payload cannot be relabelled to another key.
  cipher.setAAD(Buffer.from(id, 'utf8'));
  const plain = PayloadMessage.encode(payload).finish();
  const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return {
    metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING, 'utf8'), [KEY_ID_METADATA]: Buffer.from(id, 'utf8') },
    data,
  };
}

export function isEncrypted(payload: Payload): boolean {
  return textOf(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

function textOf(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
}

export function createPayloadCodec(env: NodeJS.ProcessEnv = process.env): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(loadCodecKeys(env));
}

/**
 * The data converter for clients and workers. The codec is installed even without a key:
 * it then passes payloads through unchanged (Kaizen runs as before) but still turns an
 * encrypted payload into a clear "configure key X" error. `onOff` hears the one-line notice.
 */
export function loadDataConverter(env: NodeJS.ProcessEnv = process.env, onOff?: (notice: string) => void): DataConverter {
  const codec = createPayloadCodec(env);
  if (!codec.encrypting) onOff?.(ENCRYPTION_OFF_NOTICE);
  return { payloadCodecs: [codec] };
}
