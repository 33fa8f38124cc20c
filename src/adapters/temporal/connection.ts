// Connections to Temporal for clients (gRPC, @temporalio/client) and workers (the native
// core), at the target target.ts resolves.
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
// Types only: the worker package (and its native core) costs command-line clients ~0.4 s to load.
import type { NativeConnection } from '@temporalio/worker';
import { loadDataConverter } from '../codec/codec.js';
import { TemporalUnreachableError, type TemporalTarget } from './target.js';

export { DEFAULT_ADDRESS, DEFAULT_NAMESPACE, resolveTemporalTarget, TemporalUnreachableError, type TemporalTarget } from './target.js';

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
