// How Kaizen runs an ESLint installation: the environment and arguments its processes get,
// seen by a stand-in bin that reports them as findings in ESLint's JSON format.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintFiles, type EslintInstallation } from '../../src/adapters/eslint.js';

const dir = mkdtempSync(join(tmpdir(), 'kaizen-eslint-adapter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reports, for each file, the typescript-eslint single-run switch and whether it was asked to fix. */
const bin = join(dir, 'eslint.js');
writeFileSync(
  bin,
  `const files = process.argv.slice(process.argv.indexOf('--') + 1);
const seen = 'TSESTREE_SINGLE_RUN=' + (process.env.TSESTREE_SINGLE_RUN ?? 'unset') + ' fix=' + process.argv.includes('--fix-dry-run');
process.stdout.write(JSON.stringify(files.map((f) => ({ filePath: require('node:path').join(process.cwd(), f), messages: [{ ruleId: 'seen', severity: 2, message: seen, line: 1, column: 1 }] }))));
`,
);
chmodSync(bin, 0o755);
writeFileSync(join(dir, 'a.ts'), 'let a = 1;\n');
const installation: EslintInstallation = { kind: 'repo', bin, configFile: join(dir, 'eslint.config.js'), args: ['--format', 'json'], api: null };
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'TSESTREE_SINGLE_RUN'));

describe('ESLint processes', () => {
  it('a fix run gets typescript-eslint\'s updatable program; a plain lint keeps its single-run default', async () => {
    const seen = async (fixDryRun: boolean) => (await lintFiles(installation, ['a.ts'], { cwd: dir, env, timeoutMs: 30_000, fixDryRun }))[0]?.findings[0]?.message;
    expect(await seen(true)).toBe('TSESTREE_SINGLE_RUN=false fix=true');
    expect(await seen(false)).toBe('TSESTREE_SINGLE_RUN=unset fix=false');
  });
});
