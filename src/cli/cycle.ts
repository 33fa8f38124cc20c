// `kaizen cycle REPO [--wait] [--json]`: one cycle now, as the schedule would start it.
import type { Client } from '@temporalio/client';
import type { CycleInput, CycleSummary } from '../core/governor/cycle.js';
import { repoKey, repoName } from '../core/repository/key.js';
import { KaizenRepo } from '../contracts/search-attributes.js';
import { cycleSummaryQuery } from '../contracts/governor.js';
import { WORKFLOW_TYPES, type CycleWorkflow } from '../contracts/workflows.js';
import { client as connect, printJson, target, taskQueue, workflowLink, type GlobalOptions } from './common.js';
import { CliError } from './errors.js';
import { warnWhileNoWorker } from './worker-presence.js';
import { resolveRepo } from './repo-target.js';
import { resultOrQueried } from './workflow-result.js';

export interface CycleOptions extends GlobalOptions {
  wait?: boolean;
  json?: boolean;
}

const ICON: Record<string, string> = { applied: '✔', proposed: '➜', skipped: '·', rolled_back: '↺', failed: '✘' };

export function cycleStartOptions(repoRoot: string, queue: string, trigger: CycleInput['trigger'] = 'manual') {
  const args: [CycleInput] = [{ repoPath: repoRoot, trigger }];
  return {
    taskQueue: queue,
    args,
    typedSearchAttributes: [{ key: KaizenRepo, value: repoName(repoRoot) }],
    staticSummary: `Kaizen cycle of ${repoName(repoRoot)}: analyse, ask the governor, improve`,
    staticDetails: `Repository: \`${repoRoot}\``,
  };
}

export function formatCycleSummary(s: CycleSummary, link?: string): string {
  const lines = [`${s.status === 'completed' ? '✔' : s.status === 'failed' ? '✘' : '·'} cycle ${s.status}: ${s.reason}`];
  if (s.findingsBefore !== null) {
    lines.push(`  findings: ${s.findingsBefore} → ${s.findingsAfter ?? '?'} (${s.filesAnalysed} files, ${s.filesReanalysed} analysed again, ${s.candidates} candidates)`);
  }
  for (const r of s.results) {
    lines.push(`  ${ICON[r.outcome] ?? ' '} ${r.outcome.padEnd(11)} ${r.file ?? '(no file)'} (${r.strategy}, ${Math.round(r.durationMs / 1000)}s): ${r.reason}`);
  }
  for (const k of s.skipped.slice(0, 8)) lines.push(`  · not started${k.file ? ` ${k.file}` : ''}: ${k.reason}`);
  if (s.nextSlotAt) lines.push(`  next slot at ${s.nextSlotAt}`);
  if (s.backupRefsPruned > 0) lines.push(`  deleted ${s.backupRefsPruned} backup ref${s.backupRefsPruned === 1 ? '' : 's'} older than backup.keepDays`);
  if (s.durationMs !== null) lines.push(`  took ${Math.round(s.durationMs / 1000)}s`);
  if (link) lines.push(`  ${link}`);
  return lines.join('\n');
}

/** Waits for a cycle; a failed or cancelled one still has its summary in the query. */
export function waitForCycle(c: Client, workflowId: string): Promise<CycleSummary> {
  return resultOrQueried(c, workflowId, cycleSummaryQuery, (summary) => summary);
}

export async function cycleCommand(repo: string, opts: CycleOptions): Promise<number> {
  const { repoRoot, local, remote } = await resolveRepo(repo);
  if (!local && !remote) throw new CliError(`Repository ${repoRoot} does not exist. Pass the path of a git checkout or a clone URL.`);
  const t = target(opts);
  const c = await connect(opts);
  try {
    const workflowId = `kaizen-cycle-${repoKey(repoRoot)}-${Date.now().toString(36)}`;
    await c.workflow.start<CycleWorkflow>(WORKFLOW_TYPES.cycle, { workflowId, ...cycleStartOptions(repoRoot, taskQueue()) });
    const link = workflowLink(t, workflowId);
    if (!opts.wait) {
      if (opts.json) printJson({ workflowId, link });
      else console.log(`started ${workflowId}\n  ${link}`);
      return 0;
    }
    if (!opts.json) console.log(`started ${workflowId}, waiting…\n  ${link}`);
    warnWhileNoWorker(c, t.namespace, taskQueue());
    const summary = await waitForCycle(c, workflowId);
    if (opts.json) printJson({ ...summary, link });
    else console.log(formatCycleSummary(summary, link));
    return summary.status === 'failed' ? 1 : 0;
  } finally {
    await c.connection.close();
  }
}
