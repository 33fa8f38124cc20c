import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../../src/adapters/temporal/dev-server.js';
import { findTemporalCli } from '../../../src/adapters/temporal/binaries.js';
import { DevServerFailedError, PortInUseError } from '../../../src/core/errors.js';
import { KAIZEN_SEARCH_ATTRIBUTES } from '../../../src/contracts/search-attributes.js';
import { freePort } from '../../helpers/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'kaizen-dev-server-'));
const running: DevServer[] = [];
afterAll(async () => {
  for (const server of running) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function registeredAttributes(address: string): Promise<Record<string, unknown>> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.describeNamespace({ namespace: 'default' });
    const answer = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    return answer.customAttributes ?? {};
  } finally {
    await connection.close();
  }
}

describe('startDevServer', () => {
  it('starts, registers the search attributes, stops, and restarts on the same database', async () => {
    const cliPath = await findTemporalCli();
    const port = await freePort();
    const uiPort = await freePort();
    const dbFile = join(dir, 'nested', 'temporal.sqlite');
    const options = { cliPath, port, uiPort, dbFile, searchAttributes: KAIZEN_SEARCH_ATTRIBUTES };

    const first = await startDevServer(options);
    running.push(first);
    expect(first.address).toBe(`127.0.0.1:${port}`);
    expect(first.uiUrl).toBe(`http://127.0.0.1:${uiPort}`);
    expect(Object.keys(await registeredAttributes(first.address))).toEqual(
      expect.arrayContaining(Object.keys(KAIZEN_SEARCH_ATTRIBUTES)),
    );
    expect((await fetch(first.uiUrl)).ok).toBe(true);
    expect(existsSync(dbFile)).toBe(true);

    await expect(startDevServer({ ...options, dbFile: join(dir, 'other.sqlite') })).rejects.toThrow(
      new PortInUseError(port, '--port').message,
    );
    // A leftover server Kaizen recorded is named, with its pid and how to stop it.
    await expect(startDevServer({ ...options, dbFile: join(dir, 'other.sqlite'), holderOf: () => first.pid })).rejects.toThrow(
      `Port ${port} is held by a Temporal dev server an earlier kaizen dev/server/demo started (pid ${first.pid}). Stop it with 'kill ${first.pid}'`,
    );

    await first.stop();
    expect(() => process.kill(first.pid, 0)).toThrow();
    expect(await portIsFree(port)).toBe(true);

    const second = await startDevServer(options);
    running.push(second);
    expect(await registeredAttributes(second.address)).toHaveProperty('KaizenRepo');
    await second.stop();
    expect(await portIsFree(port)).toBe(true);
  });

  it('refuses a port that is already taken, naming the port and the flag', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const start = startDevServer({
        cliPath: '/bin/false',
        port,
        uiPort: await freePort(),
        dbFile: join(dir, 'taken.sqlite'),
        searchAttributes: {},
      });
      await expect(start).rejects.toBeInstanceOf(PortInUseError);
      await expect(start).rejects.toThrow(`Port ${port} is already in use`);
      await expect(start).rejects.toThrow('--port');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('starts again when the server lost the race for a port it picks itself (its HTTP API port)', async () => {
    const marker = join(dir, 'lost-race-once');
    const cliPath = join(dir, 'racing-temporal');
    const real = await findTemporalCli();
    writeFileSync(
      cliPath,
      `#!/bin/sh\nif [ ! -f '${marker}' ]; then\n  touch '${marker}'\n  echo 'failed listening for HTTP API on 127.0.0.1:40000: listen tcp 127.0.0.1:40000: bind: address already in use' >&2\n  exit 1\nfi\nexec '${real}' "$@"\n`,
    );
    chmodSync(cliPath, 0o755);
    const server = await startDevServer({ cliPath, port: await freePort(), uiPort: await freePort(), dbFile: join(dir, 'race.sqlite'), headless: true, searchAttributes: {} });
    running.push(server);
    expect(existsSync(marker)).toBe(true);
    expect(await registeredAttributes(server.address)).toBeDefined();
    await server.stop();
  });

  it('reports an early exit with the tail of the server log', async () => {
    const logPath = join(dir, 'logs', 'early.log');
    const cliPath = join(dir, 'dying-temporal');
    writeFileSync(cliPath, '#!/bin/sh\necho "unable to open database file: $8" >&2\nexit 3\n');
    chmodSync(cliPath, 0o755);
    const start = startDevServer({
      cliPath,
      port: await freePort(),
      uiPort: await freePort(),
      dbFile: join(dir, 'early.sqlite'),
      logPath,
      searchAttributes: {},
    });
    await expect(start).rejects.toBeInstanceOf(DevServerFailedError);
    await expect(start).rejects.toThrow(/exited early with code 3.*early\.log.*unable to open database file: .*early\.sqlite/s);
  });
});
