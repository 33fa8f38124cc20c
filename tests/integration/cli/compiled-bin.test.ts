// The `kaizen` bin runs the compiled CLI in dist/ only while dist/build-stamp.json matches the
// sources; an edited, added or removed source sends it back to src/ through tsx, so stale
// compiled code never runs. A copy of bin/ in a scratch install folder, run as a real process.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stampNow, STAMP_FILE } from '../../../bin/build-stamp.js';
import { KAIZEN_ROOT } from '../../helpers/paths.js';

const run = promisify(execFile);
let home: string;

const SOURCE_MAIN = "console.log('ran src/ through tsx');\n";

async function kaizen(): Promise<string> {
  const { stdout } = await run(process.execPath, [join(home, 'bin', 'kaizen.js')], { cwd: home });
  return stdout.trim();
}

function write(path: string, text: string): void {
  mkdirSync(join(home, path, '..'), { recursive: true });
  writeFileSync(join(home, path), text);
}

function stamp(): void {
  writeFileSync(join(home, STAMP_FILE), JSON.stringify(stampNow(home)));
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'kaizen-bin-'));
  mkdirSync(join(home, 'bin'));
  for (const name of ['kaizen.js', 'build-stamp.js']) copyFileSync(join(KAIZEN_ROOT, 'bin', name), join(home, 'bin', name));
  writeFileSync(join(home, 'package.json'), '{ "type": "module" }\n');
  // tsx comes from Kaizen's own install, as it would in a real one.
  symlinkSync(join(KAIZEN_ROOT, 'node_modules'), join(home, 'node_modules'), 'dir');
  write('package-lock.json', '{}\n');
  write('tsconfig.json', '{}\n');
  write('src/cli/main.ts', SOURCE_MAIN);
  write('src/core/types.ts', 'export type Id = string;\n');
  write('dist/cli/main.js', "console.log('ran dist/');\n");
});

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the kaizen bin', () => {
  it('runs the sources through tsx when nothing was built', async () => {
    expect(await kaizen()).toBe('ran src/ through tsx');
  });

  it('runs dist/ when it was built from the sources as they are', async () => {
    stamp();
    expect(await kaizen()).toBe('ran dist/');
  });

  it('still runs dist/ when a source was touched without being changed', async () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(home, 'src', 'cli', 'main.ts'), later, later);
    expect(await kaizen()).toBe('ran dist/');
  });

  it('runs the sources when one was edited after the build, and dist/ again after a rebuild', async () => {
    write('src/core/types.ts', 'export type Id = number;\n');
    expect(await kaizen()).toBe('ran src/ through tsx');
    stamp();
    expect(await kaizen()).toBe('ran dist/');
  });

  it('runs the sources when a source was added or removed, or the locked dependencies changed', async () => {
    write('src/core/extra.ts', 'export const extra = 1;\n');
    expect(await kaizen()).toBe('ran src/ through tsx');
    rmSync(join(home, 'src', 'core', 'extra.ts'));
    expect(await kaizen()).toBe('ran dist/');
    rmSync(join(home, 'src', 'core', 'types.ts'));
    expect(await kaizen()).toBe('ran src/ through tsx');
    write('src/core/types.ts', 'export type Id = number;\n');
    expect(await kaizen()).toBe('ran dist/');
    write('package-lock.json', '{ "lockfileVersion": 3 }\n');
    expect(await kaizen()).toBe('ran src/ through tsx');
  });

  it('runs the sources when the stamp is missing or unreadable (a build that stopped half-way)', async () => {
    stamp();
    writeFileSync(join(home, STAMP_FILE), '{"version":1,"files":[');
    expect(await kaizen()).toBe('ran src/ through tsx');
    rmSync(join(home, STAMP_FILE));
    expect(await kaizen()).toBe('ran src/ through tsx');
  });
});
