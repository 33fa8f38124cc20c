// `kaizen dev` never leaves its Temporal server behind: Ctrl-C (even pressed twice) stops the
// server and waits for it, and a SIGKILLed `kaizen dev` takes the server with it (a watchdog
// on a pipe from its starter). Real processes: the CLI, the server, the port.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processRuns, waitUntil } from '../helpers/fault-kit.js';
import { startKaizenProcess, type KaizenProcess } from '../helpers/kaizen-process.js';
import { freePort } from '../helpers/ports.js';

const home = mkdtempSync(join(tmpdir(), 'kaizen-dev-life-'));
const started: KaizenProcess[] = [];
const serverPids: number[] = [];
afterAll(async () => {
  for (const proc of started) await proc.stop();
  for (const pid of serverPids) if (processRuns(pid)) process.kill(-pid, 'SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** `kaizen dev --headless` on its own ports and data; returns the process and its server's pid. */
async function dev(port: number): Promise<{ proc: KaizenProcess; serverPid: number; record: string }> {
  const env = { ...process.env, KAIZEN_USER_HOME: home, KAIZEN_TASK_QUEUE: `dev-life-${port}` };
  const proc = startKaizenProcess(['dev', '--headless', '--port', String(port), '--ui-port', String(await freePort()), '--db', join(home, `db-${port}`, 'temporal.db')], env);
  started.push(proc);
  await proc.waitFor('Kaizen worker polling', 180_000);
  const record = join(home, 'dev-servers', `${port}.json`);
  const serverPid = (JSON.parse(readFileSync(record, 'utf8')) as { pid: number }).pid;
  serverPids.push(serverPid);
  expect(processRuns(serverPid)).toBe(true);
  return { proc, serverPid, record };
}

describe('kaizen dev and its Temporal server', () => {
  it('SIGKILL of kaizen dev: the server goes too and the port is free again', async () => {
    const port = await freePort();
    const { proc, serverPid } = await dev(port);
    await proc.kill();
    await waitUntil(`the server (pid ${serverPid}) to end`, () => (processRuns(serverPid) ? undefined : true), 60_000);
    expect(await portFree(port)).toBe(true);
  });

  it('Ctrl-C pressed twice: kaizen dev stops the server, waits for it, and forgets its record', async () => {
    const port = await freePort();
    const { proc, serverPid, record } = await dev(port);
    proc.signal('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    proc.signal('SIGINT');
    await proc.exited();
    // kaizen dev exited only after its server: nothing is left to wait for.
    expect(processRuns(serverPid)).toBe(false);
    expect(await portFree(port)).toBe(true);
    expect(existsSync(record)).toBe(false);
  });
});
