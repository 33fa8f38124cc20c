// The real Temporal server (all four services in one process) on PostgreSQL, configured by
// deploy/temporal-server.yaml and deploy/dynamicconfig/kaizen.yaml: the files docker-compose.yml
// mounts into temporalio/server. The variables are the ones compose sets, with local hosts
// and free ports instead of container names and fixed ones.
import { Connection } from '@temporalio/client';
import { join } from 'node:path';
import { ClusterStartError, logTail, spawnDaemon, stopProcessGroup, waitUntil } from './processes.js';
import { deployFiles, serverTools } from './versions.js';

export const SERVER_PORT_NAMES = [
  'FRONTEND_GRPC_PORT',
  'FRONTEND_HTTP_PORT',
  'FRONTEND_MEMBERSHIP_PORT',
  'HISTORY_GRPC_PORT',
  'HISTORY_MEMBERSHIP_PORT',
  'MATCHING_GRPC_PORT',
  'MATCHING_MEMBERSHIP_PORT',
  'WORKER_GRPC_PORT',
  'WORKER_MEMBERSHIP_PORT',
] as const;
export type ServerPorts = Record<(typeof SERVER_PORT_NAMES)[number], number>;

export interface TemporalServerOptions {
  /** Working folder; the log goes to `<dir>/temporal-server.log`. */
  dir: string;
  ports: ServerPorts;
  postgres: { host: string; port: number; user: string; password: string };
  /** Server log level (default warn: info writes megabytes an hour). */
  logLevel?: string;
  /** Told the process's pid as soon as it is spawned. */
  onSpawn?: (pid: number) => void;
}

export interface TemporalServerProcess {
  pid: number;
  address: string;
  logPath: string;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 180_000;

/** What compose passes to temporalio/server, for a server on this machine. */
export function serverEnvironment(options: TemporalServerOptions, parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  // Only what the server needs: stray TEMPORAL_ENVIRONMENT / TEMPORAL_CONFIG_DIR settings
  // would make it refuse the config file.
  const passThrough = Object.fromEntries(['PATH', 'HOME', 'TMPDIR', 'TZ'].flatMap((k) => (parent[k] ? [[k, parent[k]]] : [])));
  return {
    ...passThrough,
    TEMPORAL_SERVER_CONFIG_FILE_PATH: deployFiles.serverConfig,
    DYNAMIC_CONFIG_FILE_PATH: deployFiles.dynamicConfig,
    DB: 'postgres12',
    POSTGRES_SEEDS: options.postgres.host,
    DB_PORT: String(options.postgres.port),
    POSTGRES_USER: options.postgres.user,
    POSTGRES_PWD: options.postgres.password,
    BIND_ON_IP: HOST,
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...Object.fromEntries(Object.entries(options.ports).map(([name, port]) => [name, String(port)])),
  };
}

/** Starts the server and waits until its frontend answers. */
export async function startTemporalServer(options: TemporalServerOptions, ready: 'frontend' | { namespace: string } = 'frontend'): Promise<TemporalServerProcess> {
  const logPath = join(options.dir, 'temporal-server.log');
  const daemon = spawnDaemon(serverTools.server, ['start'], { env: serverEnvironment(options), cwd: options.dir, logPath });
  options.onSpawn?.(daemon.pid);
  const server: TemporalServerProcess = { pid: daemon.pid, address: `${HOST}:${options.ports.FRONTEND_GRPC_PORT}`, logPath };
  const answered = await waitUntil(async () => daemon.exit() !== null || (await answers(server.address, ready)), READY_TIMEOUT_MS, 500);
  if (daemon.exit() !== null || !answered) {
    await stopTemporalServer(server);
    const what = daemon.exit() ? `The Temporal server stopped while starting (${daemon.exit()})` : `The Temporal server did not answer on ${server.address} within ${READY_TIMEOUT_MS / 1000} s`;
    throw new ClusterStartError(what, await logTail(daemon), logPath);
  }
  return server;
}

/** True once the frontend serves requests (and, when asked, knows the namespace). */
export async function answers(address: string, ready: 'frontend' | { namespace: string }): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2000 });
    if (ready === 'frontend') await connection.workflowService.getSystemInfo({});
    else await connection.workflowService.describeNamespace({ namespace: ready.namespace });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** SIGTERM (graceful: shards handed off, connections closed), SIGKILL after 30 s. */
export function stopTemporalServer(server: Pick<TemporalServerProcess, 'pid'>, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<string> {
  const steps = signal === 'SIGKILL' ? [{ signal, graceMs: 10_000 }] : [{ signal, graceMs: 30_000 }, { signal: 'SIGKILL' as const, graceMs: 10_000 }];
  return stopProcessGroup(server.pid, serverTools.server, steps);
}
