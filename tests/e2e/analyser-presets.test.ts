// A repository that lints with Biome, oxlint or ruff is analysed and fixed by its own tool,
// named by a preset in kaizen.config.json or found by its config file: no wrapper script, no
// ESLint rule it never enabled. Real dev server, worker, git, Biome and oxlint (Kaizen's dev
// dependencies, as a repo's own node_modules would hold them) and ruff (installed by `npm ci`
// into .tools/venv).
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, GIT_ENV, type TempRepo } from '../helpers/git-repo.js';
import { startKaizen, type E2eKaizen } from '../helpers/e2e.js';
import { KAIZEN_ROOT } from '../helpers/paths.js';

let kaizen: E2eKaizen;
const repos: TempRepo[] = [];
const track = (repo: TempRepo) => (repos.push(repo), repo);

beforeAll(async () => {
  kaizen = await startKaizen('presets', { PATH: [join(KAIZEN_ROOT, 'node_modules', '.bin'), GIT_ENV.PATH ?? ''].join(delimiter) });
});

afterAll(async () => {
  await kaizen?.close();
  for (const repo of repos) repo.cleanup();
});

describe('analyser presets', () => {
  it("a Biome repository is analysed and fixed by Biome with its own rules; ESLint's never apply", async () => {
    const repo = track(
      createRepo({
        'package.json': JSON.stringify({ name: 'shop', type: 'module', scripts: { test: 'node --test' } }),
        'biome.json': JSON.stringify({ linter: { enabled: true, rules: { recommended: true } } }),
        'kaizen.config.json': JSON.stringify({ recentChangeMinutes: 0, analysers: ['biome'] }),
        // `var` is an ESLint finding (no-var) that Biome's recommended rules do not report.
        'src/total.js': 'export function total(items) {\n  let sum = 0;\n  for (const item of items) sum += item;\n  let label = "total";\n  var unusedByEslintRules = 1;\n  return `${label}: ${sum + unusedByEslintRules}`;\n}\n',
        'test/total.test.js': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { total } from '../src/total.js';\n\ntest('totals', () => assert.equal(total([1, 2]), 'total: 4'));\n",
      }),
    );
    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'autofix', mode: 'merge' });
    expect(result.outcome, result.reason).toBe('applied');
    expect(result.file).toBe('src/total.js');
    expect(result.fixedRules).toEqual(['lint/style/useConst']);
    const fixed = repo.git('show', 'main:src/total.js');
    expect(fixed).toContain('const label = "total";');
    expect(fixed).toContain('var unusedByEslintRules = 1;');
  });

  it('a Python repository is analysed and fixed by ruff, its tests run by its own command', async () => {
    const repo = track(
      createRepo({
        'kaizen.config.json': JSON.stringify({ recentChangeMinutes: 0, analysers: ['ruff'], test: { command: 'python3 -m unittest discover -s tests' } }),
        'shop/__init__.py': '',
        'shop/prices.py': 'import os\nimport sys\n\n\ndef with_tax(amount):\n    return round(amount * 1.2, 2)\n',
        'tests/test_prices.py': 'import unittest\n\nfrom shop.prices import with_tax\n\n\nclass PricesTest(unittest.TestCase):\n    def test_tax(self):\n        self.assertEqual(with_tax(10), 12.0)\n',
      }),
    );
    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'autofix', mode: 'merge' });
    expect(result.outcome, result.reason).toBe('applied');
    expect(result.file).toBe('shop/prices.py');
    expect(result.fixedRules).toEqual(['F401']);
    expect(result.findingsFixed).toBe(2);
    expect(repo.git('show', 'main:shop/prices.py')).toBe('def with_tax(amount):\n    return round(amount * 1.2, 2)');
    expect(result.testsAfter?.passed).toBe(true);
  });

  it('an oxlint repository with no analysers in its config gets the oxlint preset: its rules, and only the fixes oxlint calls safe', async () => {
    const repo = track(
      createRepo({
        'package.json': JSON.stringify({ name: 'shop', type: 'module', scripts: { test: 'node --test' } }),
        // prefer-const has a safe fix; no-unneeded-ternary's fix is one oxlint calls dangerous.
        '.oxlintrc.json': JSON.stringify({ rules: { 'prefer-const': 'error', 'no-unneeded-ternary': 'error' } }),
        'kaizen.config.json': JSON.stringify({ recentChangeMinutes: 0 }),
        // `var` is an ESLint finding (no-var) this repository never enabled.
        'src/total.js': 'export function total(items, strict) {\n  let sum = 0;\n  for (const item of items) sum += item;\n  let label = "total";\n  var checked = strict ? true : false;\n  return `${label}: ${sum}${checked ? "!" : ""}`;\n}\n',
        'test/total.test.js': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { total } from '../src/total.js';\n\ntest('totals', () => assert.equal(total([1, 2], false), 'total: 3'));\n",
      }),
    );
    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'autofix', mode: 'merge' });
    expect(result.outcome, result.reason).toBe('applied');
    expect(result.file).toBe('src/total.js');
    expect(result.fixedRules).toEqual(['eslint(prefer-const)']);
    const fixed = repo.git('show', 'main:src/total.js');
    expect(fixed).toContain('const label = "total";');
    expect(fixed).toContain('var checked = strict ? true : false;');
    expect(result.findingsFixed).toBe(1);
  });
});
