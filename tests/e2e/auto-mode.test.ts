// mode auto: risk decides how a verified change lands. An autofix and an LLM change whose every
// changed line the tests run are merged; an LLM change in code no test runs is left on its
// branch with the lines named. Real dev server, worker, git, `node --test` with V8 coverage,
// and the scripted OpenAI-compatible server.
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerWithEdits, startScriptedOpenAi, type ScriptedOpenAi } from '../helpers/scripted-openai.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';
import { startKaizen, worktreesLeft, type E2eKaizen } from '../helpers/e2e.js';
import { KAIZEN_ROOT } from '../helpers/paths.js';

let kaizen: E2eKaizen;
let llm: ScriptedOpenAi;
const repos: TempRepo[] = [];

/** add() is tested; sub() is not. Each holds one no-var finding. */
function mathRepo(findingIn: 'add' | 'sub'): TempRepo {
  const add = findingIn === 'add' ? '  var sum = a + b;\n  return sum;' : '  return a + b;';
  const sub = findingIn === 'sub' ? '  var diff = a - b;\n  return diff;' : '  return a - b;';
  const repo = createRepo({
    'package.json': JSON.stringify({ name: 'math', type: 'module', scripts: { test: 'node --test' } }),
    'kaizen.config.json': JSON.stringify({ recentChangeMinutes: 0, mode: 'auto' }),
    'src/math.js': `export function add(a, b) {\n${add}\n}\n\nexport function sub(a, b) {\n${sub}\n}\n`,
    'test/math.test.js': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/math.js';\n\ntest('adds', () => assert.equal(add(2, 3), 5));\n",
  });
  repos.push(repo);
  return repo;
}

/**
 * The same in TypeScript, run by tsx (linked from Kaizen's own node_modules, ignored by git). The
 * interface the transform erases comes first, so offsets in the code that ran are far from
 * those in the file: only the source maps tell which lines ran.
 */
function typeScriptRepo(findingIn: 'add' | 'sub'): TempRepo {
  const add = findingIn === 'add' ? '  var sum: number = a + b;\n  return sum;' : '  return a + b;';
  const sub = findingIn === 'sub' ? '  var diff: number = a - b;\n  return diff;' : '  return a - b;';
  const fields = Array.from({ length: 8 }, (_, i) => `  readonly operandDescriptionNumber${i}ThatTheTransformErases: string;`).join('\n');
  const repo = createRepo({
    '.gitignore': 'node_modules\n',
    'package.json': JSON.stringify({ name: 'math-ts', type: 'module', scripts: { test: 'node --import tsx --test test/math.test.ts' } }),
    'kaizen.config.json': JSON.stringify({ recentChangeMinutes: 0, mode: 'auto' }),
    'src/math.ts': `export interface Options {\n${fields}\n}\n\nexport function sub(a: number, b: number): number {\n${sub}\n}\n\nexport function add(a: number, b: number): number {\n${add}\n}\n`,
    'test/math.test.ts': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/math.ts';\n\ntest('adds', () => assert.equal(add(2, 3), 5));\n",
  });
  symlinkSync(join(KAIZEN_ROOT, 'node_modules'), join(repo.path, 'node_modules'));
  repos.push(repo);
  return repo;
}

beforeAll(async () => {
  llm = await startScriptedOpenAi();
  kaizen = await startKaizen('auto-mode', { OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: 'test-key', KAIZEN_MODEL: 'scripted-model' });
});

afterAll(async () => {
  await kaizen?.close();
  await llm?.close();
  for (const repo of repos) repo.cleanup();
});

describe('mode auto', () => {
  it('merges an LLM change whose every changed line the tests run', async () => {
    const repo = mathRepo('add');
    const base = repo.head('main');
    llm.enqueue(answerWithEdits('Use const', [{ path: 'src/math.js', search: '  var sum = a + b;', replace: '  const sum = a + b;' }]));
    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'llm' });
    expect(result.outcome, result.reason).toBe('applied');
    expect(result.reason).toContain('auto: merged, the tests run every changed line (1)');
    expect(repo.git('rev-parse', 'main~1')).toBe(base);
    expect(repo.git('show', 'main:src/math.js')).toContain('const sum = a + b;');
  });

  it('leaves an LLM change in code no test runs on its branch, naming the lines', async () => {
    const repo = mathRepo('sub');
    const base = repo.head('main');
    llm.enqueue(answerWithEdits('Use const', [{ path: 'src/math.js', search: '  var diff = a - b;', replace: '  const diff = a - b;' }]));
    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'llm' });
    expect(result.outcome, result.reason).toBe('proposed');
    expect(result.reason).toContain('auto: left for review, changed lines no test runs: src/math.js line 6');
    expect(repo.head('main')).toBe(base);
    expect(repo.git('show', `${result.branch}:src/math.js`)).toContain('const diff = a - b;');
    expect(worktreesLeft(repo.path)).toEqual([]);
    // V8 writes megabytes per test process: nothing of it stays behind.
    expect(existsSync(join(repo.path, '.kaizen', 'coverage', result.runId))).toBe(false);
  });

  it('merges an autofix: its rules do not change behaviour', async () => {
    const repo = mathRepo('sub');
    const result = await kaizen.improve({ repoPath: repo.path, strategy: 'autofix' });
    expect(result.outcome, result.reason).toBe('applied');
    expect(result.reason).toContain('auto: merged, an autofix of behaviour-preserving rules');
  });
});

describe('mode auto on TypeScript run by tsx (coverage through source maps)', () => {
  it('merges a change in code the tests run, and names the lines of one in code they do not', async () => {
    const tested = typeScriptRepo('add');
    llm.enqueue(answerWithEdits('Use const', [{ path: 'src/math.ts', search: '  var sum: number = a + b;', replace: '  const sum: number = a + b;' }]));
    const merged = await kaizen.improve({ repoPath: tested.path, strategy: 'llm' });
    expect(merged.outcome, merged.reason).toBe('applied');
    expect(merged.reason).toContain('auto: merged, the tests run every changed line (1)');

    const untested = typeScriptRepo('sub');
    llm.enqueue(answerWithEdits('Use const', [{ path: 'src/math.ts', search: '  var diff: number = a - b;', replace: '  const diff: number = a - b;' }]));
    const left = await kaizen.improve({ repoPath: untested.path, strategy: 'llm' });
    expect(left.outcome, left.reason).toBe('proposed');
    expect(left.reason).toContain('auto: left for review, changed lines no test runs: src/math.ts line 13');
  });
});
