// `kaizen improve REPO`: start one improvement workflow, optionally wait for its result.
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { splitCommand } from '../core/config/command-line.js';
import type { ImprovementInput, ImprovementResult, Mode, Strategy } from '../core/types.js';
import { resolveRepo } from './repo-target.js';
import { progressQuery } from '../contracts/improvement.js';
import { client as connect, printJson, repoName, target, taskQueue, workflowLink, type GlobalOptions } from './common.js';
import { CliError } from './errors.js';
import { warnWhileNoWorker } from './worker-presence.js';
import { formatResult } from './format.js';
import { WORKFLOW_TYPES, type ImprovementWorkflow } from '../contracts/workflows.js';

/** As commander hands them over: --strategy and --mode are already checked against their choices. */
export interface ImproveOptions extends GlobalOptions {
  file?: string;
  strategy?: Strategy;
  mode?: Mode;
  testCmd?: string;
  targetBranch?: string;
  wait?: boolean;
  json?: boolean;
  /** `--respect-budget`: refuse to start when the repository's budget is used up. */
  respectBudget?: boolean;
  /** `--no-governor` sets false: no merge lock, pause, budget count or learning. */
  governor?: boolean;
}

export async function improvementInput(repo: string, opts: ImproveOptions): Promise<ImprovementInput> {
  const { repoRoot: repoPath, local, remote } = await resolveRepo(repo);
  if (!local && !remote) throw new CliError(`Repository ${repoPath} does not exist. Pass the path of a git checkout or a clone URL.`);
  if (remote && opts.mode === 'branch') {
    throw new CliError(`--mode branch keeps the change on a branch of the worker's mirror of ${repoPath}, where nobody sees it. Use --mode push, pr or merge (without --mode a repository given by URL gets push).`);
  }
  const testCommand = testCommandOption(opts.testCmd);
  return {
    repoPath,
    ...(opts.file ? { file: opts.file } : {}),
    ...(opts.strategy ? { strategy: opts.strategy } : {}),
    ...(opts.mode ? { mode: opts.mode } : {}),
    ...(testCommand ? { testCommand } : {}),
    ...(opts.targetBranch ? { targetBranch: opts.targetBranch } : {}),
    // Manual runs take the merge lock, obey a repo-wide pause and count toward the budget,
    // but are only refused for budget when asked to be.
    ...(opts.governor === false ? {} : { governor: { enforceBudget: Boolean(opts.respectBudget) } }),
  };
}

/** `--test-cmd` as an argv, or a CliError that says what is wrong with it. */
export function testCommandOption(testCmd: string | undefined): string[] | undefined {
  if (!testCmd) return undefined;
  try {
    return splitCommand(testCmd);
  } catch (err) {
    throw new CliError(`--test-cmd: ${(err as Error).message}`);
  }
}

export function newWorkflowId(repoPath: string): string {
  const stamp = Date.now().toString(36);
  const random = Math.random().toString(36).slice(2, 6);
  return `improve-${repoName(repoPath).replace(/[^A-Za-z0-9_.-]/g, '_')}-${stamp}-${random}`;
}

export async function startImprovement(c: Client, input: ImprovementInput, queue: string, workflowId = newWorkflowId(input.repoPath)) {
  return c.workflow.start<ImprovementWorkflow>(WORKFLOW_TYPES.improvement, {
    taskQueue: queue,
    workflowId,
    args: [input],
    staticSummary: `Improve ${input.file ?? 'the best file'} in ${repoName(input.repoPath)} (${input.strategy ?? 'autofix'})`,
    staticDetails: `Repository: \`${input.repoPath}\``,
  });
}

/** Waits for the result; a cancelled run still has its outcome in the progress query. */
export async function waitForResult(c: Client, workflowId: string): Promise<ImprovementResult> {
  const handle = c.workflow.getHandle(workflowId);
  try {
    return (await handle.result()) as ImprovementResult;
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      const progress = await handle.query(progressQuery).catch(() => undefined);
      if (progress?.result) return progress.result;
    }
    throw err;
  }
}

export async function improveCommand(repo: string, opts: ImproveOptions): Promise<number> {
  const input = await improvementInput(repo, opts);
  const t = target(opts);
  const c = await connect(opts);
  const handle = await startImprovement(c, input, taskQueue());
  const link = workflowLink(t, handle.workflowId);
  if (!opts.wait) {
    if (opts.json) printJson({ workflowId: handle.workflowId, link });
    else console.log(`started ${handle.workflowId}\n  ${link}\n  follow it with: kaizen status ${handle.workflowId}`);
    return 0;
  }
  if (!opts.json) console.log(`started ${handle.workflowId}, waiting…\n  ${link}`);
  warnWhileNoWorker(c, t.namespace, taskQueue());
  const result = await waitForResult(c, handle.workflowId);
  if (opts.json) printJson({ ...result, link });
  else console.log(formatResult(result, link));
  return result.outcome === 'failed' ? 1 : 0;
}
