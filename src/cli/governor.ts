// `kaizen governor REPO [--json]` and the repo-wide `kaizen pause|resume REPO`: what a
// repository's governor knows (budgets, lock, pause, strategy statistics), and its pause switch.
import { WorkflowNotFoundError } from '@temporalio/client';
import { governorStartOptions } from '../adapters/temporal/governor-client.js';
import { describeFlaky } from '../core/governor/flaky.js';
import type { GovernorView } from '../core/governor/protocol.js';
import { repoName } from '../core/repository/key.js';
import { governorStateQuery, pauseRepoSignal, resumeLlmSignal, resumeRepoSignal } from '../contracts/governor.js';
import { WORKFLOW_TYPES, type GovernorWorkflow } from '../contracts/workflows.js';
import { client as connect, printJson, target, workflowLink, type GlobalOptions } from './common.js';
import { governorTargetFor, resolveRepo } from './repo-target.js';
import { userOf } from '../core/config/environment.js';
import { formatOfflineGovernorView, offlineGovernorView } from './governor-offline.js';
import { queryIfServed, workerPresence } from './worker-presence.js';

export interface GovernorOptions extends GlobalOptions {
  json?: boolean;
}

export function formatGovernorView(v: GovernorView, governorId: string): string {
  const b = v.budget;
  const lines = [`Governor of ${repoName(v.repoPath)} (${governorId})`];
  lines.push(`  state: ${v.paused.paused ? `PAUSED${v.paused.by ? ` by ${v.paused.by}` : ''}${v.paused.sinceIso ? ` since ${v.paused.sinceIso}` : ''}${v.paused.reason ? ` (${v.paused.reason})` : ''}` : 'running'}`);
  lines.push(`  budget: ${b.last24h} landed or proposed in the last 24 h, ${b.running} running, ${b.left} of ${b.limits.maxPerDay} left; ${b.limits.maxPerFilePerDay} per file, ${b.limits.minIntervalMinutes} min apart, ${b.limits.maxConcurrent} at once`);
  const files = Object.entries(b.perFile);
  if (files.length) lines.push(`  per file (24 h): ${files.map(([f, n]) => `${f} ${n}/${b.limits.maxPerFilePerDay}`).join(', ')}`);
  lines.push(`  next slot: ${b.nextSlotReason ? `${b.nextSlotAt ?? 'when a running improvement finishes'} (${b.nextSlotReason})` : 'now'}`);
  lines.push(`  merge lock: ${v.lock ? `held by ${v.lock.holder} since ${v.lock.since}` : 'free'}${v.waiting.length ? `; waiting: ${v.waiting.join(', ')}` : ''}`);
  for (const a of v.active) lines.push(`  running: ${a.workflowId} ${a.file ?? ''} (${a.strategy}${a.landed ? ', landed' : ''})`);
  for (const s of v.strategies) {
    lines.push(`  strategy ${s.family} → ${s.strategy}: ${s.successes} ✓ ${s.failures} ✗${s.successRate === null ? '' : ` (${Math.round(s.successRate * 100)}%)`}`);
  }
  if (v.llm) {
    const cost = v.llm.costUsd24h > 0 ? `, $${v.llm.costUsd24h.toFixed(4)}` : '';
    lines.push(`  LLM (24 h): ${v.llm.calls24h} calls, ${v.llm.tokens24h} tokens${cost}${v.llm.paused ? ` — PAUSED since ${v.llm.paused.since}: ${v.llm.paused.reason}` : ''}`);
  }
  if (v.flaky?.length) lines.push(`  ${describeFlaky(v.flaky)}`);
  // Views of older governors have neither.
  for (const p of v.pullRequests ?? []) lines.push(`  open pull request: #${p.number} ${p.file ?? ''} since ${p.openedAt} ${p.url}`);
  for (const c of v.cooldowns ?? []) lines.push(`  cooling down: ${c.file}${c.family ? ` (${c.family})` : ''} until ${c.until}, after #${c.number} was closed`);
  const totals = Object.entries(v.totals).filter(([, n]) => n > 0);
  if (totals.length) lines.push(`  outcomes so far: ${totals.map(([o, n]) => `${n} ${o}`).join(', ')}`);
  return lines.join('\n');
}

export async function governorCommand(repo: string, opts: GovernorOptions): Promise<number> {
  const { repoRoot } = await resolveRepo(repo);
  const gov = governorTargetFor(repoRoot);
  const c = await connect(opts);
  try {
    const handle = c.workflow.getHandle(gov.workflowId);
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      if (opts.json) printJson({ governorId: gov.workflowId, repoPath: repoRoot, exists: false });
      else console.log(`${repoRoot} has no governor yet: it starts with the first cycle or improvement ('kaizen cycle ${repo}').`);
      return 0;
    }
    // The state query needs a worker on the governor's queue; without one, what the server knows.
    const presence = await workerPresence(c, target(opts).namespace, description.taskQueue);
    const view: GovernorView | undefined = await queryIfServed(c, presence, () => handle.query(governorStateQuery));
    if (!view) {
      const offline = await offlineGovernorView(c, description, repoRoot, presence);
      if (opts.json) printJson({ ...offline, link: workflowLink(target(opts), gov.workflowId) });
      else console.log(`${formatOfflineGovernorView(offline)}\n  ${workflowLink(target(opts), gov.workflowId)}`);
      return 0;
    }
    if (opts.json) printJson({ governorId: gov.workflowId, exists: true, ...view, link: workflowLink(target(opts), gov.workflowId) });
    else console.log(`${formatGovernorView(view, gov.workflowId)}\n  ${workflowLink(target(opts), gov.workflowId)}`);
    return 0;
  } finally {
    await c.connection.close();
  }
}

/** `kaizen resume REPO --llm`: the LLM strategies run again after a daily cap paused them. */
export async function resumeLlmCommand(repo: string, opts: GlobalOptions): Promise<number> {
  const { repoRoot } = await resolveRepo(repo);
  const gov = governorTargetFor(repoRoot);
  const c = await connect(opts);
  try {
    const request = { by: userOf(process.env, 'cli') };
    await c.workflow.signalWithStart<GovernorWorkflow, [typeof request]>(WORKFLOW_TYPES.governor, { ...governorStartOptions(gov), signal: resumeLlmSignal, signalArgs: [request] });
    console.log(`${repoRoot}: the LLM strategies run again; LLM usage counts against the daily caps from now on.`);
    return 0;
  } finally {
    await c.connection.close();
  }
}

/** Pauses or resumes every improvement of a repository (the governor starts if it has not yet). */
export async function repoPauseCommand(kind: 'pause' | 'resume', repo: string, opts: GlobalOptions & { reason?: string }): Promise<number> {
  const { repoRoot } = await resolveRepo(repo);
  const gov = governorTargetFor(repoRoot);
  const c = await connect(opts);
  try {
    const request = { by: userOf(process.env, 'cli'), ...(opts.reason ? { reason: opts.reason } : {}) };
    await c.workflow.signalWithStart<GovernorWorkflow, [typeof request]>(WORKFLOW_TYPES.governor, {
      ...governorStartOptions(gov),
      signal: kind === 'pause' ? pauseRepoSignal : resumeRepoSignal,
      signalArgs: [request],
    });
    console.log(
      kind === 'pause'
        ? `${repoRoot}: paused. Running improvements hold at their next step boundary, none start, scheduled cycles end at once; 'kaizen resume ${repo}' continues.`
        : `${repoRoot}: resumed. Held improvements continue; cycles start improvements again.`,
    );
    return 0;
  } finally {
    await c.connection.close();
  }
}
