// Starts and stops `temporal server start-dev`: Kaizen's embedded server and the e2e
// tests' server. It is a long-lived daemon, so it is spawned here rather than through
// runProcess (which waits for its child to end), with the same rules: no shell, its own
// process group, output to a file. The SDK's own start-up wait (about 5 s) is too short
// on a loaded machine, so readiness is polled here for up to a minute.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { DevServerFailedError, PortInUseError } from '../../core/errors.js';
import { watchGroup } from './watchdog.js';

export type SearchAttributeTypeName = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export interface DevServerOptions {
  cliPath: string;
  port: number;
  uiPort: number;
  /** SQLite file that keeps workflows across restarts; its folder is created. */
  dbFile: string;
  namespace?: string;
  ip?: string;
  headless?: boolean;
  /** Server output; default `<dbFile>.log`. */
  logPath?: string;
  searchAttributes: Record<string, SearchAttributeTypeName>;
  extraArgs?: string[];
  /** The pid of a live dev server Kaizen recorded on a port, to name it when the port is taken. */
  holderOf?: (port: number) => number | undefined;
  /** How long to wait for the namespace to answer (default 60 s). */
  readyTimeoutMs?: number;
}

export interface DevServer {
  /** host:port for Connection.connect / TEMPORAL_ADDRESS. */
  address: string;
  /** Web UI URL; empty when headless. */
  uiUrl: string;
  /** Base URL of the frontend's HTTP API (adapters/temporal/http-api.ts). */
  httpUrl: string;
  pid: number;
  stop(): Promise<void>;
}

const DEFAULT_READY_TIMEOUT_MS = 60_000;
const POLL_MS = 250;
const STOP_GRACE_MS = 10_000;
const LOG_TAIL_CHARS = 2000;

/** Starts beyond the first when the server lost a race for one of the ports it picks itself. */
const PORT_RACE_RETRIES = 2;

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      // The CLI picks its HTTP API and metrics ports as "a random free port": another process
      // can take one before the server binds it. Ours were checked free, so start again.
      const lostRace = err instanceof DevServerFailedError && /address already in use/.test(err.message);
      if (!lostRace || attempt >= PORT_RACE_RETRIES) throw err;
    }
  }
}

async function startOnce(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? 'default';
  const logPath = options.logPath ?? `${options.dbFile}.log`;
  await assertPortFree(ip, options.port, '--port', options.holderOf);
  if (!options.headless) await assertPortFree(ip, options.uiPort, '--ui-port', options.holderOf);
  // Chosen here rather than by the CLI, which would pick one at random and not say which.
  const httpPort = await freePort(ip);

  mkdirSync(dirname(options.dbFile), { recursive: true });
  mkdirSync(dirname(logPath), { recursive: true });
  const logOffset = sizeOf(logPath);
  const logFd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.cliPath, devServerArgs(options, ip, namespace, httpPort), {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      shell: false,
    });
  } finally {
    closeSync(logFd); // The child holds its own copy.
  }
  type Exit = { code: number | null; signal: NodeJS.Signals | null; error?: Error };
  const state: { exit: Exit | null } = { exit: null };
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve((state.exit = { code, signal })));
    child.once('error', (error) => resolve((state.exit = { code: null, signal: null, error })));
  });

  const pid = child.pid;
  // If this process dies before stop() (SIGKILL, a crash), the watchdog ends the server.
  const watchdog = pid === undefined ? undefined : watchGroup(pid, STOP_GRACE_MS);
  const stop = async (): Promise<void> => {
    if (pid === undefined || state.exit) {
      watchdog?.release();
      return;
    }
    signalGroup(pid, 'SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS, false)]);
    if (!stopped) {
      signalGroup(pid, 'SIGKILL');
      await exited;
    }
    watchdog?.release();
  };

  const connectHost = ip === '0.0.0.0' ? '127.0.0.1' : ip === '::' ? '::1' : ip;
  const hostInUrl = connectHost.includes(':') ? `[${connectHost}]` : connectHost;
  const address = `${hostInUrl}:${options.port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const exit = state.exit;
    if (exit) {
      const how = exit.error
        ? `${options.cliPath} could not be run (${exit.error.message}); check the path or set TEMPORAL_CLI`
        : `it exited early with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}`;
      throw new DevServerFailedError(how, logPath, await readTail(logPath, logOffset));
    }
    if (await namespaceAnswers(connectHost, options.port, address, namespace)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new DevServerFailedError(
        `namespace '${namespace}' did not answer on ${address} within ${readyTimeoutMs / 1000} s`,
        logPath,
        await readTail(logPath, logOffset),
      );
    }
    await sleep(POLL_MS);
  }

  return {
    address,
    uiUrl: options.headless ? '' : `http://${hostInUrl}:${options.uiPort}`,
    httpUrl: `http://${hostInUrl}:${httpPort}`,
    pid: pid as number,
    stop,
  };
}

/** The `temporal server start-dev` argument list (flags checked against CLI 1.9.1). */
export function devServerArgs(options: DevServerOptions, ip: string, namespace: string, httpPort: number): string[] {
  const args = [
    'server',
    'start-dev',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--db-filename',
    options.dbFile,
    '--namespace',
    namespace,
    '--ip',
    ip,
    '--http-port',
    String(httpPort),
  ];
  for (const [name, type] of Object.entries(options.searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  // WAL makes file-backed SQLite fast enough; NORMAL still survives a process crash.
  args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL', '--log-level', 'warn');
  if (options.headless) args.push('--headless');
  args.push(...(options.extraArgs ?? []));
  return args;
}

async function assertPortFree(host: string, port: number, flag: string, holderOf?: (port: number) => number | undefined): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
  if (!free) throw new PortInUseError(port, flag, holderOf?.(port));
}

/** A port the system has free now (the race with other processes is startDevServer's retry). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function namespaceAnswers(host: string, port: number, address: string, namespace: string): Promise<boolean> {
  // A cheap TCP probe first: the gRPC client takes seconds to give up on a closed port.
  if (!(await portAcceptsConnections(host, port))) return false;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2000 });
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false; // Not ready yet: the frontend answers before the namespace exists.
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

function portAcceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function readTail(path: string, from: number): Promise<string> {
  try {
    const file = await open(path, 'r');
    try {
      const size = (await file.stat()).size;
      const start = Math.max(from, size - LOG_TAIL_CHARS);
      const buffer = Buffer.alloc(size - start);
      await file.read(buffer, 0, buffer.length, start);
      return buffer.toString('utf8').trim() || '(empty)';
    } finally {
      await file.close();
    }
  } catch {
    return '(no log)';
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
