// Where Temporal is and how to reach it: TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE /
// TEMPORAL_API_KEY / TEMPORAL_TLS* and temporal.toml profiles (via @temporalio/envconfig), so
// a local dev server, a self-hosted cluster and Temporal Cloud all work without our flags.
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
// Types only: the worker package (and its native core) costs command-line clients ~0.4 s to load.
import type { NativeConnection, NativeConnectionOptions } from '@temporalio/worker';
import { loadDataConverter } from '../codec/codec.js';

export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';

export interface TemporalTarget {
  address: string;
  namespace: string;
  options: NativeConnectionOptions;
}

export class TemporalUnreachableError extends Error {
  /** What went wrong, without the advice. */
  readonly reason: string;
  readonly fix = `Start one with 'kaizen dev' (or 'kaizen server'), or point TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE) at yours.`;
  constructor(
    readonly address: string,
    cause: unknown,
  ) {
    const reason = `Cannot reach the Temporal server at ${address}: ${cause instanceof Error ? cause.message : String(cause)}`;
    super(reason);
    this.reason = reason;
    this.message = `${reason}\n${this.fix}`;
    this.name = 'TemporalUnreachable';
  }
}

export function resolveTemporalTarget(env: NodeJS.ProcessEnv = process.env, override: { address?: string; namespace?: string } = {}): TemporalTarget {
  const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars });
  } catch (err) {
    throw new Error(`Temporal client configuration is invalid (TEMPORAL_* variables or temporal.toml): ${(err as Error).message}`);
  }
  const address = override.address ?? loaded.connectionOptions.address ?? DEFAULT_ADDRESS;
  const namespace = override.namespace ?? loaded.namespace ?? DEFAULT_NAMESPACE;
  return { address, namespace, options: { ...loaded.connectionOptions, address } };
}

export async function connectNative(target: TemporalTarget): Promise<NativeConnection> {
  const { NativeConnection: Native } = await import('@temporalio/worker');
  try {
    return await Native.connect(target.options);
  } catch (err) {
    throw new TemporalUnreachableError(target.address, err);
  }
}

/** A client whose payload codec (KAIZEN_CODEC_KEY…, see codec.ts) matches the workers'. */
export async function connectClient(target: TemporalTarget, dataConverter: DataConverter = loadDataConverter(process.env)): Promise<Client> {
  return new Client({ connection: await connectConnection(target), namespace: target.namespace, dataConverter });
}

export async function connectConnection(target: TemporalTarget): Promise<Connection> {
  const { tls, apiKey, metadata } = target.options;
  const address = target.address;
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address,
      ...(tls !== undefined ? { tls } : {}),
      ...(apiKey !== undefined && typeof apiKey === 'string' ? { apiKey } : {}),
      ...(metadata ? { metadata } : {}),
      connectTimeout: 5000,
    });
  } catch (err) {
    throw new TemporalUnreachableError(address, err);
  }
  return connection;
}
