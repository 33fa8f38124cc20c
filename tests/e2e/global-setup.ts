// One real Temporal dev server (SQLite in a temp folder, Kaizen's search attributes) for the
// whole e2e project; tests read its address with inject('temporalAddress').
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDevServer, type DevServer } from '../../src/adapters/temporal/dev-server.js';
import { findTemporalCli } from '../../src/adapters/temporal/binaries.js';
import { KAIZEN_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes.js';
import { freePort } from '../helpers/ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    /** The same server's HTTP API, and its pid (for a dev-server record naming it). */
    temporalHttpUrl: string;
    temporalPid: number;
  }
}

let server: DevServer | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), 'kaizen-e2e-temporal-'));
  const port = process.env.KAIZEN_E2E_TEMPORAL_PORT ? Number(process.env.KAIZEN_E2E_TEMPORAL_PORT) : await freePort();
  server = await startDevServer({
    cliPath: await findTemporalCli(),
    port,
    uiPort: await freePort(),
    dbFile: join(dataDir, 'temporal.db'),
    headless: true,
    searchAttributes: { ...KAIZEN_SEARCH_ATTRIBUTES },
  });
  project.provide('temporalAddress', server.address);
  project.provide('temporalHttpUrl', server.httpUrl);
  project.provide('temporalPid', server.pid);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
