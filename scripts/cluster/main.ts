// `npm run cluster [-- --detach] [--port N] [--namespace NS]`, `npm run cluster -- --down`,
// `npm run cluster -- --status`: the scale-out deployment of docker-compose.yml (Temporal on
// PostgreSQL, Kaizen's namespace and search attributes) on this machine, without containers.
// In the foreground Ctrl-C stops it; with --detach it keeps running until --down.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureServerBuilt, formatSeconds } from './build-server.js';
import { startCluster, type Cluster, type ClusterState } from './cluster.js';
import { stopPostgres } from './postgres.js';
import { isRunning, waitUntil } from './processes.js';
import { stopTemporalServer } from './temporal-server.js';
import { REPO_ROOT } from './versions.js';

/** Where a running cluster is recorded (pids, folder), for --down and --status; tests use their own. */
const STATE_FILE = process.env.KAIZEN_CLUSTER_STATE ?? join(REPO_ROOT, '.kaizen', 'cluster', 'state.json');

type RecordedState = ClusterState & { supervisorPid: number | null };

const USAGE = `Usage: npm run cluster [-- --detach] [--port N] [--namespace NS]
       npm run cluster -- --down | --status

Starts PostgreSQL in a temporary folder, sets up Temporal's schemas, starts the Temporal server
with deploy/temporal-server.yaml and deploy/dynamicconfig/kaizen.yaml (as docker-compose.yml
does), creates the namespace and Kaizen's search attributes, and prints TEMPORAL_ADDRESS.
  --detach      keep running in the background; stop it with --down
  --port N      the Temporal frontend's port (default: a free one)
  --namespace   the namespace to create (default: default)
  --down        stop a cluster started here (background or foreground) and remove its data
  --status      print the running cluster's address and processes`;

function readState(): RecordedState | null {
  if (!existsSync(STATE_FILE)) return null;
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as RecordedState;
}

function running(state: RecordedState): { server: boolean; postgres: boolean; supervisor: boolean } {
  return {
    server: isRunning(state.server.pid, state.server.binary),
    postgres: isRunning(state.postgres.pid, state.postgres.binary),
    supervisor: state.supervisorPid !== null && isRunning(state.supervisorPid, 'scripts/cluster/main.ts'),
  };
}

/** Stops whatever the state file names, waits until none of it runs, removes the folder. */
async function down(): Promise<number> {
  const state = readState();
  if (!state) {
    console.log(`No cluster is recorded (${STATE_FILE} does not exist); nothing to stop.`);
    return 0;
  }
  const alive = running(state);
  if (alive.supervisor && state.supervisorPid !== null) {
    // A foreground `npm run cluster` elsewhere: it stops its own processes on SIGTERM.
    process.kill(state.supervisorPid, 'SIGTERM');
    await waitUntil(() => !isRunning(state.supervisorPid!, 'scripts/cluster/main.ts'), 60_000);
  }
  const server = await stopTemporalServer(state.server);
  const postgres = await stopPostgres(state.postgres);
  rmSync(state.dir, { recursive: true, force: true });
  rmSync(STATE_FILE, { force: true });
  const left = running(state);
  if (left.server || left.postgres) {
    console.error(`Still running after --down: ${left.server ? `temporal-server (pid ${state.server.pid}) ` : ''}${left.postgres ? `postgres (pid ${state.postgres.pid})` : ''}`);
    return 1;
  }
  const how = (result: string) => (result === 'gone' ? (alive.supervisor ? 'stopped by it' : 'was not running') : `stopped (${result})`);
  const foreground = alive.supervisor ? `the foreground npm run cluster (pid ${state.supervisorPid}) ended; ` : '';
  console.log(`Cluster at ${state.address} is down: ${foreground}temporal-server ${how(server)}, postgres ${how(postgres)}; ${state.dir} removed.`);
  return 0;
}

