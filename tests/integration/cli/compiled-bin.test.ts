// The `kaizen` bin runs the compiled CLI in dist/ only while dist/build-stamp.json matches the
// sources; an edited, added or removed source sends it back to src/ through tsx, so stale
// compiled code never runs. The compiled CLI is two files when the build made them (the command
// tree, and the commands it loads to run one), each loaded with a V8 code cache. A copy of bin/ in a scratch install folder, run as a real process.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stampNow, STAMP_FILE } from '../../../bin/build-stamp.cjs';
import { CLI_FOLDER, COMMANDS_FILE, LOAD_COMMANDS_KEY, TREE_FILE } from '../../../bin/cli-layout.cjs';
import { KAIZEN_ROOT } from '../../helpers/paths.js';

const run = promisify(execFile);
let home: string;

const SOURCE_MAIN = "console.log('ran src/ through tsx');\n";

async function kaizen(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [join(home, 'bin', 'kaizen.cjs'), ...args], { cwd: home });
  return stdout.trim();
}

/** The exit code and output of a run expected to fail. */
async function kaizenFailing(...args: string[]): Promise<{ code: unknown; stdout: string }> {
  try {
    await run(process.execPath, [join(home, 'bin', 'kaizen.cjs'), ...args], { cwd: home });
  } catch (err) {
    const failure = err as { code?: unknown; stdout?: string };
    return { code: failure.code, stdout: (failure.stdout ?? '').trim() };
  }
  throw new Error(`kaizen ${args.join(' ')} succeeded`);
}

const TREE = join(CLI_FOLDER, TREE_FILE);
const COMMANDS = join(CLI_FOLDER, COMMANDS_FILE);
const caches = (): string[] => readdirSync(join(home, CLI_FOLDER)).filter((name) => name.endsWith('.v8-cache')).sort();

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
  for (const name of ['kaizen.cjs', 'build-stamp.cjs', 'cli-layout.cjs', 'code-cache.cjs']) copyFileSync(join(KAIZEN_ROOT, 'bin', name), join(home, 'bin', name));
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

  it('runs the compiled CLI when the build made one, loading the commands file only for a command, with a code cache per command', async () => {
    // As the build makes them: the command tree asks the bin's loader for the commands file only to run one.
    write(TREE, `exports.runCli = async (argv) => {
  const [command, code] = argv.slice(2);
  if (command === '--help') { console.log('the command tree'); return 0; }
  return globalThis[Symbol.for(${JSON.stringify(LOAD_COMMANDS_KEY)})]().run(command, Number(code));
};\n`);
    write(COMMANDS, "exports.run = (command, code) => { console.log('ran ' + command); return code; };\n");
    stamp();
    expect(await kaizen('--help')).toBe('the command tree');
    expect(caches()).toEqual([`${TREE_FILE}.v8-cache`]);
    expect(await kaizen('status', '0')).toBe('ran status');
    expect(caches()).toEqual([`${TREE_FILE}.v8-cache`, `${COMMANDS_FILE}.status.v8-cache`]);
    expect(await kaizen('status', '0')).toBe('ran status');
    expect(await kaizen('log', '0')).toBe('ran log');
    expect(caches()).toEqual([`${TREE_FILE}.v8-cache`, `${COMMANDS_FILE}.log.v8-cache`, `${COMMANDS_FILE}.status.v8-cache`]);
  });

  it("passes the command's exit code on, and keeps no cache of a failed run", async () => {
    expect(await kaizenFailing('watch', '3')).toEqual({ code: 3, stdout: 'ran watch' });
    expect(existsSync(join(home, COMMANDS + '.watch.v8-cache'))).toBe(false);
  });

  it('runs with a cache V8 refuses (another Node version) and replaces it', async () => {
    const cache = join(home, COMMANDS + '.status.v8-cache');
    writeFileSync(cache, 'not a code cache');
    expect(await kaizen('status', '0')).toBe('ran status');
    expect(readdirSync(join(home, 'dist', 'cli')).filter((name) => name.includes('.v8-cache.'))).toEqual([]);
    expect(statSync(cache).size).toBeGreaterThan(100);
  });
});
