// Links printed by one shell point at the Web UI that `kaizen server` (or `kaizen dev`) in
// another shell started, --ui-port included: real processes and a real dev server.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { freePort } from '../helpers/ports.js';
import { runKaizen, SAMPLE_REPO, startKaizenProcess, type KaizenProcess } from '../helpers/kaizen-process.js';

const home = mkdtempSync(join(tmpdir(), 'kaizen-user-home-'));
let server: KaizenProcess | undefined;
let repo: TempRepo | undefined;

afterAll(async () => {
  await server?.stop();
  repo?.cleanup();
  rmSync(home, { recursive: true, force: true });
});

describe('Web UI links', () => {
  it('use the --ui-port of the server Kaizen started, and forget it when the server stops', async () => {
    const port = await freePort();
    const uiPort = await freePort();
    const env = { ...process.env, KAIZEN_USER_HOME: home, KAIZEN_UI_URL: '', TEMPORAL_ADDRESS: `127.0.0.1:${port}`, KAIZEN_TASK_QUEUE: `links-${port}` };
    server = startKaizenProcess(['server', '--port', String(port), '--ui-port', String(uiPort), '--db', join(home, 'temporal.db')], env);
    await server.waitFor('Press Ctrl-C to stop.', 120_000);
    expect(readdirSync(join(home, 'dev-servers'))).toEqual([`${port}.json`]);

    repo = createRepo({}, { from: SAMPLE_REPO });
    // No worker polls this queue: the run only has to start for its link to be printed.
    const started = await runKaizen(['improve', repo.path], env);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/`);
    expect(started.stdout).not.toContain(`:${port + 1000}/`);

    await server.stop();
    server = undefined;
    expect(existsSync(join(home, 'dev-servers', `${port}.json`))).toBe(false);
  });
});
