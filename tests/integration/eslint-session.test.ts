// An ESLint session against the real ESLint: the same reports as the `eslint` command, one
// process for every request, and every way it can end (an error, a crash, a time limit,
// cancellation, close) failing the request it leaves with a message and leaving no process.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintFiles, locateEslint, type EslintInstallation } from '../../src/adapters/eslint.js';
import { EslintSession } from '../../src/adapters/eslint-session.js';
import { AnalyserFailedError } from '../../src/core/errors.js';
import { KAIZEN_ROOT } from '../helpers/paths.js';

const root = mkdtempSync(join(tmpdir(), 'kaizen-eslint-session-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const env = { ...process.env };
let folders = 0;

/** A folder with two files the bundled rules have findings in (one fixable, one not). */
function project(): string {
  const dir = join(root, `p${folders++}`);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'a.js'), 'export function f(x) {\n  let y = x + 1;\n  var z = y;\n  return z;\n}\n');
  writeFileSync(join(dir, 'src', 'b.js'), "export function g(a) {\n  return 'a' + 'b' + a;\n}\n");
  return dir;
}

function bundled(dir: string): EslintInstallation {
  const installation = locateEslint({ worktree: dir, kaizenHome: KAIZEN_ROOT, useRepoConfig: true });
  if (installation.kind === 'none') throw new Error('expected the bundled ESLint');
  return installation;
}

/** The bundled ESLint through a package whose API counts the processes that load it. */
function counted(dir: string): { installation: EslintInstallation; processes: () => number } {
  const shim = join(dir, 'eslint-shim');
  const counter = join(dir, 'processes');
  mkdirSync(shim);
  writeFileSync(join(shim, 'package.json'), JSON.stringify({ name: 'eslint', main: 'api.js' }));
  writeFileSync(join(shim, 'api.js'), `require('node:fs').appendFileSync(${JSON.stringify(counter)}, 'x');\nmodule.exports = require(${JSON.stringify(join(KAIZEN_ROOT, 'node_modules', 'eslint'))});\n`);
  const installation = bundled(dir);
  if (!installation.api) throw new Error('expected an ESLint with its API');
  return {
    installation: { ...installation, api: { ...installation.api, packageDir: shim } },
    processes: () => {
      try {
        return readFileSync(counter, 'utf8').length;
      } catch {
        return 0;
      }
    },
  };
}

/** A repository config of its own, next to an ESLint the session can load. */
function ownConfig(dir: string, config: string): EslintInstallation {
  const configFile = join(dir, 'eslint.config.mjs');
  writeFileSync(configFile, config);
  const eslint = join(KAIZEN_ROOT, 'node_modules', 'eslint');
  return {
    kind: 'repo',
    bin: join(eslint, 'bin', 'eslint.js'),
    configFile,
    args: ['--format', 'json', '--no-warn-ignored', '--no-error-on-unmatched-pattern'],
    api: { packageDir: eslint, options: { warnIgnored: false } },
  };
}

/** Processes whose command line names the folder (the session gets the package folder as an argument). */
function processesIn(dir: string): number {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    }).length;
}

describe('an ESLint session', () => {
  it('reports what the eslint command reports, lint and fix, from one process', async () => {
    const dir = project();
    const { installation, processes } = counted(dir);
    const options = { cwd: dir, env, timeoutMs: 60_000 };
    const files = ['src/a.js', 'src/b.js'];
    const session = new EslintSession(KAIZEN_ROOT);
    try {
      const lint = await session.lintFiles(installation, files, options);
      const fix = await session.lintFiles(installation, ['src/a.js'], { ...options, fixDryRun: true });
      expect(session.warm).toBe(true);
      expect(processes()).toBe(1);
      expect(lint).toEqual(await lintFiles(installation, files, options));
      expect(fix).toEqual(await lintFiles(installation, ['src/a.js'], { ...options, fixDryRun: true }));
      expect(lint.flatMap((r) => r.findings.map((f) => f.ruleId)).sort()).toEqual(['no-useless-concat', 'no-var', 'prefer-const']);
      expect(fix[0]?.output).toContain('const y = x + 1;');
      // The dry run wrote nothing.
      expect(readFileSync(join(dir, 'src', 'a.js'), 'utf8')).toContain('let y');
    } finally {
      await session.close();
    }
    expect(session.warm).toBe(false);
    expect(processesIn(dir)).toBe(0);
  });

  it('fails a request with ESLint\'s error, where it came from and the way out, and keeps answering', async () => {
    const dir = project();
    writeFileSync(join(dir, 'src', 'boom.js'), 'export const boom = 1;\n');
    const installation = ownConfig(
      dir,
      `const boom = { create(context) { if (context.filename.endsWith('boom.js')) throw new Error('the rule blew up'); return {}; } };
export default [{ plugins: { local: { rules: { boom } } }, rules: { 'local/boom': 'error', 'no-var': 'error' } }];
`,
    );
    const session = new EslintSession(KAIZEN_ROOT);
    try {
      const failure = session.lintFiles(installation, ['src/boom.js'], { cwd: dir, env, timeoutMs: 60_000 });
      await expect(failure).rejects.toBeInstanceOf(AnalyserFailedError);
      await expect(failure).rejects.toThrow(/\(node \S+eslint\.js --format json --no-warn-ignored --no-error-on-unmatched-pattern src\/boom\.js\)[\s\S]*the rule blew up[\s\S]*at .*eslint\.config\.mjs[\s\S]*Make 'npx eslint <file>' work in the repository/);
      const reports = await session.lintFiles(installation, ['src/a.js'], { cwd: dir, env, timeoutMs: 60_000 });
      expect(reports[0]?.findings.map((f) => f.ruleId)).toEqual(['no-var']);
    } finally {
      await session.close();
    }
  });

  it('fails with the exit code and output of a session that dies', async () => {
    const dir = project();
    const installation = ownConfig(dir, "console.error('the config gave up');\nprocess.exit(3);\n");
    const session = new EslintSession(KAIZEN_ROOT);
    const failure = session.lintFiles(installation, ['src/a.js'], { cwd: dir, env, timeoutMs: 60_000 });
    await expect(failure).rejects.toThrow(/exit code 3: the ESLint session ended before it answered: the config gave up/);
    expect(session.warm).toBe(false);
    await session.close();
  });

  it('ends its process group at the time limit, or when cancelled', async () => {
    const dir = project();
    const installation = ownConfig(dir, 'await new Promise((resolve) => setTimeout(resolve, 600_000));\nexport default [];\n');
    const timed = new EslintSession(KAIZEN_ROOT);
    await expect(timed.lintFiles(installation, ['src/a.js'], { cwd: dir, env, timeoutMs: 1_500 })).rejects.toThrow(/ESLint did not finish within 2s\. Raise "timeouts\.analyse"/);
    await timed.close();
    expect(processesIn(dir)).toBe(0);

    const cancel = new AbortController();
    const cancelled = new EslintSession(KAIZEN_ROOT);
    const request = cancelled.lintFiles(installation, ['src/a.js'], { cwd: dir, env, timeoutMs: 600_000, signal: cancel.signal });
    setTimeout(() => cancel.abort(new Error('the activity was cancelled')), 500);
    await expect(request).rejects.toThrow('the activity was cancelled');
    await cancelled.close();
    expect(processesIn(dir)).toBe(0);
  });
});
