// Commands that talk to a running (or finished) improvement: status, pause, resume, cancel,
// approve, reject, list.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ImprovementResult } from '../core/types.js';
import { approveSignal, pauseSignal, progressQuery, rejectSignal, resumeSignal } from '../contracts/improvement.js';
import { client as connect, printJson, repoName, target, workflowLink, type GlobalOptions } from './common.js';
import { CliError } from './errors.js';
import { formatProgress, formatResult } from './format.js';
import { formatServerView, noWorkerLine, queryIfServed, serverView, workerPresence } from './worker-presence.js';
import { isDirectory } from './repo-target.js';
import { printUndoStatus } from './undo.js';
import { undoProgressQuery } from '../contracts/undo.js';
import { WORKFLOW_TYPES } from '../contracts/workflows.js';
import { userOf } from '../core/config/environment.js';

async function withHandle<T>(id: string, opts: GlobalOptions, run: (c: Client) => Promise<T>): Promise<T> {
  const c = await connect(opts);
  try {
    return await run(c);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new CliError(`No workflow with id '${id}' in namespace '${target(opts).namespace}'. 'kaizen list' shows recent ones.`);
    throw err;
  } finally {
    await c.connection.close();
  }
}

export async function statusCommand(id: string, opts: GlobalOptions & { json?: boolean }): Promise<number> {
  return withHandle(id, opts, async (c) => {
    const handle = c.workflow.getHandle(id);
    const link = workflowLink(target(opts), id);
    // What the server knows answers at once; the progress query needs a worker on the run's queue.
    const description = await handle.describe();
    const presence = await workerPresence(c, target(opts).namespace, description.taskQueue);
    if (description.type === WORKFLOW_TYPES.undo) return printUndoStatus(handle, description.status.name, () => queryIfServed(c, presence, () => handle.query(undoProgressQuery)), link, opts.json);
    const progress = await queryIfServed(c, presence, () => handle.query(progressQuery));
    if (progress) {
      if (opts.json) printJson({ ...progress, link });
      else console.log(`${formatProgress(progress)}\n  ${link}`);
      return 0;
    }
    const view = serverView(description);
    const result = description.status.name === 'COMPLETED' ? ((await handle.result()) as ImprovementResult) : undefined;
    const failure = description.status.name === 'FAILED' ? await handle.result().then(() => undefined, (err: unknown) => failureMessage(err)) : undefined;
    // A finished run's stored result is the whole answer; a running one waits for a worker.
    const note = description.status.name === 'RUNNING' ? noWorkerLine(presence) : undefined;
    if (opts.json) {
      printJson({ ...view, source: 'server (no worker answered the progress query)', workerPolling: false, ...(result ? { result } : {}), ...(failure ? { failure } : {}), ...(note ? { note } : {}), link });
      return 0;
    }
    const lines = formatServerView(view);
    if (result) lines.push('', formatResult(result));
    if (failure) lines.push(`  failed: ${failure}`);
    if (note) lines.push(`  ${note}`);
    console.log(`${lines.join('\n')}\n  ${link}`);
    return 0;
  });
}

function failureMessage(err: unknown): string {
  const cause = (err as { cause?: { message?: string } }).cause;
  return cause?.message ?? (err as Error).message;
}

export async function signalCommand(kind: 'pause' | 'resume' | 'approve' | 'reject', id: string, opts: GlobalOptions & { reason?: string; llm?: boolean }): Promise<number> {
  if (opts.llm) {
    if (!isDirectory(id)) throw new CliError(`--llm resumes the LLM strategies of a repository: pass its path, not '${id}'.`);
    return (await import('./governor.js')).resumeLlmCommand(id, opts);
  }
  // A repository (an existing folder) is paused or resumed as a whole, through its governor.
  if ((kind === 'pause' || kind === 'resume') && isDirectory(id)) return (await import('./governor.js')).repoPauseCommand(kind, id, opts);
  return withHandle(id, opts, async (c) => {
    const handle = c.workflow.getHandle(id);
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') throw new CliError(`${id} is ${description.status.name.toLowerCase()}; only running improvements take '${kind}'.`);
    const by = userOf(process.env, 'cli');
    if (kind === 'pause') await handle.signal(pauseSignal);
    else if (kind === 'resume') await handle.signal(resumeSignal);
    else if (kind === 'approve') await handle.signal(approveSignal, { by });
    else await handle.signal(rejectSignal, { by, ...(opts.reason ? { reason: opts.reason } : {}) });
    const said: Record<typeof kind, string> = {
      pause: 'pause sent: the run holds at its next step boundary',
      resume: 'resume sent',
      approve: 'approved',
      reject: 'rejected: the change will be rolled back',
    };
    console.log(`${id}: ${said[kind]}`);
    return 0;
  });
}

export async function cancelCommand(id: string, opts: GlobalOptions): Promise<number> {
  return withHandle(id, opts, async (c) => {
    await c.workflow.getHandle(id).cancel();
    console.log(`${id}: cancel requested; compensation removes its worktree and branch`);
    return 0;
  });
}

export interface ListOptions extends GlobalOptions {
  repo?: string;
  json?: boolean;
  limit?: string;
}

export async function listCommand(opts: ListOptions): Promise<number> {
  const limit = Number(opts.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit must be a positive whole number, not '${opts.limit}'.`);
  const c = await connect(opts);
  try {
    const filters = [`WorkflowType = '${WORKFLOW_TYPES.improvement}'`];
    if (opts.repo) filters.push(`KaizenRepo = '${repoName(opts.repo).replace(/'/g, "\\'")}'`);
    const rows: Record<string, string | null>[] = [];
    for await (const wf of c.workflow.list({ query: filters.join(' AND ') })) {
      const attrs = wf.searchAttributes;
      const first = (key: string): string | null => {
        const value = attrs[key];
        return Array.isArray(value) && value.length ? String(value[0]) : null;
      };
      rows.push({
        workflowId: wf.workflowId,
        status: wf.status.name,
        repo: first('KaizenRepo'),
        file: first('KaizenFile'),
        strategy: first('KaizenStrategy'),
        step: first('KaizenStep'),
        outcome: first('KaizenOutcome'),
        startTime: wf.startTime.toISOString(),
      });
      if (rows.length >= limit) break;
    }
    if (opts.json) printJson(rows);
    else if (!rows.length) console.log('no improvements yet');
    else
      for (const r of rows) {
        console.log(`${r.startTime?.slice(0, 19)}  ${(r.outcome ?? r.status ?? '').padEnd(11)}  ${r.repo ?? '?'}:${r.file ?? '-'}  ${r.strategy ?? ''}  ${r.workflowId}`);
      }
    return 0;
  } finally {
    await c.connection.close();
  }
}
