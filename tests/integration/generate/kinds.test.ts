// generate for each prompt kind against a real repository and the scripted OpenAI server: what
// the prompt carries (style, big files, repairs, tests), the answer cache, and hostile answers.
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGenerateActivities, type GenerateInput } from '../../../src/activities/generate/generate.js';
import { llmCacheDir } from '../../../src/activities/generate/llm-cache.js';
import { proposalPath, readProposalBody } from '../../../src/activities/generate/proposal-store.js';
import { createOpenAiProvider } from '../../../src/adapters/openai-llm.js';
import { complexityFindings, untestedExportFindings } from '../../../src/core/analysis/code-findings.js';
import { Config, type ConfigInput } from '../../../src/core/config/config.js';
import { NothingToProposeError } from '../../../src/core/errors.js';
import { LlmAnswerRejectedError } from '../../../src/core/llm/errors.js';
import type { Finding, Proposal, Workspace } from '../../../src/core/types.js';
import { createRepo, type TempRepo, workspaceOf } from '../../helpers/git-repo.js';
import { answerWithEdits, startScriptedOpenAi, type ScriptedOpenAi } from '../../helpers/scripted-openai.js';
import { activityDeps } from '../../helpers/activity-deps.js';

const GRADE = [
  'export function grade(score, bonus = 0) {',
  "  if (score > 90 && bonus) return 'A';",
  "  else if (score > 80 || bonus > 5) return 'B';",
  "  for (const x of [1]) { while (x) { break; } }",
  "  switch (score) { case 1: return 'x'; case 2: return 'y'; default: return 'z'; }",
  "  try { return score ?? 0 ? 'c' : 'd'; } catch (e) { return 'e'; }",
  '}',
  '',
].join('\n');
const MATH = 'export function add(a, b) {\n  return a + b;\n}\n\nexport function sub(a, b) {\n  return a - b;\n}\n';
const MATH_TEST = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/math.js';\n\ntest('adds', () => assert.equal(add(2, 3), 5));\n";

let server: ScriptedOpenAi;
let repo: TempRepo;
let workspace: Workspace;
const outside: string[] = [];

