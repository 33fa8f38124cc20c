// The LLM strategies of generate: build the kind's prompt from the target (redacted), ask the
// model (or read its earlier answer from the cache), and turn the answer into a proposal, or
// reject it. Nothing in the worktree is touched; the answer is data, never instructions.
import type { Config } from '../../core/config/config.js';
import { durationMs, testGlobsOf } from '../../core/config/config.js';
import { enclosingRegions, scanFunctions } from '../../core/analysis/code-scan.js';
import { summariseChange } from '../../core/analysis/diff.js';
import { NothingToProposeError } from '../../core/errors.js';
import { LlmAnswerRejectedError } from '../../core/llm/errors.js';
import { compileExcludes } from '../../core/analysis/globs.js';
import { applyLlmAnswer, normaliseRepoPath } from '../../core/llm/answer.js';
import { applyLlmFilesAnswer, type ChangedFile } from '../../core/llm/answer-files.js';
import { costOf } from '../../core/llm/budget.js';
import { findingsForStrategy, KAIZEN_RULES, LLM_KINDS } from '../../core/llm/kinds.js';
import { buildPrompt, FIX_ANSWER_SCHEMA, languageOf, TEST_ANSWER_SCHEMA, type RepairPrompt } from '../../core/llm/prompt.js';
import { createSecretRedactor, isSecretPath, restoreSecrets, type SecretRedactor } from '../../core/llm/secrets.js';
import type { Finding, LlmStrategy, LlmUsage, Proposal, RepairInput, Workspace } from '../../core/types.js';
import { checkParses } from '../../adapters/parse-check.js';
import { checkChangeContract } from '../../core/change/contract.js';
import { loadProtectedFiles } from '../analyse/protected.js';
import { activityContext } from '../context.js';
import { recordLlmTokens } from '../metrics.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import type { ChatAnswer, ChatRequest } from '../../core/llm/chat.js';
import { llmCacheKey, readCachedAnswer, writeCachedAnswer } from './llm-cache.js';
import { closestTestFile, listTestFiles, readTarget, readTestFile, styleFor, testCommandFor } from './llm-context.js';
import { writeProposalBody } from './proposal-store.js';
import { confineFiles } from '../workspace/apply.js';

// Frequent on purpose: the SDK throttles sends to 80% of the heartbeat timeout, whatever that is.
const HEARTBEAT_MS = 1_000;

export interface LlmProposalInput {
  workspace: Workspace;
  config: Config;
  /** Repo-relative POSIX path of the file to change (llm-tests: the source whose exports need tests). */
  target: string;
  findings: Finding[];
  strategy: LlmStrategy;
  /** 1 for the first try of an improvement, 2 for its first repair, … */
  attempt?: number;
  /** A repair: the previous try was verified red; the model sees its change and why it failed. */
  repair?: RepairInput;
  /** The run's test command override (`--test-cmd`): the prompt names the command that really runs. */
  testCommand?: string[];
}

