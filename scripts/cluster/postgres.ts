// A throwaway PostgreSQL instance for the local cluster: initdb into a temporary folder, the
// server on 127.0.0.1 and a free port (no Unix socket), a password login for Temporal like the
// compose file's. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user
// that Debian's package creates (or KAIZEN_PG_USER).
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ClusterStartError, logTail, spawnDaemon, stopProcessGroup, waitUntil, type Daemon } from './processes.js';

const run = promisify(execFile);

export const POSTGRES_USER = 'temporal';
export const POSTGRES_PASSWORD = 'temporal';
const READY_TIMEOUT_MS = 60_000;

export interface PostgresOptions {
  /** Folder for the data directory and the log (created; must be empty or new). */
  dir: string;
  port: number;
  /** Told the server's pid as soon as it is spawned. */
  onSpawn?: (pid: number) => void;
}

export interface PostgresInstance {
  host: string;
  port: number;
  user: string;
  password: string;
  pid: number;
  logPath: string;
  /** The `postgres` binary, to recognise the process when stopping it by pid. */
  binary: string;
}

export class PostgresMissingError extends Error {
  constructor(detail: string) {
    super(
      `${detail} Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; the server binaries land in /usr/lib/postgresql/<version>/bin), ` +
        'or set KAIZEN_PG_BIN to the folder that holds initdb and postgres.',
    );
    this.name = 'PostgresMissingError';
  }
}

/** The folder with initdb, postgres and pg_isready: KAIZEN_PG_BIN, Debian's newest, or PATH. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const has = (dir: string) => ['initdb', 'postgres', 'pg_isready'].every((b) => existsSync(join(dir, b)));
  if (env.KAIZEN_PG_BIN) {
    if (has(env.KAIZEN_PG_BIN)) return env.KAIZEN_PG_BIN;
    throw new PostgresMissingError(`KAIZEN_PG_BIN is ${env.KAIZEN_PG_BIN}, which lacks initdb, postgres or pg_isready.`);
  }
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) if (has(join(debian, version, 'bin'))) return join(debian, version, 'bin');
  for (const dir of (env.PATH ?? '').split(':')) if (dir && has(dir)) return dir;
  throw new PostgresMissingError('No PostgreSQL server binaries (initdb, postgres) were found.');
}

/** Who runs PostgreSQL: ourselves, or as root an unprivileged account. */
function serverAccount(env: NodeJS.ProcessEnv): { uid: number; gid: number; name: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = env.KAIZEN_PG_USER ?? 'postgres';
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid, name };
  } catch {
    throw new PostgresMissingError(
      `PostgreSQL cannot run as root and there is no '${name}' user to run it as. Create one (useradd --system ${name}) or set KAIZEN_PG_USER to an unprivileged user.`,
    );
  }
}

export async function startPostgres(options: PostgresOptions, env: NodeJS.ProcessEnv = process.env): Promise<PostgresInstance> {
  const bin = findPostgresBin(env);
  const account = serverAccount(env);
  const runAs = account ? { uid: account.uid, gid: account.gid } : undefined;
  const dataDir = join(options.dir, 'pgdata');
  const logPath = join(options.dir, 'postgres.log');
  const passwordFile = join(options.dir, 'pgpass.tmp');
  mkdirSync(options.dir, { recursive: true });
  writeFileSync(passwordFile, `${POSTGRES_PASSWORD}\n`, { mode: 0o600 });
  if (account) {
    // The account must reach its folder: a mkdtemp parent is root's and 0700.
    const parent = dirname(options.dir);
    chmodSync(parent, statSync(parent).mode | 0o011);
    for (let dir = dirname(parent); dir !== dirname(dir); dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) {
        throw new Error(`PostgreSQL runs as '${account.name}', which cannot enter ${dir} on the way to ${options.dir}. Point TMPDIR at a folder everyone may enter, such as /tmp.`);
      }
    }
    chownSync(options.dir, account.uid, account.gid);
    chownSync(passwordFile, account.uid, account.gid);
  }
  const childEnv = { ...env, LC_ALL: 'C', LANG: 'C' };
  try {
    await run(join(bin, 'initdb'), ['-D', dataDir, '-U', POSTGRES_USER, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-instructions'], {
      env: childEnv,
      cwd: options.dir,
      ...(runAs ?? {}),
    });
  } catch (err) {
    const failed = err as { stderr?: string; message: string };
    throw new ClusterStartError(`initdb failed in ${dataDir}`, (failed.stderr || failed.message).trim());
  }

  const server = join(bin, 'postgres');
  const daemon: Daemon = spawnDaemon(
    server,
    ['-D', dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    { env: childEnv, cwd: options.dir, logPath, ...(runAs ? { runAs } : {}) },
  );
  options.onSpawn?.(daemon.pid);
  const instance: PostgresInstance = { host: '127.0.0.1', port: options.port, user: POSTGRES_USER, password: POSTGRES_PASSWORD, pid: daemon.pid, logPath, binary: server };
  const ready = await waitUntil(async () => daemon.exit() !== null || (await accepting(bin, instance)), READY_TIMEOUT_MS, 250);
  if (daemon.exit() !== null || !ready) {
    await stopPostgres(instance);
    const what = daemon.exit() ? `PostgreSQL stopped while starting (${daemon.exit()})` : `PostgreSQL did not accept connections on port ${options.port} within ${READY_TIMEOUT_MS / 1000} s`;
    throw new ClusterStartError(what, await logTail(daemon), logPath);
  }
  return instance;
}

async function accepting(bin: string, pg: PostgresInstance): Promise<boolean> {
  try {
    await run(join(bin, 'pg_isready'), ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', 'postgres', '-t', '2']);
    return true;
  } catch {
    return false;
  }
}

/** Fast shutdown (SIGINT: ends sessions, checkpoints), then immediate, then SIGKILL. */
export async function stopPostgres(pg: Pick<PostgresInstance, 'pid' | 'binary'>): Promise<string> {
  return stopProcessGroup(pg.pid, pg.binary, [
    { signal: 'SIGINT', graceMs: 30_000 },
    { signal: 'SIGQUIT', graceMs: 10_000 },
    { signal: 'SIGKILL', graceMs: 5_000 },
  ]);
}
