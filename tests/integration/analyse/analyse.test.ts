import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnalyseActivities } from '../../../src/activities/analyse/analyse.js';
import { autofixProposal } from '../../../src/activities/generate/autofix.js';
import { readProposalBody } from '../../../src/activities/generate/proposal-store.js';
import { AnalyserFailedError } from '../../../src/core/errors.js';
import type { TempRepo } from '../../helpers/git-repo.js';
import { commitAt, configOf, deps, KAIZEN_HOME, sampleRepo, TODO_SARIF, workspaceOf } from '../../fixtures/analysis-setup.js';

const { analyse, checkFindings } = createAnalyseActivities(deps);
const repos: TempRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});
function track(repo: TempRepo): TempRepo {
  repos.push(repo);
  return repo;
}

/** Gives the repo its own ESLint (Kaizen's, linked like an installed dependency) and config. */
function withOwnEslint(repo: TempRepo, config: string): void {
  repo.write('eslint.config.js', config);
  commitAt(repo, 'eslint config', new Date(Date.now() - 86_400_000));
  mkdirSync(`${repo.path}/node_modules`);
  symlinkSync(`${KAIZEN_HOME}/node_modules/eslint`, `${repo.path}/node_modules/eslint`);
}

describe('analyse with Kaizen\'s bundled ESLint', () => {
  it('finds the sample repository\'s findings with a config outside the worktree and targets the file with the most fixable ones', async () => {
    const repo = track(sampleRepo());
    const result = await analyse({ workspace: workspaceOf(repo), config: configOf() });
    // The four sources; the three test files are never analysed.
    expect(result).toMatchObject({ target: 'src/cart.js', fixableCount: 8, filesAnalysed: 4, analysers: ['eslint'] });
    expect(result.totalFindings).toBe(17);
    expect(new Set(result.findings.map((f) => f.ruleId))).toEqual(
      new Set(['no-var', 'operator-assignment', 'prefer-const', 'object-shorthand', 'no-unneeded-ternary']),
    );
    expect(result.findings.every((f) => f.file === 'src/cart.js' && f.fixable)).toBe(true);
  });

  it('leaves a file the user is editing alone and takes the next one', async () => {
    const repo = track(sampleRepo());
    const result = await analyse({ workspace: workspaceOf(repo, { userDirtyFiles: ['src/cart.js'] }), config: configOf() });
    expect(result.target).toBe('src/inventory.js');
    expect(result.fixableCount).toBe(5);
    expect(result.findings.at(-1)).toMatchObject({ ruleId: 'no-unused-vars', fixable: false });
  });

  it('leaves recently committed files alone, and says so when that leaves nothing', async () => {
    const repo = track(sampleRepo());
    repo.write('src/cart.js', `// Carts.\n${readFileSync(`${repo.path}/src/cart.js`, 'utf8')}`);
    commitAt(repo, 'touch cart', new Date(Date.now() - 5 * 60_000));
    const config = configOf({ recentChangeMinutes: 60 });
    expect((await analyse({ workspace: workspaceOf(repo), config })).target).toBe('src/inventory.js');

    const fresh = track(sampleRepo());
    fresh.write('src/format.js', `${readFileSync(`${fresh.path}/src/format.js`, 'utf8')}\n`);
    fresh.write('src/inventory.js', `${readFileSync(`${fresh.path}/src/inventory.js`, 'utf8')}\n`);
    fresh.write('src/cart.js', `${readFileSync(`${fresh.path}/src/cart.js`, 'utf8')}\n`);
    commitAt(fresh, 'recent edits', new Date(Date.now() - 3 * 60_000));
    const none = await analyse({ workspace: workspaceOf(fresh), config });
    expect(none.target).toBeNull();
    expect(none.reason).toBe(
      'all 3 files with findings were skipped: src/cart.js (changed 3 minutes ago), src/inventory.js (changed 3 minutes ago), src/format.js (changed 3 minutes ago)',
    );
  });

  it('skips excluded and oversized files without analysing them', async () => {
    const repo = track(sampleRepo({ 'vendor/old.js': 'var a = 1; var b = 2; var c = 3; var d = 4; var e = 5; var f = 6; var g = 7; var h = 8; var i = 9; var j = 10; var k = 11;\nexport { a, b, c, d, e, f, g, h, i, j, k };\n' }));
    const config = configOf({ exclude: ['src/cart.js'], maxFileSizeKb: 1.5 });
    const result = await analyse({ workspace: workspaceOf(repo), config });
    // cart.js is excluded, inventory.js (1.6 KB) is too large, vendor/ is a default exclude,
    // and the three test files are never analysed: index.js and format.js are left.
    expect(result.target).toBe('src/format.js');
    expect(result.filesAnalysed).toBe(2);
  });

  it('reports a file that does not parse as a fatal finding and never targets it', async () => {
    const repo = track(sampleRepo({ 'src/broken.js': 'export function broken( {\n  return 1;\n}\n' }));
    const result = await analyse({ workspace: workspaceOf(repo), config: configOf(), file: 'src/broken.js' });
    expect(result.findings).toEqual([expect.objectContaining({ ruleId: 'parse-error', fatal: true, line: 2, severity: 'error' })]);

    const only = track(sampleRepo({ 'src/cart.js': 'export const x = ;\n', 'src/inventory.js': '', 'src/format.js': '' }));
    const none = await analyse({ workspace: workspaceOf(only), config: configOf() });
    expect(none).toMatchObject({ target: null, reason: 'the only file with findings was skipped: src/cart.js (does not parse)' });
  });

  it('analyses only an explicitly requested file, and refuses one that is missing, untracked or excluded', async () => {
    const repo = track(sampleRepo({ 'dist/bundle.js': 'var x = 1;\nexport { x };\n' }));
    writeFileSync(`${repo.path}/src/scratch.js`, 'var y = 2;\nexport { y };\n');
    const workspace = workspaceOf(repo);
    const config = configOf();
    expect(await analyse({ workspace, config, file: './src/format.js' })).toMatchObject({ target: 'src/format.js', fixableCount: 3, totalFindings: 3, filesAnalysed: 1 });
    expect((await analyse({ workspace, config, file: 'src/nope.js' })).reason).toBe('src/nope.js does not exist in the repository');
    expect((await analyse({ workspace, config, file: 'src/scratch.js' })).reason).toBe('src/scratch.js is not tracked by git; commit it first');
    expect((await analyse({ workspace, config, file: 'dist/bundle.js' })).reason).toMatch(/^dist\/bundle\.js is excluded/);
  });

  it('lints TypeScript files with the typescript-eslint parser, and leaves quoted keys alone', async () => {
    const repo = track(sampleRepo({ 'src/types.ts': 'interface Item { sku: string }\nexport function skus(items: Item[]): string[] {\n  let out: string[] = [];\n  for (const item of items) out.push(item["sku"]);\n  return out;\n}\n' }));
    const result = await analyse({ workspace: workspaceOf(repo), config: configOf(), file: 'src/types.ts' });
    // item["sku"] stays: dot-notation is not bundled (TypeScript checks o['k'] and o.k differently).
    expect(result.findings.map((f) => f.ruleId)).toEqual(['prefer-const']);
  });

  it('honours the repo\'s disable comments and never reports those naming other rules or plugins', async () => {
    const legacy = [
      '// eslint-disable-next-line no-var',
      'var kept = 1;',
      '// eslint-disable-next-line react/no-danger',
      'export const html = { __html: kept }; // eslint-disable-line no-console',
      '',
    ].join('\n');
    const repo = track(sampleRepo({ 'src/legacy.js': legacy }));
    const result = await analyse({ workspace: workspaceOf(repo), config: configOf(), file: 'src/legacy.js' });
    expect(result.findings).toEqual([]);
  });
});