export async function llmProposal(deps: ActivityDeps, input: LlmProposalInput): Promise<Proposal> {
  const { workspace, config, strategy } = input;
  const kind = LLM_KINDS[strategy];
  const target = normaliseRepoPath(input.target);
  if (target === null) throw new NothingToProposeError(`'${input.target}' is not a file inside the repository; pass a repo-relative path.`);
  const excluded = compileExcludes(config);
  // Secret files are refused whatever the case of their name: `.ENV` is `.env` on macOS.
  const isExcluded = (path: string) => excluded(path) || isSecretPath(path);
  if (isExcluded(target)) {
    throw new NothingToProposeError(`${target} is excluded (built-in excludes or "exclude" in kaizen.config.json), so Kaizen never sends it to an LLM or changes it.`);
  }
  const findings = findingsForStrategy(strategy, input.findings);
  // No targeted finding, no model call.
  if (findings.length === 0) {
    const what = kind.rule !== null ? `no '${kind.rule}' finding of Kaizen's own scan for ${strategy} (${kind.purpose})` : 'no finding of the analysers';
    throw new NothingToProposeError(`nothing to fix in ${target}: ${what}.`);
  }
  const original = await readTarget(workspace, config, target, isExcluded);
  const model = config.llm.model ?? deps.llm.defaultModel();

  const tests = strategy === 'llm-tests' ? await testContext(deps, input, target, isExcluded) : null;
  const repair = input.repair ?? null;
  // Only placeholders leave the machine; the answer is applied to the redacted texts.
  const redactor = createSecretRedactor([
    original,
    ...findings.map((f) => f.message),
    tests?.file?.content ?? '',
    ...(repair ? [repair.previousDiff, repair.failure, repair.previousSummary] : []),
  ]);
  const redacted = redactor.redact(original);
  const lineCount = original.split('\n').length;
  const messages = buildPrompt({
    kind: strategy,
    target,
    language: languageOf(target),
    findings: promptFindings(strategy, target, original, findings).map((f) => ({ ...f, message: redactor.redact(f.message) })),
    testCommand: await testCommandFor(workspace, config, input.testCommand),
    fileContent: redacted,
    regions: lineCount > config.llm.bigFileLines ? enclosingRegions(target, original, findings.map((f) => f.line)) : null,
    bigFileLines: config.llm.bigFileLines,
    style: await styleFor(workspace, target, original),
    complexityThreshold: config.llm.complexityThreshold,
    testFile: tests?.file ? { path: tests.file.path, content: redactor.redact(tests.file.content) } : null,
    testGlobs: testGlobsOf(config),
    repair: repair ? ({ attempt: input.attempt ?? 2, ...repair } satisfies RepairPrompt) : null,
  });
  const maxAnswerBytes = config.llm.maxAnswerKb * 1024;
  const schema = strategy === 'llm-tests' ? TEST_ANSWER_SCHEMA : FIX_ANSWER_SCHEMA;
  const request: ChatRequest = {
    model,
    messages,
    schema,
    timeoutMs: durationMs(config.llm.timeout),
    maxAnswerBytes,
    ...(config.llm.maxAnswerTokens > 0 ? { maxAnswerTokens: config.llm.maxAnswerTokens } : {}),
  };
  const key = llmCacheKey({ model, kind: strategy, promptVersion: kind.promptVersion, messages, schemaName: schema.name, maxAnswerTokens: config.llm.maxAnswerTokens });
  const { answer, usage } = await askOrReadCache(deps, config, workspace.stateDir, key, request, kind.promptVersion);

  let changed: ChangedFile[];
  let summary: string;
  try {
    if (answer.truncated) {
      throw new LlmAnswerRejectedError('too_large', `the answer was cut off at llm.maxAnswerTokens (${config.llm.maxAnswerTokens} tokens); raise it in kaizen.config.json if such answers are expected`);
    }
    if (tests) {
      const applied = applyLlmFilesAnswer({
        content: answer.content,
        refusal: answer.refusal,
        maxAnswerBytes,
        isExcluded,
        editable: tests.file ? new Map([[tests.file.path, redactor.redact(tests.file.content)]]) : new Map(),
        mayCreate: (path) => tests.isTestPath(path) && !tests.existing.has(path) && languageOf(path) !== 'plain text',
        allowed: `test files (the one shown, or a new one matching ${testGlobsOf(config).join(', ')})`,
      });
      ({ summary } = applied);
      changed = applied.files;
    } else {
      const applied = applyLlmAnswer({ content: answer.content, refusal: answer.refusal, target, fileContent: redacted, maxAnswerBytes, isExcluded });
      summary = applied.summary;
      changed = [{ path: target, original: redacted, newContent: applied.newContent }];
    }
    await checkFiles(workspace.worktree, changed, redactor);
    // The change contract: every hunk explained by a targeted finding, tests only added to.
    const protection = await loadProtectedFiles(workspace.worktree, config);
    const contract = checkChangeContract({ strategy, target, findings, isTestFile: protection.isTestFile, files: changed.map((f) => ({ path: f.path, before: f.original, after: f.newContent })) });
    if (!contract.ok) {
      const diffExcerpt = changed.map((f) => summariseChange(f.path, f.original ?? '', f.newContent).excerpt).join('\n');
      throw new LlmAnswerRejectedError('out_of_scope', contract.message, usage, { summary, diffExcerpt });
    }
  } catch (err) {
    if (err instanceof LlmAnswerRejectedError) err.usage = usage;
    throw err;
  }

  // Each secret goes back exactly where it was (placeholders were checked); excerpts keep placeholders.
  const proposalPath = await writeProposalBody(workspace, { files: changed.map((f) => ({ path: f.path, content: restoreSecrets(f.newContent, redactor.placeholders) })) });
  const diffs = changed.map((f) => summariseChange(f.path, f.original ?? '', f.newContent));
  return {
    strategy,
    proposalPath,
    files: changed.map((f) => f.path),
    summary: summary || `${kind.purpose} in ${target}`,
    linesAdded: diffs.reduce((n, d) => n + d.linesAdded, 0),
    linesRemoved: diffs.reduce((n, d) => n + d.linesRemoved, 0),
    diffExcerpt: diffs.map((d) => d.excerpt).join('\n'),
    targets: findings,
    llm: usage,
  };
}

