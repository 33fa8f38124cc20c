import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGenerateActivities, type GenerateInput } from '../../../src/activities/generate/generate.js';
import { proposalPath, readProposalBody } from '../../../src/activities/generate/proposal-store.js';
import { createOpenAiProvider } from '../../../src/adapters/openai-llm.js';
import { Config } from '../../../src/core/config/config.js';
import { NothingToProposeError } from '../../../src/core/errors.js';
import { LlmAnswerRejectedError, LlmNotConfiguredError, type LlmRejection } from '../../../src/core/llm/errors.js';
import { PROMPT_VERSION } from '../../../src/core/llm/prompt.js';
import type { Finding, Proposal, Workspace } from '../../../src/core/types.js';
import { createRepo, type TempRepo, workspaceOf } from '../../helpers/git-repo.js';
import { answerWithEdits, startScriptedOpenAi, type ScriptedOpenAi, type ScriptedReply } from '../../helpers/scripted-openai.js';
import { activityDeps } from '../../helpers/activity-deps.js';

const TARGET = 'src/calc.js';
const ORIGINAL = [
  'export function total(items) {',
  '  let unused = 0;',
  '  let sum = 0;',
  '  for (const item of items) sum += item;',
  '  return sum;',
  '}',
  '',
].join('\n');
const FINDINGS: Finding[] = [
  {
    file: TARGET,
    line: 2,
    column: 7,
    ruleId: 'no-unused-vars',
    message: "'unused' is assigned a value but never used.",
    severity: 'warning',
    analyser: 'eslint',
    fixable: false,
  },
];

let server: ScriptedOpenAi;
let repo: TempRepo;
let workspace: Workspace;

beforeEach(async () => {
  server = await startScriptedOpenAi();
  repo = createRepo({ [TARGET]: ORIGINAL, 'src/other.js': 'export const a = 1;\n', 'package.json': '{"scripts":{"test":"node --test"}}' });
  workspace = workspaceOf(repo, 'run-1');
});
afterEach(async () => {
  await server.close();
  repo.cleanup();
});

function activities(env: NodeJS.ProcessEnv = { OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-test' }) {
  const deps = activityDeps({ llm: createOpenAiProvider(env), env });
  return createGenerateActivities(deps);
}

function config(raw: Record<string, unknown> = {}): Config {
  return Config.parse({ llm: { model: 'scripted-coder', timeout: '5s' }, ...raw });
}

function llmInput(): GenerateInput {
  return { workspace, config: config(), target: TARGET, findings: FINDINGS, strategy: 'llm' };
}

function generateLlm(overrides: { target?: string; config?: Config } = {}) {
  return activities().generate({
    workspace,
    config: overrides.config ?? config(),
    target: overrides.target ?? TARGET,
    findings: FINDINGS,
    strategy: 'llm',
  });
}

async function rejection(promise: Promise<unknown>): Promise<LlmRejection> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof LlmAnswerRejectedError) return err.rejection;
    throw err;
  }
  throw new Error('expected the answer to be rejected');
}

const removeUnused = { path: TARGET, search: '  let unused = 0;\n', replace: '' };