beforeEach(async () => {
  server = await startScriptedOpenAi();
  repo = createRepo({
    'package.json': JSON.stringify({ name: 'm', type: 'module', scripts: { test: 'node --test' } }),
    'src/grade.js': GRADE,
    'src/math.js': MATH,
    'test/math.test.js': MATH_TEST,
  });
  workspace = workspaceOf(repo, 'run-1');
});
afterEach(async () => {
  await server.close();
  repo.cleanup();
  for (const dir of outside.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function activities() {
  const env = { OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-test' };
  const deps = activityDeps({ llm: createOpenAiProvider(env), env });
  return createGenerateActivities(deps);
}

function config(raw: ConfigInput = {}): Config {
  return Config.parse({ ...raw, llm: { model: 'scripted-coder', timeout: '5s', ...raw.llm } });
}

/** generate outside a worker (no improvement: its answers are cached under no workflow id, so clear between calls). */
function generate(input: Partial<GenerateInput> & Pick<GenerateInput, 'target' | 'findings' | 'strategy'>, raw: ConfigInput = {}) {
  rmSync(llmCacheDir(workspace.stateDir), { recursive: true, force: true });
  return activities().generate({ workspace, config: config(raw), ...input });
}

function sent(index = 0): { system: string; user: string; body: Record<string, unknown> } {
  const body = server.requests[index]?.body as { messages: { content: string }[] } & Record<string, unknown>;
  return { system: body.messages[0]?.content ?? '', user: body.messages[1]?.content ?? '', body };
}

async function rejection(promise: Promise<unknown>): Promise<LlmAnswerRejectedError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof LlmAnswerRejectedError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

const complexity = (): Finding[] => complexityFindings('src/grade.js', GRADE, 10);
const untested = (): Finding[] => untestedExportFindings('src/math.js', MATH, [MATH_TEST]);
const simplify = { path: 'src/grade.js', search: "  else if (score > 80 || bonus > 5) return 'B';\n", replace: "  if (score > 80 || bonus > 5) return 'B';\n" };

describe('the answer cache', () => {
  /** generate as an activity of the improvement `workflowId`. */
  function inRun(workflowId: string, extra: Partial<GenerateInput> = {}) {
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'run' } }, { logger: new DefaultLogger('ERROR', () => undefined) });
    const { generate: activity } = activities();
    const input: GenerateInput = { workspace, config: config(), target: 'src/grade.js', findings: complexity(), strategy: 'llm-complexity', ...extra };
    return env.run<[GenerateInput], Proposal, typeof activity>(activity, input);
  }

  it('asks the model once when the improvement that paid runs generate again; another improvement or a repair asks again', async () => {
    server.enqueue(answerWithEdits('Simplify', [simplify]), answerWithEdits('Simplify again', [simplify]), answerWithEdits('Repaired', [simplify]));
    const first = await inRun('improve-1');
    const retried = await inRun('improve-1');
    expect(server.requests).toHaveLength(1);
    expect(first.llm).toMatchObject({ promptTokens: 321, completionTokens: 54, promptVersion: 'reduce-complexity@2' });
    expect(first.llm?.cached).toBeUndefined();
    // The retry reports what the first attempt paid (its result never reached the workflow).
    expect(retried.llm).toMatchObject({ promptTokens: 321, completionTokens: 54, cached: true });
    expect(retried.summary).toBe('Simplify');
    expect(readdirSync(llmCacheDir(workspace.stateDir))).toHaveLength(1);

    expect((await inRun('improve-2')).summary).toBe('Simplify again');
    expect(server.requests).toHaveLength(2);
    const repair = { previousSummary: 'Simplify', previousDiff: '-a\n+b', failure: 'tests failed' };
    expect((await inRun('improve-2', { attempt: 2, repair })).summary).toBe('Repaired');
    expect(server.requests).toHaveLength(3);
  });
});

describe('llm-complexity', () => {
  it('sends its own prompt, the complexity of each function and the style, and keeps the repo untouched', async () => {
    server.enqueue(answerWithEdits('Simplify grade', [simplify]));
    const proposal = await generate({ target: 'src/grade.js', findings: complexity(), strategy: 'llm-complexity' }, { llm: { complexityThreshold: 10 } });
    const { system, user, body } = sent();
    expect(system).toMatch(/reducing the cyclomatic complexity/);
    expect(user).toContain('Functions to simplify to a cyclomatic complexity of at most 10');
    expect(user).toContain("Function 'grade' has a cyclomatic complexity over 10. It is 13 now (lines 1–7).");
    expect(user).toContain('Style: 2-space indentation, single quotes; match the surrounding code.');
    expect(body.max_completion_tokens).toBe(8192);
    expect(proposal).toMatchObject({ strategy: 'llm-complexity', files: ['src/grade.js'], targets: complexity() });
    expect(repo.git('status', '--porcelain', '--untracked-files=no')).toBe('');
  });

  it('has nothing to do without a complexity finding, and asks no model', async () => {
    await expect(generate({ target: 'src/math.js', findings: [], strategy: 'llm-complexity' })).rejects.toBeInstanceOf(NothingToProposeError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('big files', () => {
  it('shows the functions around the findings with their line numbers', async () => {
    const filler = (name: string) => Array.from({ length: 300 }, (_, i) => `export const ${name}${i} = ${i};`);
    const big = [...filler('c'), 'export function target(a) {', '  var b = a;', '  return b;', '}', ...filler('d'), ''].join('\n');
    repo.write('src/big.js', big);
    repo.commitAll('big');
    const finding: Finding = { file: 'src/big.js', line: 302, column: 3, ruleId: 'no-var', message: 'Unexpected var.', severity: 'warning', analyser: 'eslint', fixable: true };
    server.enqueue(answerWithEdits('const', [{ path: 'src/big.js', search: '  var b = a;', replace: '  const b = a;' }]));
    await generate({ target: 'src/big.js', findings: [finding], strategy: 'llm' }, { llm: { bigFileLines: 200 } });
    const { user } = sent();
    expect(user).toContain('The file has 605 lines; only the code around the findings is shown (function target)');
    expect(user).toContain('301 | export function target(a) {');
    expect(user).toContain('304 | }');
    expect(user).not.toContain('300 | ');
    expect(user).not.toContain('305 | ');
  });
});

describe('repairs', () => {
  it('sends the previous change and why it failed, redacted, and records the attempt', async () => {
    server.enqueue(answerWithEdits('Simplify, keeping B', [simplify]));
    await generate({
      target: 'src/grade.js',
      findings: complexity(),
      strategy: 'llm-complexity',
      attempt: 2,
      repair: { previousSummary: 'Use a table', previousDiff: "-  else if (score > 80 || bonus > 5) return 'B';\n+  return table[score];", failure: 'tests failed after the change\nnot ok 1 - grades\nAPI_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz123456' },
    });
    const { user } = sent();
    expect(user).toContain('This is attempt 2.');
    expect(user).toContain('Its summary: Use a table');
    expect(user).toContain('+  return table[score];');
    expect(user).toContain('not ok 1 - grades');
    expect(user).not.toContain('abcdefghijklmnopqrstuvwxyz');
  });
});

describe('llm-tests', () => {
  it('shows the source read-only and the closest test file, and proposes a new test file', async () => {
    const newTest = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sub } from '../src/math.js';\n\ntest('subtracts', () => assert.equal(sub(5, 3), 2));\n";
    server.enqueue(answerWithEdits('Test sub', [{ path: 'test/sub.test.js', search: '', replace: newTest }]));
    const proposal = await generate({ target: 'src/math.js', findings: untested(), strategy: 'llm-tests' });
    const { system, user, body } = sent();
    expect(system).toMatch(/Change only test files/);
    expect((body.response_format as { json_schema: { name: string } }).json_schema.name).toBe('kaizen_tests');
    expect(user).toContain('Source file: src/math.js (read only: do not change it)');
    expect(user).toContain("Exported function 'sub' is not referenced by any test file.");
    expect(user).toContain('Existing test file to follow (you may edit it, or add a new file next to it): test/math.test.js');
    expect(user).toContain("test('adds', () => assert.equal(add(2, 3), 5));");
    expect(proposal).toMatchObject({ strategy: 'llm-tests', files: ['test/sub.test.js'], targets: untested(), linesAdded: 5 });
    expect((await readProposalBody(proposal.proposalPath)).files).toEqual([{ path: 'test/sub.test.js', content: newTest }]);
    expect(existsSync(join(repo.path, 'test/sub.test.js'))).toBe(false);
  });

  it('rejects a change to the source, to package.json, or through a symlinked folder out of the repository', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'kaizen-outside-'));
    outside.push(elsewhere);
    symlinkSync(elsewhere, join(repo.path, 'test', 'linked'));
    server.enqueue(
      answerWithEdits('s', [{ path: 'src/math.js', search: '  return a - b;', replace: '  return b - a;' }]),
      answerWithEdits('s', [{ path: 'package.json', search: '"node --test"', replace: '"touch /tmp/pwned && node --test"' }]),
      answerWithEdits('s', [{ path: 'test/linked/x.test.js', search: '', replace: "import 'node:test';\n" }]),
    );
    const run = () => generate({ target: 'src/math.js', findings: untested(), strategy: 'llm-tests' });
    expect((await rejection(run())).rejection).toBe('other_file');
    expect((await rejection(run())).rejection).toBe('other_file');
    const symlinked = await rejection(run());
    expect(symlinked.rejection).toBe('path_outside_repo');
    expect(symlinked.message).toMatch(/symbolic link/);
    // Paid for, so the cost caps count it.
    expect(symlinked.usage).toMatchObject({ model: 'scripted-coder', promptTokens: 321, completionTokens: 54, promptVersion: 'add-tests@2' });
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(existsSync(proposalPath(workspace))).toBe(false);
  });
});

describe('answer limits', () => {
  it('rejects an answer cut off at llm.maxAnswerTokens, and sends no limit when it is 0', async () => {
    server.enqueue({ kind: 'content', content: '{"summary": "half an ans', finishReason: 'length' }, answerWithEdits('s', [simplify]));
    const cut = await rejection(generate({ target: 'src/grade.js', findings: complexity(), strategy: 'llm-complexity' }));
    expect(cut.rejection).toBe('too_large');
    expect(cut.message).toMatch(/cut off at llm\.maxAnswerTokens \(8192 tokens\)/);
    await generate({ target: 'src/grade.js', findings: complexity(), strategy: 'llm' }, { llm: { maxAnswerTokens: 0 } });
    expect(sent(1).body.max_completion_tokens).toBeUndefined();
  });
});