describe('files Kaizen never targets', () => {
  it('leaves tests (by test.globs and by the runner\'s config), declaration files and generated files alone, even when only they have findings', async () => {
    const legacy = 'var x = 1;\nexport { x };\n';
    const repo = track(
      sampleRepo({
        'src/cart.js': 'export const cart = [];\n',
        'src/inventory.js': 'export const stock = {};\n',
        'src/format.js': 'export const format = String;\n',
        'test/legacy.test.js': legacy,
        'vitest.config.js': "export default { test: { include: ['checks/**/*.check.js'] } };\n",
        'checks/sum.check.js': legacy,
        'types/index.d.ts': 'declare var y: number;\nexport { y };\n',
        'src/parser.js': `// @generated by a parser generator\n${legacy}`,
      }),
    );
    const workspace = workspaceOf(repo);
    const result = await analyse({ workspace, config: configOf() });
    expect(result.target).toBeNull();
    expect(result.reason).toBe('the only file with findings was skipped: src/parser.js (generated (an @generated marker))');
    expect(result.totalFindings).toBe(1);

    expect((await analyse({ workspace, config: configOf(), file: 'test/legacy.test.js' })).reason).toBe('test/legacy.test.js is a test file (test.globs), so Kaizen never targets it');
    expect((await analyse({ workspace, config: configOf(), file: 'checks/sum.check.js' })).reason).toBe("checks/sum.check.js is a test file (the test runner's conventions and config), so Kaizen never targets it");
    expect((await analyse({ workspace, config: configOf(), file: 'types/index.d.ts' })).reason).toBe('types/index.d.ts is a declaration file, so Kaizen never targets it');
    expect((await analyse({ workspace, config: configOf(), file: 'src/parser.js' })).reason).toBe('src/parser.js is generated (an @generated marker), so Kaizen never targets it');
  });
});

