// A production-shaped Temporal cluster on this machine, without containers: PostgreSQL in a
// temporary folder, the schema and namespace set-up steps of docker-compose.yml, and the real
// Temporal server with compose's configuration files. `startCluster()` is what `npm run cluster`
// and the cluster tests use; `stop()` leaves no process and no folder behind.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, stopPostgres, type PostgresInstance } from './postgres.js';
import { setUpNamespace, setUpSchema } from './setup.js';
import { answers, SERVER_PORT_NAMES, startTemporalServer, stopTemporalServer, type ServerPorts, type TemporalServerProcess } from './temporal-server.js';
import { serverTools, TEMPORAL_SERVER_VERSION } from './versions.js';
import { readBuildInfo } from './build-server.js';
import { startReaper } from './reaper.js';

const LOW_PORT = 20_000;
const HIGH_PORT = 32_767;

export interface ClusterOptions {
  namespace?: string;
  /** The frontend's port (TEMPORAL_ADDRESS); default: a free one. */
  port?: number;
  /** Server log level (default warn). */
  logLevel?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Keep running after this process ends (`--detach`); otherwise a watcher stops it then. */
  outliveOwner?: boolean;
}

export interface ClusterTimings {
  postgresMs: number;
  schemaMs: number;
  serverMs: number;
  namespaceMs: number;
  totalMs: number;
}

export interface RestartTimings {
  /** From the signal until the old process had ended. */
  stopMs: number;
  /** From starting the new process until the namespace answered. */
  startMs: number;
}

/** What `npm run cluster -- --down` needs to find and stop a cluster another process started. */
export interface ClusterState {
  version: string;
  address: string;
  namespace: string;
  dir: string;
  startedAt: string;
  postgres: { pid: number; port: number; binary: string };
  server: { pid: number; binary: string };
}

export interface Cluster {
  address: string;
  namespace: string;
  /** Logs and data: postgres.log, temporal-server.log, temporal-schema.log, temporal-setup.log. */
  dir: string;
  postgres: PostgresInstance;
  timings: ClusterTimings;
  state(): ClusterState;
  /** Stops the Temporal server process and starts it again on the same database and ports. */
  restartServer(signal?: 'SIGTERM' | 'SIGKILL'): Promise<RestartTimings>;
  /** Stops the server, then PostgreSQL, and removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

export class ServerNotBuiltError extends Error {
  constructor() {
    super(`The Temporal server ${TEMPORAL_SERVER_VERSION} is not built yet (${serverTools.server}). Run 'npm run cluster:build' once (several CPU-minutes).`);
    this.name = 'ServerNotBuiltError';
  }
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  if (!readBuildInfo()) throw new ServerNotBuiltError();
  const log = options.log ?? (() => undefined);
  const namespace = options.namespace ?? 'default';
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-cluster-'));
  const started = Date.now();
  const ports = await freePorts(1 + SERVER_PORT_NAMES.length);
  const [postgresPort, ...serverPortList] = ports;
  const serverPorts = Object.fromEntries(SERVER_PORT_NAMES.map((name, i) => [name, serverPortList[i]])) as ServerPorts;
  if (options.port !== undefined) {
    if (ports.includes(options.port) || !(await portIsFree(options.port))) throw new Error(`Port ${options.port} is in use; pick another with --port, or leave it out for a free one.`);
    serverPorts.FRONTEND_GRPC_PORT = options.port;
  }

  let postgres: PostgresInstance | undefined;
  let server: TemporalServerProcess | undefined;
  const reaper = options.outliveOwner ? undefined : startReaper(dir);
  const spawned: { server?: number; postgres?: number } = {};
  const watch = (which: 'server' | 'postgres') => (pid: number) => {
    spawned[which] = pid;
    reaper?.watch([
      ...(spawned.server ? [{ pid: spawned.server, signal: 'TERM' as const }] : []),
      ...(spawned.postgres ? [{ pid: spawned.postgres, signal: 'INT' as const }] : []),
    ]);
  };
  const stopAll = async () => {
    reaper?.dismiss();
    if (server) await stopTemporalServer(server);
    if (postgres) await stopPostgres(postgres);
  };
  try {
    log(`PostgreSQL on 127.0.0.1:${postgresPort} (data in ${dir})`);
    let mark = Date.now();
    postgres = await startPostgres({ dir: join(dir, 'postgres'), port: postgresPort!, onSpawn: watch('postgres') });
    const postgresMs = Date.now() - mark;

    log('Schema: temporal and temporal_visibility (deploy/temporal-schema.sh)');
    mark = Date.now();
    await setUpSchema(postgres, dir);
    const schemaMs = Date.now() - mark;

    log(`Temporal server ${TEMPORAL_SERVER_VERSION} on 127.0.0.1:${serverPorts.FRONTEND_GRPC_PORT} (deploy/temporal-server.yaml)`);
    mark = Date.now();
    const serverOptions = { dir: join(dir, 'temporal'), ports: serverPorts, postgres, onSpawn: watch('server'), ...(options.logLevel ? { logLevel: options.logLevel } : {}) };
    mkdirSync(serverOptions.dir, { recursive: true });
    server = await startTemporalServer(serverOptions);
    const serverMs = Date.now() - mark;

    log(`Namespace ${namespace} and Kaizen's search attributes (deploy/temporal-setup.sh)`);
    mark = Date.now();
    await setUpNamespace(server.address, namespace, dir);
    const namespaceMs = Date.now() - mark;

    const pg = postgres;
    const timings: ClusterTimings = { postgresMs, schemaMs, serverMs, namespaceMs, totalMs: Date.now() - started };
    let stopped = false;
    return {
      address: server.address,
      namespace,
      dir,
      postgres: pg,
      timings,
      state: () => ({
        version: TEMPORAL_SERVER_VERSION,
        address: server!.address,
        namespace,
        dir,
        startedAt: new Date(started).toISOString(),
        postgres: { pid: pg.pid, port: pg.port, binary: pg.binary },
        server: { pid: server!.pid, binary: serverTools.server },
      }),
      async restartServer(signal = 'SIGTERM') {
        const down = Date.now();
        await stopTemporalServer(server!, signal);
        const up = Date.now();
        server = await startTemporalServer(serverOptions, { namespace });
        return { stopMs: up - down, startMs: Date.now() - up };
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopAll().catch(() => undefined);
    // The logs stay for the error message's reader; the database goes.
    rmSync(join(dir, 'postgres', 'pgdata'), { recursive: true, force: true });
    throw err;
  }
}

/** True once the namespace answers on `address` (readiness for clients). */
export function clusterAnswers(address: string, namespace: string): Promise<boolean> {
  return answers(address, { namespace });
}

/**
 * `count` different ports that were free a moment ago (all held open at once, then closed).
 * They come from below the kernel's ephemeral range (32768 on): Temporal keeps membership
 * ports in a PostgreSQL SMALLINT column, and outgoing connections never take these.
 */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let attempt = 0; servers.length < count; attempt++) {
      if (attempt > 2000) throw new Error(`Could not find ${count} free ports between ${LOW_PORT} and ${HIGH_PORT}.`);
      const port = LOW_PORT + Math.floor(Math.random() * (HIGH_PORT - LOW_PORT + 1));
      const server = createServer();
      const bound = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(true));
      });
      if (bound) servers.push(server);
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
