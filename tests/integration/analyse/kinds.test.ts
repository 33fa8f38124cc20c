// The analysis behind the prompt kinds: Kaizen's own scans run next to ESLint when a configured
// strategy (or the run's own) needs them, pick the target, and gate the change in verify.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnalyseActivities } from '../../../src/activities/analyse/analyse.js';
import type { TempRepo } from '../../helpers/git-repo.js';
import { commitAt, configOf, deps, sampleRepo, workspaceOf } from '../../fixtures/analysis-setup.js';

const { analyse, checkFindings } = createAnalyseActivities(deps);
const repos: TempRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

const COMPLEX = [
  'export function route(kind, flag) {',
  "  if (kind === 'a' && flag) return 1;",
  "  if (kind === 'b' || flag) return 2;",
  "  if (kind === 'c') return 3;",
  "  if (kind === 'd') return 4;",
  '  return 0;',
  '}',
  '',
].join('\n');
const SIMPLE = "const ROUTES = { a: 1, b: 2, c: 3, d: 4 };\nexport function route(kind, flag) {\n  if (flag) return kind === 'a' ? 1 : 2;\n  return ROUTES[kind] ?? 0;\n}\n";

function repoWith(files: Record<string, string>): TempRepo {
  const repo = sampleRepo(files);
  repos.push(repo);
  return repo;
}

describe('analyse for a prompt kind', () => {
  it('runs the complexity scan for llm-complexity and targets the file with a complex function', async () => {
    const repo = repoWith({ 'src/route.js': COMPLEX });
    const result = await analyse({ workspace: workspaceOf(repo), config: configOf({ llm: { complexityThreshold: 5 } }), strategy: 'llm-complexity' });
    expect(result.target).toBe('src/route.js');
    expect(result.analysers).toContain('kaizen');
    expect(result.findings).toEqual([expect.objectContaining({ analyser: 'kaizen', ruleId: 'complexity', line: 1, message: "Function 'route' has a cyclomatic complexity over 5." })]);
    expect(result.targetBytes).toBe(Buffer.byteLength(COMPLEX));
  });

  it('runs no Kaizen scan unless a strategy needs one', async () => {
    const repo = repoWith({ 'src/route.js': COMPLEX });
    const result = await analyse({ workspace: workspaceOf(repo), config: configOf({ llm: { complexityThreshold: 5 } }) });
    expect(result.analysers).toEqual(['eslint']);
    expect(result.findings.some((f) => f.analyser === 'kaizen')).toBe(false);
  });

  it('finds exported functions without tests for llm-tests, configured in strategies', async () => {
    const repo = repoWith({ 'lib/math.js': 'export function add(a, b) {\n  return a + b;\n}\nexport function sub(a, b) {\n  return a - b;\n}\n', 'test/math.test.js': "import { add } from '../lib/math.js';\n" });
    const result = await analyse({ workspace: workspaceOf(repo), config: configOf({ strategies: ['autofix', 'llm', 'llm-tests'] }), file: 'lib/math.js', strategy: 'llm-tests' });
    expect(result.findings.map((f) => f.message)).toEqual(["Exported function 'sub' is not referenced by any test file."]);
  });
});

describe('the verify gate of a prompt kind', () => {
  it('keeps the complexity finding in view: still too complex fails, simpler passes', async () => {
    const repo = repoWith({ 'src/route.js': COMPLEX });
    const config = configOf({ llm: { complexityThreshold: 5 } });
    const before = await analyse({ workspace: workspaceOf(repo), config, strategy: 'llm-complexity' });
    const gate = () => checkFindings({ workspace: workspaceOf(repo), config, target: 'src/route.js', before: before.findings, targets: before.findings, beforeRuleCounts: before.targetRuleCounts });

    writeFileSync(join(repo.path, 'src/route.js'), COMPLEX.replace("  if (kind === 'd') return 4;\n", "  if (kind === 'd') return 4;\n  if (kind === 'e') return 5;\n"));
    commitAt(repo, 'still complex', new Date());
    const still = await gate();
    expect(still.ok).toBe(false);
    expect(still.reason).toMatch(/none of the 1 targeted finding is gone from src\/route\.js: complexity/);

    writeFileSync(join(repo.path, 'src/route.js'), SIMPLE);
    commitAt(repo, 'simpler', new Date());
    expect(await gate()).toMatchObject({ ok: true, remaining: [], introduced: [] });
  });
});