describe('analyse with the repository\'s own ESLint', () => {
  it('uses the repo\'s config when it has both ESLint and a flat config', async () => {
    const repo = track(sampleRepo());
    withOwnEslint(repo, "export default [{ files: ['**/*.js'], rules: { 'no-var': 'error' } }];\n");
    const result = await analyse({ workspace: workspaceOf(repo), config: configOf() });
    expect(new Set(result.findings.map((f) => f.ruleId))).toEqual(new Set(['no-var']));
    expect(result).toMatchObject({ target: 'src/cart.js', fixableCount: 2, totalFindings: 3 });
    expect(result.findings[0]).toMatchObject({ severity: 'error' });

    const bundled = await analyse({ workspace: workspaceOf(repo), config: configOf({ eslint: { useRepoConfig: false } }) });
    expect(bundled.totalFindings).toBe(17);
  });

  it('never applies a rule the repo did not enable: the autofix changes only what its own rules flag', async () => {
    const repo = track(sampleRepo());
    withOwnEslint(repo, "export default [{ files: ['**/*.js'], rules: { 'no-var': 'warn' } }];\n");
    const workspace = workspaceOf(repo);
    const config = configOf();
    const analysis = await analyse({ workspace, config, file: 'src/cart.js' });
    const proposal = await autofixProposal(deps, { workspace, config, target: 'src/cart.js', findings: analysis.findings });
    expect(proposal.summary).toBe('ESLint autofix: no-var ×2 in src/cart.js');
    const fixed = (await readProposalBody(proposal.proposalPath)).files[0]?.content ?? '';
    expect(fixed).not.toContain('var ');
    // What Kaizen's own rules would have rewritten stays as the author wrote it.
    expect(fixed).toContain('existing.quantity = existing.quantity + quantity;');
    expect(fixed).toContain('quantity: quantity };');
    expect(fixed).toContain("return cart.lines.length === 0 ? true : false;");
  });

  it('applies none of Kaizen\'s rules to a repo that lints with another tool', async () => {
    const repo = track(sampleRepo({ 'biome.json': '{ "linter": { "enabled": true } }\n' }));
    const result = await analyse({ workspace: workspaceOf(repo), config: configOf() });
    expect(result).toMatchObject({ target: null, totalFindings: 0 });
  });

  it('refuses, naming the fix, when the repo\'s ESLint config cannot run, instead of using Kaizen\'s rules', async () => {
    const missing = track(sampleRepo({ 'eslint.config.js': 'export default [];\n' }));
    await expect(analyse({ workspace: workspaceOf(missing), config: configOf() })).rejects.toThrow(
      /own ESLint config \(eslint\.config\.js\) but no ESLint in its node_modules\. Install its dependencies .*"eslint\.useRepoConfig": false/,
    );
    const legacy = track(sampleRepo({ '.eslintrc.json': '{ "rules": { "no-var": "error" } }\n' }));
    await expect(analyse({ workspace: workspaceOf(legacy), config: configOf() })).rejects.toThrow(/\(\.eslintrc\.json\) is not a flat config .*migrate-config \.eslintrc\.json/);
    const inManifest = track(sampleRepo());
    const manifest = JSON.parse(readFileSync(`${inManifest.path}/package.json`, 'utf8')) as Record<string, unknown>;
    inManifest.write('package.json', JSON.stringify({ ...manifest, eslintConfig: { rules: { 'no-var': 'error' } } }));
    commitAt(inManifest, 'eslintConfig', new Date(Date.now() - 86_400_000));
    await expect(analyse({ workspace: workspaceOf(inManifest), config: configOf() })).rejects.toThrow(/package\.json "eslintConfig"\) is not a flat config/);
    // Asked for explicitly, Kaizen's behaviour-preserving rules still run.
    expect((await analyse({ workspace: workspaceOf(legacy), config: configOf({ eslint: { useRepoConfig: false } }) })).totalFindings).toBe(17);
  });

  it('fails with the ESLint output and the way out when the repo config is broken', async () => {
    const repo = track(sampleRepo());
    withOwnEslint(repo, "throw new Error('config exploded');\n");
    const failure = analyse({ workspace: workspaceOf(repo), config: configOf() });
    await expect(failure).rejects.toBeInstanceOf(AnalyserFailedError);
    await expect(failure).rejects.toThrow(/Error: config exploded\n\s+at .*eslint\.config\.js[\s\S]*"eslint\.useRepoConfig": false/);
  });
});