function status(): number {
  const state = readState();
  if (!state) {
    console.log('No cluster is running (start one with npm run cluster).');
    return 1;
  }
  const alive = running(state);
  console.log(`TEMPORAL_ADDRESS=${state.address}\nTEMPORAL_NAMESPACE=${state.namespace}`);
  console.log(`temporal-server ${state.version}: pid ${state.server.pid} ${alive.server ? 'running' : 'NOT running'}`);
  console.log(`postgres: pid ${state.postgres.pid} port ${state.postgres.port} ${alive.postgres ? 'running' : 'NOT running'}`);
  console.log(`folder: ${state.dir}${state.supervisorPid !== null ? `; foreground in pid ${state.supervisorPid}` : '; detached'}`);
  return alive.server && alive.postgres ? 0 : 1;
}

function printStarted(cluster: Cluster, detached: boolean): void {
  console.log(`\nTemporal ${cluster.state().version} on PostgreSQL is up (${formatSeconds(Math.round(cluster.timings.totalMs / 1000))}).`);
  console.log(`TEMPORAL_ADDRESS=${cluster.address}`);
  console.log(`TEMPORAL_NAMESPACE=${cluster.namespace}`);
  console.log(`  a worker:  TEMPORAL_ADDRESS=${cluster.address} npm run -s kaizen -- worker`);
  console.log(`  logs:      ${cluster.dir}`);
  console.log('  Web UI:    none in this mode (docker compose runs temporalio/ui); use kaizen list/watch or the temporal CLI');
  console.log(detached ? 'Stop it with: npm run cluster -- --down' : 'Ctrl-C (or npm run cluster -- --down) stops everything.');
}

async function up(opts: { detach: boolean; port?: number; namespace?: string }): Promise<number> {
  const previous = readState();
  if (previous) {
    const alive = running(previous);
    if (alive.server || alive.postgres || alive.supervisor) {
      console.error(`A cluster is already running at ${previous.address} (${STATE_FILE}). Use it, or stop it first with: npm run cluster -- --down`);
      return 1;
    }
    rmSync(previous.dir, { recursive: true, force: true }); // Left by a crash: nothing runs any more.
  }
  await ensureServerBuilt();
  const { detach, ...where } = opts;
  const cluster = await startCluster({ ...where, outliveOwner: detach, log: (line) => console.log(`cluster: ${line}`) });
  mkdirSync(join(STATE_FILE, '..'), { recursive: true });
  const state: RecordedState = { ...cluster.state(), supervisorPid: opts.detach ? null : process.pid };
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
  printStarted(cluster, opts.detach);
  if (opts.detach) return 0;

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (why: string, code: number) => {
      if (stopping) return;
      stopping = true;
      clearInterval(watchdog);
      console.log(`\ncluster: ${why}; stopping the Temporal server and PostgreSQL...`);
      void cluster
        .stop()
        .then(() => {
          rmSync(STATE_FILE, { force: true });
          console.log('cluster: stopped; nothing left running.');
          resolve(code);
        })
        .catch((err: unknown) => {
          console.error(`cluster: could not stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
          resolve(1);
        });
    };
    process.once('SIGINT', () => stop('Ctrl-C', 0));
    process.once('SIGTERM', () => stop('SIGTERM', 0));
    // A server or database that dies on its own takes the rest down, and says so.
    const watchdog = setInterval(() => {
      const alive = running({ ...cluster.state(), supervisorPid: null });
      if (!alive.server || !alive.postgres) stop(`${alive.server ? 'PostgreSQL' : 'the Temporal server'} exited (see ${cluster.dir})`, 1);
    }, 2000);
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      detach: { type: 'boolean', default: false },
      down: { type: 'boolean', default: false },
      status: { type: 'boolean', default: false },
      port: { type: 'string' },
      namespace: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.down) return down();
  if (values.status) return status();
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port <= 0 || port > 65535)) {
    console.error(`--port must be a port number (1-65535), not '${values.port}'.`);
    return 2;
  }
  return up({ detach: values.detach, ...(port !== undefined ? { port } : {}), ...(values.namespace ? { namespace: values.namespace } : {}) });
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}
