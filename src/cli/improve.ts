// `kaizen improve REPO`: start one improvement workflow, optionally wait for its result.
import { splitCommand } from '../core/config/command-line.js';
import type { ImprovementInput, Mode, Strategy } from '../core/types.js';
import { resolveRepo } from './repo-target.js';
import { client as connect, printJson, target, taskQueue, workflowLink, type GlobalOptions } from './common.js';
import { CliError } from './errors.js';
import { httpApiFor, startOverHttp } from './improvement-http.js';
import { newWorkflowId, type StartedImprovement } from './improvement-run.js';
import { formatResult } from './format.js';

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

export async function improveCommand(repo: string, opts: ImproveOptions): Promise<number> {
  const input = await improvementInput(repo, opts);
  const t = target(opts);
  const queue = taskQueue();
  const workflowId = newWorkflowId(input.repoPath);
  const http = httpApiFor(t);
  const started = (http && (await startOverHttp(http, input, queue, workflowId, () => connect(opts)))) ?? (await startOverGrpc(opts, t.namespace, input, queue, workflowId));
  const link = workflowLink(t, workflowId);
  if (!opts.wait) {
    if (opts.json) printJson({ workflowId, link });
    else console.log(`started ${workflowId}\n  ${link}\n  follow it with: kaizen status ${workflowId}`);
    return 0;
  }
  if (!opts.json) console.log(`started ${workflowId}, waiting…\n  ${link}`);
  started.warnWhileNoWorker();
  const result = await started.result();
  if (opts.json) printJson({ ...result, link });
  else console.log(formatResult(result, link));
  return result.outcome === 'failed' ? 1 : 0;
}

async function startOverGrpc(opts: ImproveOptions, namespace: string, input: ImprovementInput, queue: string, workflowId: string): Promise<StartedImprovement> {
  const grpc = await import('./improvement-client.js');
  return grpc.startOverGrpc(await connect(opts), namespace, input, queue, workflowId);
}