describe('analyse with a SARIF analyser', () => {
  const todoScan = (command: string[], extra: Record<string, unknown> = {}) =>
    configOf({ analysers: [{ id: 'todo-scan', command, include: ['src/**/*.js'], ...extra }] });

  it('adds the findings of a command printing SARIF for the files it is given', async () => {
    const repo = track(sampleRepo({ 'src/format.js': '// TODO: currencies from config\nexport const A = 1; // TODO: rename\n', 'test/todo.test.js': '// TODO: not included\n' }));
    const result = await analyse({ workspace: workspaceOf(repo), config: todoScan(['node', TODO_SARIF, '{files}']), file: 'src/format.js' });
    expect(result.analysers).toEqual(['eslint', 'todo-scan']);
    expect(result.findings).toEqual([
      expect.objectContaining({ file: 'src/format.js', line: 1, column: 4, ruleId: 'todo-comment', analyser: 'todo-scan', severity: 'info', fixable: false }),
      expect.objectContaining({ file: 'src/format.js', line: 2, analyser: 'todo-scan' }),
    ]);
  });

  it('runs a command without {files} once over the worktree and keeps results of included files only', async () => {
    const repo = track(sampleRepo({ 'src/format.js': '// TODO: one\n', 'src/legacy.js': '// TODO: two\n' }));
    const config = todoScan(['node', TODO_SARIF], { fixCommand: ['node', 'fix.mjs', '{file}'], include: ['src/format.js'] });
    const result = await analyse({ workspace: workspaceOf(repo, { userDirtyFiles: ['src/cart.js', 'src/inventory.js'] }), config });
    const todos = result.findings.filter((f) => f.analyser === 'todo-scan');
    expect(result.target).toBe('src/format.js');
    expect(todos).toEqual([expect.objectContaining({ file: 'src/format.js', fixable: true })]);
  });

  it('fails naming the analyser when its output is not SARIF', async () => {
    const repo = track(sampleRepo());
    const failure = analyse({ workspace: workspaceOf(repo), config: todoScan(['node', '-e', 'console.log("all good")', '{files}']) });
    await expect(failure).rejects.toThrow(/Analyser 'todo-scan' .* failed .*[\s\S]*not SARIF[\s\S]*must print SARIF 2\.1/);
  });
});

describe('checkFindings', () => {
  it('passes a change that fixes the targets, and names remaining, introduced and parse problems', async () => {
    const repo = track(sampleRepo());
    const workspace = workspaceOf(repo);
    const config = configOf();
    const before = await analyse({ workspace, config, file: 'src/format.js' });
    const targets = before.findings.filter((f) => f.fixable);
    const original = readFileSync(`${repo.path}/src/format.js`, 'utf8');
    const fixed = original
      .replace('var symbol', 'const symbol')
      .replace('0 === whole', 'whole === 0')
      .replace('{ currency: currency }', '{ currency }')
      .replace("settings['currency']", 'settings.currency');
    const check = (content: string) => {
      repo.write('src/format.js', content);
      repo.commitAll('change');
      return checkFindings({ workspace, config, target: 'src/format.js', before: before.findings, targets });
    };

    expect(await check(fixed)).toEqual({ ok: true, parses: true, fixed: targets, remaining: [], introduced: [] });

    // Partial progress lands: one target left, nothing new; what is left is named.
    const halfway = await check(fixed.replace('whole === 0', '0 === whole'));
    expect(halfway).toMatchObject({ ok: true, parses: true, introduced: [] });
    expect(halfway.fixed).toHaveLength(targets.length - 1);
    expect(halfway.remaining).toEqual([expect.objectContaining({ ruleId: 'yoda', line: 18 })]);
    expect(halfway.reason).toBe(`fixed ${targets.length - 1} of ${targets.length} targeted findings; left for the next run: yoda (line 18)`);

    const nothing = await check(original);
    expect(nothing).toMatchObject({ ok: false, fixed: [], reason: expect.stringMatching(/^none of the \d+ targeted findings is gone from src\/format\.js/) });

    const worse = await check(`${fixed}\nexport function half(n) {\n  let h = n / 2;\n  return h;\n}\n`);
    expect(worse).toMatchObject({ ok: false, parses: true, remaining: [] });
    expect(worse.introduced).toEqual([expect.objectContaining({ ruleId: 'prefer-const', line: 39 })]);
    expect(worse.reason).toBe('the change adds 1 finding to src/format.js: prefer-const (line 39)');

    const broken = await check(fixed.replace('export function roundTo(value, digits) {', 'export function roundTo(value, digits {'));
    expect(broken).toMatchObject({ ok: false, parses: false, reason: expect.stringMatching(/^src\/format\.js no longer parses: line 12: Parsing error/) });
  });
});
