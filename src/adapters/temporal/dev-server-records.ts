// What `kaizen dev`, `kaizen server` and `kaizen demo` started, so that other processes can
// link to the right Web UI: a dev server started with --ui-port is not at its gRPC port + 1000.
// One small JSON file per gRPC port under Kaizen's per-user folder; a record whose process is
// gone is ignored, so a crash leaves nothing misleading behind.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { kaizenUserHome, localPortOf, type Environment } from '../../core/config/environment.js';

export interface DevServerRecord {
  /** host:port of the gRPC frontend. */
  address: string;
  /** The Web UI; empty when the server is headless. */
  uiUrl: string;
  /** The frontend's HTTP API; absent in records of older Kaizen versions. */
  httpUrl?: string;
  pid: number;
}

export function devServerRecordsDir(env: Environment): string {
  return join(kaizenUserHome(env) ?? join(homedir(), '.kaizen'), 'dev-servers');
}

function recordPath(dir: string, port: string | number): string {
  return join(dir, `${port}.json`);
}

/** Records a started server; returns the function that forgets it again (call it on stop). */
export function recordDevServer(dir: string, record: DevServerRecord): () => void {
  const port = localPortOf(record.address) ?? record.address.split(':').pop() ?? '';
  const path = recordPath(dir, port);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, `${JSON.stringify(record)}\n`);
  } catch {
    return () => undefined; // An unwritable home only costs the links their --ui-port.
  }
  return () => {
    const current = readRecord(path);
    if (current?.pid === record.pid) rmSync(path, { force: true });
  };
}

/** The Web UI of the live dev server recorded for a local address; undefined when none. */
export function recordedUiUrl(dir: string, address: string | undefined): string | undefined {
  return liveRecordFor(dir, address)?.uiUrl || undefined;
}

/** The HTTP API of the live dev server recorded for a local address; undefined when none. */
export function recordedHttpApi(dir: string, address: string | undefined): string | undefined {
  return liveRecordFor(dir, address)?.httpUrl || undefined;
}

/** The record of a local address's port, while its server runs. */
function liveRecordFor(dir: string, address: string | undefined): DevServerRecord | undefined {
  const port = localPortOf(address);
  if (port === undefined) return undefined;
  const record = readRecord(recordPath(dir, port));
  return record && isAlive(record.pid) ? record : undefined;
}

/** The pid of the live dev server recorded for a port (its gRPC or its Web UI port); undefined when none. */
export function recordedServerOn(dir: string, port: number): number | undefined {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return undefined;
  }
  for (const name of names) {
    const record = readRecord(join(dir, name));
    if (!record || !isAlive(record.pid)) continue;
    const uiPort = /:(\d+)\/?$/.exec(record.uiUrl)?.[1];
    if (name === `${port}.json` || uiPort === String(port)) return record.pid;
  }
  return undefined;
}

function readRecord(path: string): DevServerRecord | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { address, uiUrl, httpUrl, pid } = value as Record<string, unknown>;
    if (typeof address !== 'string' || typeof uiUrl !== 'string' || typeof pid !== 'number') return undefined;
    return { address, uiUrl, pid, ...(typeof httpUrl === 'string' ? { httpUrl } : {}) };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but another user's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
