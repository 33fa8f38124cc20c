// The records that let one shell's links find the --ui-port of a dev server another started.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { devServerRecordsDir, recordDevServer, recordedHttpApi, recordedUiUrl } from '../../../src/adapters/temporal/dev-server-records.js';
import { resolveTemporalTarget } from '../../../src/adapters/temporal/target.js';
import { httpApiFor } from '../../../src/cli/improvement-http.js';

const dirs: string[] = [];
function recordsDir(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'kaizen-records-')), 'dev-servers');
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(join(dir, '..'), { recursive: true, force: true });
});

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('dev server records', () => {
  it("finds a live server's Web UI by the local address's port, whatever the host spelling", () => {
    const dir = recordsDir();
    recordDevServer(dir, { address: '127.0.0.1:7300', uiUrl: 'http://127.0.0.1:9100', pid: process.pid });
    expect(recordedUiUrl(dir, '127.0.0.1:7300')).toBe('http://127.0.0.1:9100');
    expect(recordedUiUrl(dir, 'localhost:7300')).toBe('http://127.0.0.1:9100');
    expect(recordedUiUrl(dir, '127.0.0.1:7301')).toBeUndefined();
    expect(recordedUiUrl(dir, 'temporal.example:7300')).toBeUndefined();
    expect(recordedUiUrl(dir, undefined)).toBeUndefined();
  });

  it('ignores a record whose server died without forgetting it, a headless one and a broken file', () => {
    const dir = recordsDir();
    recordDevServer(dir, { address: '127.0.0.1:7300', uiUrl: 'http://127.0.0.1:9100', pid: deadPid() });
    expect(recordedUiUrl(dir, '127.0.0.1:7300')).toBeUndefined();
    recordDevServer(dir, { address: '127.0.0.1:7301', uiUrl: '', pid: process.pid });
    expect(recordedUiUrl(dir, '127.0.0.1:7301')).toBeUndefined();
    writeFileSync(join(dir, '7302.json'), '{not json');
    expect(recordedUiUrl(dir, '127.0.0.1:7302')).toBeUndefined();
  });

  it("finds a live server's HTTP API; a record of an older Kaizen has none", () => {
    const dir = recordsDir();
    recordDevServer(dir, { address: '127.0.0.1:7300', uiUrl: '', httpUrl: 'http://127.0.0.1:9300', pid: process.pid });
    expect(recordedHttpApi(dir, 'localhost:7300')).toBe('http://127.0.0.1:9300');
    writeFileSync(join(dir, '7301.json'), JSON.stringify({ address: '127.0.0.1:7301', uiUrl: '', pid: process.pid }));
    expect(recordedHttpApi(dir, '127.0.0.1:7301')).toBeUndefined();
    recordDevServer(dir, { address: '127.0.0.1:7302', uiUrl: '', httpUrl: 'http://127.0.0.1:9302', pid: deadPid() });
    expect(recordedHttpApi(dir, '127.0.0.1:7302')).toBeUndefined();
  });

  it('kaizen improve speaks the HTTP API only where it carries the same request: no TLS, no API key, no payload codec', () => {
    const dir = recordsDir();
    const home = join(dir, '..');
    recordDevServer(dir, { address: '127.0.0.1:7300', uiUrl: '', httpUrl: 'http://127.0.0.1:9300', pid: process.pid });
    const env = { KAIZEN_USER_HOME: home, TEMPORAL_ADDRESS: '127.0.0.1:7300' };
    expect(httpApiFor(resolveTemporalTarget(env), env)?.baseUrl).toBe('http://127.0.0.1:9300');
    expect(httpApiFor(resolveTemporalTarget(env), env)?.namespace).toBe('default');
    const refusing = [
      { ...env, TEMPORAL_TLS: 'true' },
      { ...env, TEMPORAL_API_KEY: 'secret' },
      { ...env, KAIZEN_CODEC_KEY: Buffer.alloc(32, 1).toString('base64') },
      { ...env, KAIZEN_CODEC_OLD_KEYS: `old:${Buffer.alloc(32, 2).toString('base64')}` },
      { ...env, TEMPORAL_ADDRESS: '127.0.0.1:7301' },
    ];
    for (const other of refusing) expect(httpApiFor(resolveTemporalTarget(other), other), JSON.stringify(other)).toBeUndefined();
  });

  it("forgets its own record on stop, but not a newer server's on the same port", () => {
    const dir = recordsDir();
    const forgetOld = recordDevServer(dir, { address: '127.0.0.1:7300', uiUrl: 'http://127.0.0.1:9100', pid: deadPid() });
    const forgetNew = recordDevServer(dir, { address: '127.0.0.1:7300', uiUrl: 'http://127.0.0.1:9200', pid: process.pid });
    forgetOld();
    expect(recordedUiUrl(dir, '127.0.0.1:7300')).toBe('http://127.0.0.1:9200');
    forgetNew();
    expect(recordedUiUrl(dir, '127.0.0.1:7300')).toBeUndefined();
  });

  it('lives in KAIZEN_USER_HOME, else ~/.kaizen', () => {
    expect(devServerRecordsDir({ KAIZEN_USER_HOME: '/srv/kaizen' })).toBe('/srv/kaizen/dev-servers');
    expect(devServerRecordsDir({})).toMatch(/\.kaizen\/dev-servers$/);
  });
});
