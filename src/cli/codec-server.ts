// `kaizen codec-server`: serves the payload codec to the Temporal Web UI (its "codec
// endpoint" setting) so people who hold the key can read encrypted runs in their browser.
import { isIP } from 'node:net';
import { createPayloadCodec } from '../adapters/codec/codec.js';
import { loadCodecKeys, MAKE_A_KEY } from '../adapters/codec/keys.js';
import { startCodecServer } from '../adapters/codec/server.js';
import { CliError } from './errors.js';
import { untilStopped } from './stop-signal.js';
import { codecAuthToken } from '../core/config/environment.js';

export const DEFAULT_CODEC_PORT = 8888;
export const DEFAULT_CORS_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];

export interface CodecServerCommandOptions {
  port?: string;
  host?: string;
  corsOrigin?: string[];
}

export async function codecServerCommand(opts: CodecServerCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const keys = loadCodecKeys(env);
  if (!keys.current) throw new CliError(`kaizen codec-server needs the key the workers use: set KAIZEN_CODEC_KEY (and KAIZEN_CODEC_KEY_ID, KAIZEN_CODEC_OLD_KEYS).\n${MAKE_A_KEY}`);
  const port = opts.port === undefined ? DEFAULT_CODEC_PORT : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be a port number (0-65535), not '${opts.port}'.`);
  const host = opts.host ?? '127.0.0.1';
  const corsOrigins = opts.corsOrigin?.length ? opts.corsOrigin : DEFAULT_CORS_ORIGINS;
  const authToken = codecAuthToken(env);
  const server = await startCodecServer({
    codec: createPayloadCodec(env),
    port,
    host,
    corsOrigins,
    ...(authToken ? { authToken } : {}),
    onError: (message) => console.error(`codec: ${message}`),
  });
  const lines = [
    `Codec server on ${server.url} (key '${keys.current.id}' encrypts; ${[...keys.byId.keys()].map((id) => `'${id}'`).join(', ')} decrypt)`,
    `Web UI origins allowed: ${corsOrigins.join(', ')}`,
    `In the Web UI set the codec endpoint to ${server.url} (or start 'kaizen dev' with KAIZEN_CODEC_ENDPOINT=${server.url}).`,
    authToken ? 'Requests must send Authorization: Bearer $KAIZEN_CODEC_AUTH_TOKEN.' : 'No KAIZEN_CODEC_AUTH_TOKEN: anyone who can reach this port can decrypt.',
  ];
  if (!authToken && !isLoopback(host)) lines.push(`Warning: listening on ${host} without KAIZEN_CODEC_AUTH_TOKEN exposes decrypted history to the network.`);
  console.log(`${lines.join('\n')}\nCtrl-C stops it.`);
  const signal = await untilStopped();
  console.log(`${signal}: stopping the codec server…`);
  await server.close();
  return 0;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}
