// generate: turns a target file and its findings into a proposal with the chosen strategy.
// The proposal is written under the state folder; the worktree is never touched here.
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Config } from '../core/config.js';
import { durationMs } from '../core/config.js';
import { summariseChange } from '../core/diff.js';
import { LlmAnswerRejectedError, NothingToProposeError } from '../core/errors.js';
import { compileExcludes } from '../core/globs.js';
import { applyLlmAnswer, normaliseRepoPath } from '../core/llm-answer.js';
import { buildFixPrompt, FIX_ANSWER_SCHEMA, languageOf, PROMPT_VERSION } from '../core/prompt.js';
import { resolveTestCommand } from '../core/test-command.js';
import type { Finding, Proposal, Strategy, Workspace } from '../core/types.js';
import { checkParses } from '../adapters/parse-check.js';
import { activityContext } from './activity-context.js';
import type { ActivityDeps, ChatAnswer, ChatRequest } from './deps.js';
import { autofixProposal } from './generate-autofix.js';
import { writeProposalBody } from './proposal-store.js';

export interface GenerateInput {
  workspace: Workspace;
  config: Config;
  /** Repo-relative POSIX path of the file to change. */
  target: string;
  findings: Finding[];
  strategy: Strategy;
}

const HEARTBEAT_MS = 5_000;

export function createGenerateActivities(deps: ActivityDeps) {
  return {
    async generate(input: GenerateInput): Promise<Proposal> {
      const { workspace, config, target, findings } = input;
      if (input.strategy === 'autofix') return autofixProposal(deps, { workspace, config, target, findings });
      return llmProposal(deps, input);
    },
  };
}

async function llmProposal(deps: ActivityDeps, input: GenerateInput): Promise<Proposal> {
  const { workspace, config, findings } = input;
  const target = normaliseRepoPath(input.target);
  if (target === null) {
    throw new NothingToProposeError(`'${input.target}' is not a file inside the repository; pass a repo-relative path.`);
  }
  const isExcluded = compileExcludes(config);
  if (isExcluded(target)) {
    throw new NothingToProposeError(
      `${target} is excluded (built-in excludes or "exclude" in kaizen.config.json), so Kaizen never sends it to an LLM or changes it.`,
    );
  }
  const original = await readTarget(workspace, config, target);
  const model = config.llm.model ?? deps.llm.defaultModel();
  // Fails with LlmNotConfiguredError before any work when no endpoint is configured.
  const client = deps.llm.client();
  const messages = buildFixPrompt({
    target,
    language: languageOf(target),
    findings,
    testCommand: await testCommandFor(workspace, config),
    fileContent: original,
  });
  const maxAnswerBytes = config.llm.maxAnswerKb * 1024;
  const request: ChatRequest = {
    model,
    messages,
    schema: FIX_ANSWER_SCHEMA,
    timeoutMs: durationMs(config.llm.timeout),
    maxAnswerBytes,
  };
  const answer = await withHeartbeat(`waiting for ${model}`, (signal) =>
    client.chat(signal ? { ...request, signal } : request),
  );

  const applied = applyLlmAnswer({
    content: answer.content,
    refusal: answer.refusal,
    target,
    fileContent: original,
    maxAnswerBytes,
    isExcluded,
  });
  const parses = checkParses(target, applied.newContent);
  if (!parses.ok) throw new LlmAnswerRejectedError('does_not_parse', parses.message);

  const proposalPath = await writeProposalBody(workspace, { files: [{ path: target, content: applied.newContent }] });
  const change = summariseChange(target, original, applied.newContent);
  return {
    strategy: 'llm',
    proposalPath,
    files: [target],
    summary: applied.summary || `Fix ${findings.length} finding(s) in ${target}`,
    linesAdded: change.linesAdded,
    linesRemoved: change.linesRemoved,
    diffExcerpt: change.excerpt,
    targets: findings,
    llm: llmMetadata(answer, model),
  };
}

async function readTarget(workspace: Workspace, config: Config, target: string): Promise<string> {
  const root = resolve(workspace.worktree);
  const path = resolve(root, target);
  if (relative(root, path).startsWith(`..${sep}`)) {
    throw new NothingToProposeError(`${target} lies outside the worktree ${root}.`);
  }
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NothingToProposeError(`${target} does not exist in the worktree at ${workspace.baseCommit}; analyse again to pick a current file.`);
    }
    throw err;
  }
  const limit = config.maxFileSizeKb * 1024;
  if (Buffer.byteLength(content, 'utf8') > limit) {
    throw new NothingToProposeError(`${target} is larger than maxFileSizeKb (${config.maxFileSizeKb} KB); raise it in kaizen.config.json to let Kaizen change it.`);
  }
  return content;
}

async function testCommandFor(workspace: Workspace, config: Config): Promise<string[] | null> {
  const packageJsonText = await readFile(join(workspace.worktree, 'package.json'), 'utf8').catch(() => null);
  const resolution = resolveTestCommand({ configured: config.test.command, packageJsonText, required: config.test.required });
  return resolution.kind === 'run' ? resolution.command : null;
}

function llmMetadata(answer: ChatAnswer, model: string): NonNullable<Proposal['llm']> {
  return {
    model: answer.model || model,
    promptTokens: answer.promptTokens,
    completionTokens: answer.completionTokens,
    promptVersion: PROMPT_VERSION,
  };
}

/** Heartbeats while `work` runs inside an activity and hands it the cancellation signal. */
async function withHeartbeat<T>(status: string, work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  const context = activityContext();
  if (!context) return work(undefined);
  context.heartbeat(status);
  const timer = setInterval(() => context.heartbeat(status), HEARTBEAT_MS);
  try {
    return await work(context.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}
