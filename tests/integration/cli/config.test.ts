// `kaizen config validate|show`: every problem of a bad kaizen.config.json as `dotted.path:
// message` with a non-zero exit, and the effective config with the defaults filled in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configShowCommand, configValidateCommand } from '../../../src/cli/config.js';
import { CliError } from '../../../src/cli/errors.js';

const dirs: string[] = [];
function repo(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-config-cli-'));
  dirs.push(dir);
  if (config !== undefined) writeFileSync(join(dir, 'kaizen.config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

function capture() {
  let out = '';
  let err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += `${a.join(' ')}\n`));
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  return {
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    restore() {
      log.mockRestore();
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('kaizen config validate', () => {
  it('lists every problem as dotted.path: message and exits 1', async () => {
    const dir = repo({ budget: { maxPerDay: -1, maxConcurent: 3 }, schedule: { every: 'often' }, timeouts: { verify: 5 }, mode: 'yolo' });
    const io = capture();
    const code = await configValidateCommand(dir, {});
    io.restore();
    expect(code).toBe(1);
    const lines = io.err.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^budget\.maxPerDay: /),
        'budget.maxConcurent: unknown key',
        expect.stringMatching(/^schedule\.every: expected a duration like "90s", "10m", "6h" or "1d"/),
        expect.stringMatching(/^timeouts\.verify: /),
        expect.stringMatching(/^mode: /),
      ]),
    );
    expect(lines).toHaveLength(5);
    expect(io.err).toContain(join(dir, 'kaizen.config.json'));
  });

  it('names a file that is not JSON', async () => {
    const io = capture();
    const code = await configValidateCommand(repo('{ "mode": "merge", }'), { json: true });
    io.restore();
    expect(code).toBe(1);
    expect(JSON.parse(io.out)).toMatchObject({ ok: false, problems: [expect.stringMatching(/^\(file\): not valid JSON/)] });
  });

  it('accepts a valid file, and no file at all (the defaults)', async () => {
    const io = capture();
    expect(await configValidateCommand(repo({ mode: 'merge', budget: { maxPerDay: 3 } }), {})).toBe(0);
    expect(await configValidateCommand(repo(), {})).toBe(0);
    io.restore();
    expect(io.out).toMatch(/is valid/);
    expect(io.out).toMatch(/has no kaizen\.config\.json: the defaults apply/);
  });
});

describe('kaizen config show', () => {
  it('prints the effective config with every default', async () => {
    const io = capture();
    expect(await configShowCommand(repo({ mode: 'merge', schedule: { every: '12h' } }), {})).toBe(0);
    io.restore();
    const shown = JSON.parse(io.out) as Record<string, unknown>;
    expect(shown).toMatchObject({
      enabled: true,
      mode: 'merge',
      schedule: { every: '12h', jitter: '5m' },
      budget: { maxPerDay: 5, maxPerFilePerDay: 2, minIntervalMinutes: 60, maxConcurrent: 3, maxAttemptsPerCycle: 5 },
      pauseBetweenSteps: 0,
      approval: { required: false, timeout: '24h' },
      maxFileSizeKb: 500,
    });
  });

  it('refuses an invalid file with its problems and the fix', async () => {
    await expect(configShowCommand(repo({ budget: { maxPerDay: 'many' } }), {})).rejects.toThrow(CliError);
    await expect(configShowCommand(repo({ budget: { maxPerDay: 'many' } }), {})).rejects.toThrow(/budget\.maxPerDay: .*\n.*kaizen config show/s);
  });
});