/** Complexity findings say "over the threshold"; the prompt also shows how far over each function is. */
function promptFindings(strategy: LlmStrategy, target: string, content: string, findings: Finding[]): Finding[] {
  if (strategy !== 'llm-complexity') return findings;
  const functions = scanFunctions(target, content) ?? [];
  return findings.map((f) => {
    const fn = functions.find((s) => s.startLine === f.line && f.ruleId === KAIZEN_RULES.complexity);
    return fn ? { ...f, message: `${f.message} It is ${fn.complexity} now (lines ${fn.startLine}–${fn.endLine}).` } : f;
  });
}

async function testContext(deps: ActivityDeps, input: LlmProposalInput, target: string, isExcluded: (path: string) => boolean) {
  const tests = await listTestFiles(deps, input.workspace, input.config, isExcluded);
  const closest = closestTestFile(target, tests.paths);
  const content = closest ? await readTestFile(input.workspace, input.config, closest) : null;
  return { isTestPath: tests.isTestPath, existing: new Set(tests.paths), file: closest && content !== null ? { path: closest, content } : null };
}

/** Every new content must parse, and every path must stay a regular file inside the worktree. */
async function checkFiles(worktree: string, files: ChangedFile[], redactor: SecretRedactor): Promise<void> {
  for (const file of files) {
    const parses = checkParses(file.path, restoreSecrets(file.newContent, redactor.placeholders));
    if (!parses.ok) throw new LlmAnswerRejectedError('does_not_parse', parses.message);
  }
  // Symlinked folders could lead a new test file out of the repository.
  await confineFiles(worktree, files.map((f) => ({ path: f.path, content: '' })));
}

async function askOrReadCache(
  deps: ActivityDeps,
  config: Config,
  stateDir: string,
  key: string,
  request: ChatRequest,
  promptVersion: string,
): Promise<{ answer: ChatAnswer; usage: LlmUsage }> {
  const workflowId = activityContext()?.info.workflowExecution?.workflowId ?? null;
  // Only the improvement that paid reuses an answer (a retried generate, a reset run): another
  // run asks afresh, or an answer that failed once would be replayed forever.
  const cached = await readCachedAnswer(stateDir, key).then((c) => (c && c.paidBy === workflowId ? c : null));
  let answer: ChatAnswer;
  if (cached) {
    answer = cached.answer;
  } else {
    // Fails with LlmNotConfiguredError when no endpoint is configured.
    const client = deps.llm.client();
    try {
      answer = await withHeartbeat(`waiting for ${request.model}`, (signal) => client.chat(signal ? { ...request, signal } : request));
    } catch (err) {
      // An answer the adapter refused (too large) was still paid for.
      if (err instanceof LlmAnswerRejectedError && err.usage) {
        const cost = costOf(config.llm.prices, err.usage.model, err.usage.promptTokens, err.usage.completionTokens);
        err.usage = { ...err.usage, promptVersion, ...(cost !== null ? { costUsd: cost } : {}) };
      }
      throw err;
    }
    recordLlmTokens(answer.model || request.model, answer.promptTokens, answer.completionTokens);
    await writeCachedAnswer(stateDir, key, answer, workflowId);
  }
  const model = answer.model || request.model;
  // A reused answer was paid by this run's earlier attempt, whose result never reached the
  // workflow: its tokens are reported now (the governor counts each attempt once).
  const cost = costOf(config.llm.prices, model, answer.promptTokens, answer.completionTokens);
  const usage: LlmUsage = {
    model,
    promptTokens: answer.promptTokens,
    completionTokens: answer.completionTokens,
    promptVersion,
    ...(cost !== null ? { costUsd: cost } : {}),
    ...(cached ? { cached: true } : {}),
  };
  return { answer, usage };
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
