// `kaizen undo ID` and `kaizen undo REPO --since 1d`: start the undo workflow (kaizen-undo-<id>),
// optionally wait for it and print what each change ended as.
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { UndoProgress } from '../contracts/undo.js';
import { testCommandOption } from './improve.js';
import type { UndoInput, UndoItem, UndoResult } from '../core/undo/types.js';
import type { ImprovementResult } from '../core/types.js';
import { WORKFLOW_TYPES, type UndoWorkflow } from '../contracts/workflows.js';
import { client as connect, printJson, repoName, target, taskQueue, workflowLink, type GlobalOptions } from './common.js';
import { CliError } from './errors.js';
import { isDirectory, resolveRepo } from './repo-target.js';
import { localOffsetMinutes, parseSince, resolveRepoRoot } from './log.js';

export interface UndoOptions extends GlobalOptions {
  since?: string;
  repo?: string;
  targetBranch?: string;
  testCmd?: string;
  /** `--no-governor` sets false: no merge lock, no lesson for the learner. */
  governor?: boolean;
  wait?: boolean;
  json?: boolean;
}

const ICON: Record<UndoItem['outcome'], string> = { applied: '✔', proposed: '◆', skipped: '○', rolled_back: '↺', failed: '✘' };

/** One line per change, then its reason and revert commit. */
export function formatUndo(result: UndoResult, link?: string): string {
  const lines: string[] = [];
  if (result.reason) lines.push(`○ ${result.reason}`);
  for (const item of result.items) {
    lines.push(`${ICON[item.outcome]} ${item.outcome}: undo ${item.undoes}${item.undoneCommit ? ` (${item.undoneCommit.slice(0, 12)})` : ''}`, `  ${item.reason}`);
    if (item.commit) lines.push(`  revert commit ${item.commit.slice(0, 12)}${item.branch ? ` on ${item.branch}` : ''}`);
  }
  if (!result.reason && result.items.length === 0) lines.push('○ nothing to undo');
  if (link) lines.push(`  ${link}`);
  return lines.join('\n');
}

/** The workflow id of an undo: one per improvement, one per repository and window. */
export function undoWorkflowId(input: UndoInput, now: Date): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (input.workflowId) return `kaizen-undo-${safe(input.workflowId)}`;
  return `kaizen-undo-${safe(repoName(input.repoPath))}-since-${now.getTime().toString(36)}`;
}

/** REPO as the worker will find it: a checkout's top level, or a clone URL (the worker's mirror of it). */
async function repoArgument(arg: string, flag: string): Promise<string> {
  const ref = await resolveRepo(arg);
  if (ref.remote) return ref.repoRoot;
  if (!ref.local) throw new CliError(`${flag} ${arg} does not exist. Pass the path of a git checkout or a clone URL.`);
  return resolveRepoRoot(arg);
}

/** The repository of an improvement: --repo, else where its finished workflow says it ran, else the current folder's. */
async function repoOfImprovement(c: Client, id: string, opts: UndoOptions): Promise<string> {
  if (opts.repo) return repoArgument(opts.repo, '--repo');
  const handle = c.workflow.getHandle(id);
  const described = await handle.describe().catch(() => undefined);
  if (described?.status.name === 'COMPLETED') {
    const result = (await handle.result().catch(() => undefined)) as ImprovementResult | undefined;
    if (result?.repo) return result.repo;
  }
  return resolveRepoRoot(undefined).catch(() => {
    throw new CliError(`Cannot tell which repository ${id} changed: Temporal no longer has its result and the current folder is not a git repository. Pass --repo PATH.`);
  });
}

async function undoInput(c: Client, targetArg: string, opts: UndoOptions, now: Date): Promise<UndoInput> {
  const testCommand = testCommandOption(opts.testCmd);
  const common = {
    ...(testCommand ? { testCommand } : {}),
    ...(opts.targetBranch ? { targetBranch: opts.targetBranch } : {}),
    ...(opts.governor === false ? { governor: false } : {}),
  };
  if (opts.since) {
    if (opts.repo) throw new CliError('With --since, the argument is the repository: kaizen undo REPO --since 1d (no --repo).');
    const since = parseSince(opts.since, now, localOffsetMinutes(now));
    return { repoPath: await repoArgument(targetArg, 'Repository'), since: since.toISOString(), ...common };
  }
  if (isDirectory(targetArg)) {
    throw new CliError(`'${targetArg}' is a folder, not an improvement's id: undo one change by its workflow id (kaizen undo ID, as 'kaizen log --json' lists them), or every change of a repository in a window (kaizen undo ${targetArg} --since 1d).`);
  }
  return { repoPath: await repoOfImprovement(c, targetArg, opts), workflowId: targetArg, ...common };
}

export async function undoCommand(targetArg: string, opts: UndoOptions): Promise<number> {
  const t = target(opts);
  const c = await connect(opts);
  const now = new Date();
  const input = await undoInput(c, targetArg, opts, now);
  const workflowId = undoWorkflowId(input, now);
  const what = input.workflowId ? `Undo ${input.workflowId}` : `Undo every change since ${input.since}`;
  const handle = await c.workflow.start<UndoWorkflow>(WORKFLOW_TYPES.undo, {
    taskQueue: taskQueue(),
    workflowId,
    args: [input],
    staticSummary: `${what} in ${repoName(input.repoPath)}`,
    staticDetails: `Repository: \`${input.repoPath}\``,
  });
  const link = workflowLink(t, handle.workflowId);
  if (!opts.wait) {
    if (opts.json) printJson({ workflowId: handle.workflowId, link });
    else console.log(`started ${handle.workflowId}\n  ${link}\n  what it did goes to 'kaizen log ${input.repoPath}'`);
    return 0;
  }
  if (!opts.json) console.log(`started ${handle.workflowId}, waiting…\n  ${link}`);
  let result: UndoResult;
  try {
    result = await handle.result();
  } catch (err) {
    if (err instanceof WorkflowFailedError) throw new CliError(`${handle.workflowId} ended without a result (${err.cause?.message ?? err.message}); what it did is in 'kaizen log' and the Web UI: ${link}`);
    throw err;
  }
  if (opts.json) printJson({ ...result, link });
  else console.log(formatUndo(result));
  const bad = result.items.some((i) => i.outcome === 'failed' || i.outcome === 'rolled_back');
  return bad || (result.reason !== undefined && result.items.length === 0) ? 1 : 0;
}

/** An undo run as the progress query tells it: what it is doing, and each change so far. */
export function formatUndoProgress(status: string, progress: UndoProgress | undefined): string {
  if (!progress) return `${status.toLowerCase()}: no worker answered the progress query; 'kaizen log' has what it recorded`;
  const items = progress.items.flatMap((i) => [`${ICON[i.outcome]} ${i.outcome}: undo ${i.undoes}`, `  ${i.reason}`]);
  return [`${status.toLowerCase()}: ${progress.current}`, ...items].join('\n');
}

/** `kaizen status` of an undo: its result once finished, else its progress query. */
export async function printUndoStatus(handle: WorkflowHandle, status: string, progress: () => Promise<UndoProgress | undefined>, link: string, json?: boolean): Promise<number> {
  if (status === 'COMPLETED') {
    const result = (await handle.result()) as UndoResult;
    if (json) printJson({ status, ...result, link });
    else console.log(formatUndo(result, link));
    return 0;
  }
  const now = await progress();
  if (json) printJson({ status, ...(now ?? {}), link });
  else console.log(`${formatUndoProgress(status, now)}\n  ${link}`);
  return 0;
}
