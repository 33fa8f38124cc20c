// Where Temporal is and how to reach it: TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE /
// TEMPORAL_API_KEY / TEMPORAL_TLS* and temporal.toml profiles (via @temporalio/envconfig), so
// a local dev server, a self-hosted cluster and Temporal Cloud all work without our flags.
// Apart from connection.ts, so that a command can know its target without loading a client.
import { loadClientConnectConfig } from '@temporalio/envconfig';
// Types only: the worker package (and its native core) costs command-line clients ~0.4 s to load.
import type { NativeConnectionOptions } from '@temporalio/worker';

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