describe('generate with the llm strategy', () => {
  it('turns a good answer into a proposal without touching the repository', async () => {
    server.enqueue({
      ...answerWithEdits('Remove the unused variable', [removeUnused]),
      usage: { promptTokens: 900, completionTokens: 40 },
    });
    const proposal = await generateLlm();

    expect(proposal).toMatchObject({
      strategy: 'llm',
      files: [TARGET],
      summary: 'Remove the unused variable',
      linesAdded: 0,
      linesRemoved: 1,
      targets: FINDINGS,
      llm: { model: 'scripted-coder', promptTokens: 900, completionTokens: 40, promptVersion: PROMPT_VERSION },
    });
    expect(proposal.diffExcerpt).toContain('-  let unused = 0;');
    expect(proposal.proposalPath).toBe(proposalPath(workspace));
    const body = await readProposalBody(proposal.proposalPath);
    expect(body.files).toEqual([{ path: TARGET, content: ORIGINAL.replace('  let unused = 0;\n', '') }]);

    expect(readFileSync(join(repo.path, TARGET), 'utf8')).toBe(ORIGINAL);
    expect(repo.git('status', '--porcelain', '--untracked-files=no')).toBe('');
  });

  it('sends the findings, the numbered file and the test command to the configured model', async () => {
    server.enqueue(answerWithEdits('s', [removeUnused]));
    await generateLlm();
    const body = server.requests[0]?.body as { model: string; messages: { role: string; content: string }[] };
    expect(body.model).toBe('scripted-coder');
    const user = body.messages[1]?.content ?? '';
    expect(user).toContain(`Target file: ${TARGET}`);
    expect(user).toContain("2:7 no-unused-vars (eslint, warning): 'unused' is assigned a value but never used.");
    expect(user).toContain('2 |   let unused = 0;');
    expect(user).toContain('`npm test`');
  });

  it.each<[string, ScriptedReply, LlmRejection]>([
    ['a path outside the repo', answerWithEdits('pwn', [{ path: '../../etc/passwd', search: 'root', replace: 'x' }]), 'path_outside_repo'],
    ['another file', answerWithEdits('s', [{ path: 'src/other.js', search: 'a = 1', replace: 'a = 2' }]), 'other_file'],
    ['an ambiguous search', answerWithEdits('s', [{ path: TARGET, search: 'let ', replace: 'var ' }]), 'search_ambiguous'],
    ['text that is not JSON', { kind: 'content', content: 'Sure! Remove line 2.' }, 'malformed_json'],
    ['a refusal', { kind: 'refusal', refusal: 'No.' }, 'refusal'],
    ['code that does not parse', answerWithEdits('s', [{ path: TARGET, search: '  return sum;\n}', replace: '  return sum;\n' }]), 'does_not_parse'],
  ])('rejects %s and writes no proposal', async (_name, reply, kind) => {
    server.enqueue(reply);
    expect(await rejection(generateLlm())).toBe(kind);
    expect(existsSync(proposalPath(workspace))).toBe(false);
    expect(readFileSync(join(repo.path, TARGET), 'utf8')).toBe(ORIGINAL);
  });

  it('refuses an edit outside the finding\'s statement before writing anything, naming file and line and what was changed', async () => {
    const outside = { path: TARGET, search: '  return sum;', replace: '  return sum + 1;' };
    server.enqueue(answerWithEdits('Remove the unused variable and tidy up', [removeUnused, outside]));
    const err = await generateLlm().catch((e: unknown) => e);

    expect(err).toBeInstanceOf(LlmAnswerRejectedError);
    const refused = err as LlmAnswerRejectedError;
    expect(refused.rejection).toBe('out_of_scope');
    expect(refused.message).toMatch(/^LLM answer rejected \(out_of_scope\): src\/calc\.js line 5 \(`return sum;`\) is outside the scope of every targeted finding\. Change only the code of the targeted findings \(no-unused-vars at line 2\)/);
    expect(refused.refused).toMatchObject({ summary: 'Remove the unused variable and tidy up', diffExcerpt: expect.stringContaining('+  return sum + 1;') });
    // The answer was paid for: its usage travels with the refusal.
    expect(refused.usage).toMatchObject({ model: 'scripted-coder' });
    expect(existsSync(proposalPath(workspace))).toBe(false);
    expect(readFileSync(join(repo.path, TARGET), 'utf8')).toBe(ORIGINAL);
  });

  it('asks no model when the target has nothing to fix', async () => {
    const err = activities().generate({ workspace, config: config(), target: TARGET, findings: [], strategy: 'llm' });
    await expect(err).rejects.toThrow(/^nothing to fix in src\/calc\.js: no finding of the analysers\.$/);
    expect(server.requests).toHaveLength(0);
  });

  it('names the first syntax error when the new code does not parse', async () => {
    server.enqueue(answerWithEdits('s', [{ path: TARGET, search: '  return sum;\n}', replace: '  return sum;\n' }]));
    await expect(generateLlm()).rejects.toThrow(/does_not_parse.*src\/calc\.js:\d+:\d+: '}' expected/);
  });

  it('refuses an excluded target without asking the model', async () => {
    repo.write('src/generated/api.js', 'export const x = 1;\n');
    const err = generateLlm({ target: 'src/generated/api.js', config: config({ exclude: ['src/generated/**'] }) });
    await expect(err).rejects.toBeInstanceOf(NothingToProposeError);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a secret file without asking the model', async () => {
    repo.write('.env', 'OPENAI_API_KEY=sk-live\n');
    await expect(generateLlm({ target: '.env' })).rejects.toBeInstanceOf(NothingToProposeError);
    expect(server.requests).toHaveLength(0);
  });

  it('heartbeats while it waits for the model inside an activity', async () => {
    server.enqueue({ ...answerWithEdits('s', [removeUnused]), delayMs: 200 });
    const env = new MockActivityEnvironment();
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => heartbeats.push(details));
    const { generate } = activities();
    const proposal = await env.run<[GenerateInput], Proposal, typeof generate>(generate, llmInput());
    expect(proposal.strategy).toBe('llm');
    expect(heartbeats[0]).toBe('waiting for scripted-coder');
  });

  it('stops waiting for the model when the activity is cancelled', async () => {
    server.enqueue({ kind: 'hang' });
    const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR', () => undefined) });
    const { generate } = activities();
    const run = env.run(generate, llmInput());
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    env.cancel();
    await expect(run).rejects.toThrow(/abort/i);
    expect(server.requests).toHaveLength(1);
    expect(existsSync(proposalPath(workspace))).toBe(false);
  });

  it('fails with LlmNotConfiguredError when no endpoint is configured', async () => {
    const run = activities({}).generate(llmInput());
    await expect(run).rejects.toBeInstanceOf(LlmNotConfiguredError);
  });
});
