// `kaizen governor REPO` when no worker answers the governor's query: what the server knows of
// the governor (running since, task queue) and of the repository's improvements (the visibility
// store: which run now, which landed in the last 24 h), and plainly what it cannot know.
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { WORKFLOW_TYPES } from '../contracts/workflows.js';
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
  unknown: string[];
  note: string;
}

const UNKNOWN = ['budget left and next slot', 'merge lock', 'repository pause', 'strategy statistics', 'LLM usage'];

export async function offlineGovernorView(c: Client, d: WorkflowExecutionDescription, repoPath: string, presence: WorkerPresence, now = Date.now()): Promise<OfflineGovernorView> {
  const repo = `KaizenRepo = '${repoName(repoPath).replace(/'/g, "\\'")}' AND WorkflowType = '${WORKFLOW_TYPES.improvement}'`;
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
    unknown: UNKNOWN,
    note: noWorkerLine(presence),
  };
}

export function formatOfflineGovernorView(v: OfflineGovernorView): string {
  const lines = [`Governor of ${repoName(v.repoPath)} (${v.governorId})`, `  ${v.note}`];
  lines.push(`  state: ${v.status.toLowerCase()}, since ${v.startTime}, on task queue ${v.taskQueue}`);
  lines.push(`  from the server: ${v.running.length} improvement${v.running.length === 1 ? '' : 's'} running, ${v.landed24h} landed or proposed in the last 24 h`);
  for (const r of v.running) lines.push(`  running: ${r.workflowId} ${r.file ?? ''}`);
  lines.push(`  not known without a worker: ${v.unknown.join(', ')}`);
  return lines.join('\n');
}
