// `kaizen governor REPO` when no worker answers the governor's query: what the server knows of
// the governor (running since, task queue) and of the repository's improvements (the visibility
// store: which run now, which landed in the last 24 h), and plainly what it cannot know.
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { WORKFLOW_TYPES } from '../contracts/workflows.js';
import { readGovernorMemo, type GovernorMemo } from '../core/governor/memo.js';
import { repoName } from '../core/repository/key.js';
import { noWorkerLine, type WorkerPresence } from './worker-presence.js';

const LIST_CAP = 50;

export interface OfflineGovernorView {
  governorId: string;
  repoPath: string;
  exists: true;
  status: string;
  taskQueue: string;
  startTime: string;
  source: string;
  /** Improvements of this repository the server lists as running. */
  running: { workflowId: string; file: string | null }[];
  /** Improvements that landed (applied) or were proposed in the last 24 h. */
  landed24h: number;
  /** The governor's last known state from its memo (absent for governors of older workers). */
  lastKnown?: GovernorMemo;
  unknown: string[];
  note: string;
}

const UNKNOWN = ['budget left and next slot', 'merge lock', 'repository pause', 'strategy statistics', 'LLM usage'];
/** What even the memo does not hold. */
const UNKNOWN_WITH_MEMO = ['strategy statistics', 'LLM usage', 'the names of the flaky tests'];

export async function offlineGovernorView(c: Client, d: WorkflowExecutionDescription, repoPath: string, presence: WorkerPresence, now = Date.now()): Promise<OfflineGovernorView> {
  const repo = `KaizenRepo = '${repoName(repoPath).replace(/'/g, "\\'")}' AND WorkflowType = '${WORKFLOW_TYPES.improvement}'`;
  const lastKnown = readGovernorMemo(d.memo);
  const running: OfflineGovernorView['running'] = [];
  let landed24h = 0;
  try {
    for await (const wf of c.workflow.list({ query: `${repo} AND ExecutionStatus = 'Running'` })) {
      const file = wf.searchAttributes.KaizenFile;
      running.push({ workflowId: wf.workflowId, file: Array.isArray(file) && file.length ? String(file[0]) : null });
      if (running.length >= LIST_CAP) break;
    }
    const since = new Date(now - 24 * 3600_000).toISOString();
    for await (const _wf of c.workflow.list({ query: `${repo} AND KaizenOutcome IN ('applied', 'proposed') AND CloseTime > '${since}'` })) {
      if (++landed24h >= LIST_CAP) break;
    }
  } catch {
    // A server without visibility queries: the governor's own line still stands.
  }
  return {
    governorId: d.workflowId,
    repoPath,
    exists: true,
    status: d.status.name,
    taskQueue: d.taskQueue,
    startTime: d.startTime.toISOString(),
    source: 'server (no worker answered the governor query)',
    running,
    landed24h,
    ...(lastKnown ? { lastKnown } : {}),
    unknown: lastKnown ? UNKNOWN_WITH_MEMO : UNKNOWN,
    note: noWorkerLine(presence),
  };
}

export function formatOfflineGovernorView(v: OfflineGovernorView): string {
  const lines = [`Governor of ${repoName(v.repoPath)} (${v.governorId})`, `  ${v.note}`];
  lines.push(`  state: ${v.status.toLowerCase()}, since ${v.startTime}, on task queue ${v.taskQueue}`);
  lines.push(`  from the server: ${v.running.length} improvement${v.running.length === 1 ? '' : 's'} running, ${v.landed24h} landed or proposed in the last 24 h`);
  for (const r of v.running) lines.push(`  running: ${r.workflowId} ${r.file ?? ''}`);
  if (v.lastKnown) lines.push(...lastKnownLines(v.lastKnown));
  lines.push(`  not known without a worker: ${v.unknown.join(', ')}`);
  return lines.join('\n');
}

/** The memo's state, said as what it is: the last state the governor wrote, not a live answer. */
function lastKnownLines(m: GovernorMemo): string[] {
  const b = m.budget;
  const pause = m.paused ? `PAUSED${m.paused.by ? ` by ${m.paused.by}` : ''}${m.paused.since ? ` since ${m.paused.since}` : ''}${m.paused.reason ? ` (${m.paused.reason})` : ''}` : 'running';
  return [
    `  last known state (the governor's memo, ${m.at}): ${pause}`,
    `  budget then: ${b.last24h} landed or proposed in 24 h, ${b.running} running, ${b.left} of ${b.maxPerDay} left; next slot: ${b.nextSlotReason ? `${b.nextSlotAt ?? 'when a running improvement finishes'} (${b.nextSlotReason})` : 'free'}`,
    `  merge lock then: ${m.lockHolder ? `held by ${m.lockHolder}` : 'free'}${m.llmPausedReason ? `; LLM strategies paused: ${m.llmPausedReason}` : ''}${m.flakyTests ? `; ${m.flakyTests} flaky test${m.flakyTests === 1 ? '' : 's'} (names: kaizen doctor with a worker)` : ''}`,
  ];
}
