// Whether a worker serves a workflow's task queue, and what the server alone knows of a run.
// A query needs a worker: without one the server holds it until its own deadline (~30 s) and
// answers "Failed to query Workflow". `status` and `governor` ask the task queue first (the
// server lists the workers that polled it lately, a stopped one for a few minutes more), give a
// query a short deadline, and otherwise answer from describe(): status, times, search attributes,
// pending activities, and a finished run's stored result.
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { KaizenFile, KaizenOutcome, KaizenRepo, KaizenStep, KaizenStrategy } from '../contracts/search-attributes.js';

/** temporal.api.enums.v1 values (@temporalio/proto is not a direct dependency). */
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const PENDING = { STARTED: 2, CANCEL_REQUESTED: 3, PAUSED: 4 } as const;

/** How long a query may wait for a worker that the task queue lists. */
export const QUERY_DEADLINE_MS = 3000;

export interface WorkerPresence {
  taskQueue: string;
  /** Workers the server saw poll the queue lately (a stopped or killed one stays listed a few minutes). */
  pollers: { identity: string; lastPoll: string | null }[];
  /** False when the server could not be asked (then `pollers` says nothing). */
  known: boolean;
}

export async function workerPresence(c: Client, namespace: string, taskQueue: string): Promise<WorkerPresence> {
  try {
    const answer = await c.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      c.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
        taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    const pollers = (answer.pollers ?? []).map((p) => ({ identity: p.identity ?? '?', lastPoll: timestampIso(p.lastAccessTime) }));
    return { taskQueue, pollers, known: true };
  } catch {
    // The queue's pollers are a hint only; the query's deadline still bounds the wait.
    return { taskQueue, pollers: [], known: false };
  }
}

/**
 * For `--wait`: a run whose queue no worker polls would wait in silence until one starts.
 * Asks the queue beside the wait (it delays nothing) and tells stderr when nobody polls it.
 */
export function warnWhileNoWorker(c: Client, namespace: string, taskQueue: string, write: (text: string) => void = (text) => process.stderr.write(text)): void {
  void workerPresence(c, namespace, taskQueue).then((presence) => {
    if (presence.known && presence.pollers.length === 0) write(noWorkerWarning(presence));
  });
}

/** warnWhileNoWorker's line, when the queue is known to have no poller. */
export function noWorkerWarning(presence: WorkerPresence): string {
  return `kaizen: ${noWorkerLine(presence)}; the run waits until one does (Ctrl-C stops the waiting, not the run)\n`;
}

/** Runs `query` when a worker may answer it, within QUERY_DEADLINE_MS; undefined when none does. */
export async function queryIfServed<T>(c: Client, presence: WorkerPresence, query: () => Promise<T>): Promise<T | undefined> {
  if (presence.pollers.length === 0) return undefined;
  try {
    return await c.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, query);
  } catch {
    return undefined;
  }
}

/** The plain sentence for an operator: which queue has no worker and how to start one. */
export function noWorkerLine(presence: WorkerPresence): string {
  const hint = `start one with \`kaizen worker\` (KAIZEN_TASK_QUEUE=${presence.taskQueue} if that is not its default queue)`;
  if (presence.pollers.length === 0) return `no worker polls task queue ${presence.taskQueue} — ${hint}`;
  const last = presence.pollers.map((p) => `${p.identity}${p.lastPoll ? ` at ${p.lastPoll}` : ''}`).join(', ');
  return `no worker answered on task queue ${presence.taskQueue} within ${QUERY_DEADLINE_MS / 1000} s (last polled by ${last}; stopped or busy) — ${hint}`;
}

export interface ServerView {
  workflowId: string;
  status: string;
  taskQueue: string;
  startTime: string;
  closeTime: string | null;
  repo: string | null;
  file: string | null;
  step: string | null;
  strategy: string | null;
  outcome: string | null;
  /** Steps in flight: activity, attempt, last heartbeat, last failure. */
  pending: { activity: string; attempt: number; state: string; lastHeartbeat: string | null; lastFailure: string | null }[];
}

export function serverView(d: WorkflowExecutionDescription): ServerView {
  const attrs = d.typedSearchAttributes;
  return {
    workflowId: d.workflowId,
    status: d.status.name,
    taskQueue: d.taskQueue,
    startTime: d.startTime.toISOString(),
    closeTime: d.closeTime?.toISOString() ?? null,
    repo: attrs.get(KaizenRepo) ?? null,
    file: attrs.get(KaizenFile) ?? null,
    step: attrs.get(KaizenStep) ?? null,
    strategy: attrs.get(KaizenStrategy) ?? null,
    outcome: attrs.get(KaizenOutcome) ?? null,
    pending: (d.raw.pendingActivities ?? []).map((a) => ({
      activity: a.activityType?.name ?? '?',
      attempt: a.attempt ?? 1,
      state: pendingState(a.state),
      lastHeartbeat: timestampIso(a.lastHeartbeatTime),
      lastFailure: a.lastFailure?.message ?? null,
    })),
  };
}

export function formatServerView(v: ServerView): string[] {
  const what = [v.repo, v.file].filter(Boolean).join(': ');
  const lines = [`${v.workflowId}: ${v.status.toLowerCase()}${what ? ` (${what})` : ''}, started ${v.startTime}${v.closeTime ? `, closed ${v.closeTime}` : ''}`];
  if (v.step || v.strategy || v.outcome) lines.push(`  step: ${v.step ?? '?'}${v.strategy ? `, strategy ${v.strategy}` : ''}${v.outcome ? `, outcome ${v.outcome}` : ''}`);
  for (const p of v.pending) {
    const beat = p.lastHeartbeat ? `, last heartbeat ${p.lastHeartbeat}` : '';
    lines.push(`  in flight: ${p.activity}, attempt ${p.attempt}, ${p.state}${beat}${p.lastFailure ? `; last failure: ${p.lastFailure}` : ''}`);
  }
  return lines;
}

function pendingState(state: number | null | undefined): string {
  if (state === PENDING.STARTED) return 'started on a worker';
  if (state === PENDING.CANCEL_REQUESTED) return 'cancel requested';
  if (state === PENDING.PAUSED) return 'paused';
  return 'waiting for a worker';
}

function timestampIso(t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null {
  if (!t || t.seconds === undefined || t.seconds === null) return null;
  const ms = Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
  return ms > 0 ? new Date(ms).toISOString() : null;
}
