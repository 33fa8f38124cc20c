// `kaizen dev`, `kaizen server`, `kaizen worker`: the embedded Temporal dev server (SQLite,
// Web UI) and Kaizen's worker, together or apart, stopped cleanly on Ctrl-C / SIGTERM.
import { resolve } from 'node:path';
import { startDevServer, type DevServer } from '../adapters/temporal/dev-server.js';
import { findTemporalCli } from '../adapters/temporal/binaries.js';
import { devServerRecordsDir, recordDevServer, recordedServerOn } from '../adapters/temporal/dev-server-records.js';
import { installRuntime } from '../adapters/temporal/runtime.js';
import { KAIZEN_SEARCH_ATTRIBUTES } from '../contracts/search-attributes.js';
import { startWorker, type RunningWorker } from '../worker.js';
import { target, taskQueue, type GlobalOptions } from './common.js';
import { CliError } from './errors.js';
import { untilStopped } from './stop-signal.js';
import { codecEndpoint, metricsPortOf } from '../core/config/environment.js';

export interface ServerOptions {
  port?: string;
  uiPort?: string;
  db?: string;
  headless?: boolean;
}

export function parsePort(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliError(`${flag} must be a port number (1-65535), not '${value}'.`);
  return port;
}

export interface MetricsOptions {
  /** `--metrics-port`: `N` or `host:N`; falls back to KAIZEN_METRICS_PORT. */
  metricsPort?: string;
}

/**
 * Where Prometheus metrics are served: `9464` binds 127.0.0.1 only (the endpoint has no
 * authentication and its tags name repositories); `0.0.0.0:9464` exposes it, e.g. to a
 * scraper in another container. Undefined when metrics are off.
 */
export function metricsBindAddress(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const match = /^(?:(.+):)?([^:]+)$/.exec(value.trim());
  const host = match?.[1] ?? '127.0.0.1';
  const port = parsePort(match?.[2] ?? value, '--metrics-port (or KAIZEN_METRICS_PORT)', 0);
  return `${host}:${port}`;
}

/** Installs the runtime with Prometheus metrics when asked; must run before any connection. */
function installMetrics(opts: MetricsOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const bindAddress = metricsBindAddress(opts.metricsPort ?? metricsPortOf(env));
  if (bindAddress) installRuntime({ level: 'INFO', metricsBindAddress: bindAddress });
  return bindAddress;
}

export async function startServer(opts: ServerOptions): Promise<DevServer> {
  const port = parsePort(opts.port, '--port', 7233);
  const uiPort = parsePort(opts.uiPort, '--ui-port', port + 1000);
  const dbFile = resolve(opts.db ?? '.kaizen/temporal.db');
  const cliPath = await findTemporalCli();
  const server = await startDevServer({
    cliPath,
    port,
    uiPort,
    dbFile,
    headless: opts.headless ?? false,
    logPath: resolve(dbFile, '..', 'temporal-server.log'),
    searchAttributes: { ...KAIZEN_SEARCH_ATTRIBUTES },
    holderOf: (taken) => recordedServerOn(devServerRecordsDir(process.env), taken),
    // The Web UI decodes encrypted payloads through `kaizen codec-server` when told where it is.
    ...(codecEndpoint(process.env) ? { extraArgs: ['--ui-codec-endpoint', codecEndpoint(process.env) as string] } : {}),
  });
  // Other shells' `kaizen improve` and workers link to this --ui-port, not to port + 1000,
  // and `kaizen improve` starts its run through this HTTP API.
  const forget = recordDevServer(devServerRecordsDir(process.env), { address: server.address, uiUrl: server.uiUrl, httpUrl: server.httpUrl, pid: server.pid });
  return {
    ...server,
    async stop() {
      await server.stop();
      forget();
    },
  };
}


const stillStopping = (pid: number) => (signal: NodeJS.Signals) => console.log(`${signal}: still stopping the Temporal server (pid ${pid}); it is killed after 10 s at the latest.`);

export async function serverCommand(opts: ServerOptions): Promise<number> {
  const server = await startServer(opts);
  console.log(`Temporal dev server on ${server.address}\n${server.uiUrl ? `Web UI: ${server.uiUrl}` : 'Web UI: off (--headless)'}\nPress Ctrl-C to stop.`);
  const signal = await untilStopped(stillStopping(server.pid));
  console.log(`${signal}: stopping the server…`);
  await server.stop();
  return 0;
}

export async function workerCommand(opts: GlobalOptions & MetricsOptions): Promise<number> {
  const metrics = installMetrics(opts);
  const t = target(opts);
  const worker = await startWorker({ target: t });
  // One write: a reader that waits for the first line (a supervisor, a test) sees the second too.
  const metricsLine = metrics ? `\nPrometheus metrics: http://${metrics}/metrics` : '';
  console.log(`Kaizen worker polling '${worker.taskQueue}' and '${worker.hostQueue}' on ${t.address} (namespace ${t.namespace}). Ctrl-C stops it.${metricsLine}`);
  const stopped = untilStopped().then(async (signal) => {
    console.log(`${signal}: finishing running activities and stopping…`);
    await worker.shutdown();
  });
  await Promise.race([worker.done, stopped]);
  await worker.shutdown();
  return 0;
}

export async function devCommand(opts: ServerOptions & MetricsOptions): Promise<number> {
  const metrics = installMetrics(opts);
  const server = await startServer(opts);
  let worker: RunningWorker | undefined;
  try {
    worker = await startWorker({
      target: target({ address: server.address, namespace: 'default' }),
      taskQueue: taskQueue(),
    });
    console.log(
      [
        `Temporal dev server on ${server.address} (data in ${resolve(opts.db ?? '.kaizen/temporal.db')})`,
        server.uiUrl ? `Web UI: ${server.uiUrl}` : 'Web UI: off (--headless)',
        `Kaizen worker polling '${worker.taskQueue}' and '${worker.hostQueue}'`,
        ...(metrics ? [`Prometheus metrics: http://${metrics}/metrics`] : []),
        `Try: npm run -s kaizen -- improve <repo> --wait     (Ctrl-C stops everything)`,
      ].join('\n'),
    );
    const signal = await Promise.race([untilStopped(stillStopping(server.pid)), worker.done.then(() => 'worker stopped' as const)]);
    console.log(`${signal}: stopping the worker and the server…`);
    return 0;
  } finally {
    await worker?.shutdown();
    await server.stop();
  }
}
