// `kaizen schedule create|list|describe|pause|unpause|trigger|delete`: one Temporal Schedule per
// repository starts its `cycle` workflow. Overlap policy SKIP (a cycle still running means the
// next one is not started), and a catch-up window of one interval: after downtime the missed
// run happens once, not never and not once per missed interval.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleHandle } from '@temporalio/client';
import { loadRepoConfig } from '../activities/workspace/repo-config.js';
import { durationMs } from '../core/duration.js';
import { repoKey, scheduleIdFor, SCHEDULE_ID_PREFIX } from '../core/repository/key.js';
import { client as connect, printJson, taskQueue, type GlobalOptions } from './common.js';
import { cycleStartOptions } from './cycle.js';
import { CliError } from './errors.js';
import { resolveRepo } from './repo-target.js';
import { WORKFLOW_TYPES } from '../contracts/workflows.js';
import { userOf } from '../core/config/environment.js';

export interface ScheduleCreateOptions extends GlobalOptions {
  every?: string;
  cron?: string;
  jitter?: string;
  catchup?: string;
  paused?: boolean;
  json?: boolean;
}

const DURATION = /^\d+(\.\d+)?(ms|s|m|h|d)$/;

function checkDuration(value: string, flag: string): string {
  if (!DURATION.test(value)) throw new CliError(`${flag} must be a duration like 30m, 6h or 1d, not '${value}'.`);
  return value;
}

/** The schedule's timing: flags first, then the repository's kaizen.config.json (when readable here). */
export async function scheduleTiming(repoRoot: string, local: boolean, opts: ScheduleCreateOptions) {
  if (opts.every && opts.cron) throw new CliError('Give --every or --cron, not both.');
  const config = local ? await loadRepoConfig(repoRoot).catch((err: Error) => {
    throw new CliError(`${err.message}\nFix kaizen.config.json ('kaizen config validate ${repoRoot}'), or pass --every/--cron.`);
  }) : undefined;
  const cron = opts.cron ?? (opts.every ? undefined : config?.schedule.cron);
  const every = checkDuration(opts.every ?? config?.schedule.every ?? '6h', '--every');
  const jitter = checkDuration(opts.jitter ?? config?.schedule.jitter ?? '5m', '--jitter');
  // One interval: a run missed during downtime is caught up once. Cron has no interval: a day.
  const catchup = checkDuration(opts.catchup ?? (cron ? '1d' : every), '--catchup');
  if (durationMs(catchup) < 10_000) throw new CliError('--catchup must be at least 10s (Temporal\'s minimum).');
  return { cron, every, jitter, catchup, enabled: config?.enabled ?? true };
}

async function withClient<T>(opts: GlobalOptions, run: (c: Client) => Promise<T>): Promise<T> {
  const c = await connect(opts);
  try {
    return await run(c);
  } finally {
    await c.connection.close();
  }
}

/** A REPO argument, or a schedule id as `kaizen schedule list` prints it. */
async function scheduleIdOf(arg: string): Promise<string> {
  return arg.startsWith(SCHEDULE_ID_PREFIX) ? arg : scheduleIdFor((await resolveRepo(arg)).repoRoot);
}

async function existing(c: Client, arg: string): Promise<{ handle: ScheduleHandle; description: ScheduleDescription }> {
  const id = await scheduleIdOf(arg);
  const handle = c.schedule.getHandle(id);
  try {
    return { handle, description: await handle.describe() };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new CliError(`No schedule for ${arg} (id ${id}). Create one with 'kaizen schedule create ${arg}'.`);
    throw err;
  }
}

export async function scheduleCreateCommand(repo: string, opts: ScheduleCreateOptions): Promise<number> {
  const { repoRoot, local } = await resolveRepo(repo);
  const timing = await scheduleTiming(repoRoot, local, opts);
  const scheduleId = scheduleIdFor(repoRoot);
  return withClient(opts, async (c) => {
    try {
      await c.schedule.create({
        scheduleId,
        spec: { ...(timing.cron ? { cronExpressions: [timing.cron] } : { intervals: [{ every: timing.every }] }), jitter: timing.jitter },
        action: { type: 'startWorkflow', workflowType: WORKFLOW_TYPES.cycle, workflowId: `kaizen-cycle-${repoKey(repoRoot)}`, ...cycleStartOptions(repoRoot, taskQueue(), 'schedule') },
        policies: { overlap: 'SKIP', catchupWindow: timing.catchup },
        // Descriptions turn cron into calendars: keep the expression as written.
        memo: { repoPath: repoRoot, ...(timing.cron ? { cron: timing.cron } : {}) },
        state: { paused: Boolean(opts.paused), note: opts.paused ? 'created paused' : `created by ${userOf(process.env, 'kaizen')}` },
      });
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) throw new CliError(`${repoRoot} has a schedule already (id ${scheduleId}). 'kaizen schedule describe ${repo}' shows it; delete it first to change it.`);
      throw err;
    }
    const when = timing.cron ? `cron '${timing.cron}'` : `every ${timing.every}`;
    if (opts.json) printJson({ scheduleId, repoPath: repoRoot, ...timing, paused: Boolean(opts.paused) });
    else {
      console.log(`schedule ${scheduleId}: a cycle of ${repoRoot} ${when} (jitter ${timing.jitter}, catch-up ${timing.catchup}, overlapping runs skipped)${opts.paused ? ', paused' : ''}`);
      if (!timing.enabled) console.log(`note: "enabled" is false in kaizen.config.json, so each cycle ends at once until you set it to true`);
    }
    return 0;
  });
}

function summarise(d: ScheduleDescription) {
  const repoPath = typeof d.memo?.repoPath === 'string' ? d.memo.repoPath : null;
  return {
    scheduleId: d.scheduleId,
    repoPath,
    spec: { every: d.spec.intervals?.map((i) => i.every) ?? [], cron: typeof d.memo?.cron === 'string' ? [d.memo.cron] : [], jitter: d.spec.jitter ?? null },
    overlap: d.policies.overlap,
    catchupWindowMs: d.policies.catchupWindow,
    paused: d.state.paused,
    note: d.state.note ?? null,
    nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
    recentRuns: d.info.recentActions.slice(-5).map((a) => ({ at: a.takenAt.toISOString(), workflowId: a.action.workflow.workflowId })),
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
    actionsTaken: d.info.numActionsTaken,
    skippedOverlap: d.info.numActionsSkippedOverlap,
    missedCatchupWindow: d.info.numActionsMissedCatchupWindow,
  };
}

function formatSchedule(s: ReturnType<typeof summarise>): string {
  const when = s.spec.cron.length ? `cron ${s.spec.cron.join(', ')}` : `every ${s.spec.every.map((ms) => `${Math.round(Number(ms) / 60_000)}m`).join(', ')}`;
  return [
    `${s.scheduleId}${s.paused ? ' (PAUSED)' : ''}: ${s.repoPath ?? '?'} ${when}`,
    `  next: ${s.nextRuns.join(', ') || '-'}`,
    `  runs: ${s.actionsTaken} started, ${s.skippedOverlap} skipped (a cycle was still running), ${s.missedCatchupWindow} missed the catch-up window`,
    ...(s.running.length ? [`  running: ${s.running.join(', ')}`] : []),
    ...s.recentRuns.map((r) => `  ${r.at}  ${r.workflowId}`),
  ].join('\n');
}

export async function scheduleListCommand(opts: GlobalOptions & { json?: boolean }): Promise<number> {
  return withClient(opts, async (c) => {
    const rows: ReturnType<typeof summarise>[] = [];
    for await (const s of c.schedule.list()) {
      if (!s.scheduleId.startsWith(SCHEDULE_ID_PREFIX)) continue;
      rows.push(summarise(await c.schedule.getHandle(s.scheduleId).describe()));
    }
    if (opts.json) printJson(rows);
    else console.log(rows.length ? rows.map(formatSchedule).join('\n') : "no Kaizen schedules ('kaizen schedule create REPO' makes one)");
    return 0;
  });
}

export async function scheduleDescribeCommand(repo: string, opts: GlobalOptions & { json?: boolean }): Promise<number> {
  return withClient(opts, async (c) => {
    const s = summarise((await existing(c, repo)).description);
    if (opts.json) printJson(s);
    else console.log(formatSchedule(s));
    return 0;
  });
}

export async function scheduleActionCommand(kind: 'pause' | 'unpause' | 'trigger' | 'delete', repo: string, opts: GlobalOptions & { note?: string }): Promise<number> {
  return withClient(opts, async (c) => {
    const { handle } = await existing(c, repo);
    if (kind === 'pause') await handle.pause(opts.note ?? `paused by ${userOf(process.env, 'kaizen')}`);
    else if (kind === 'unpause') await handle.unpause(opts.note ?? `unpaused by ${userOf(process.env, 'kaizen')}`);
    // A manual trigger follows the schedule's own overlap policy: never a second cycle at once.
    else if (kind === 'trigger') await handle.trigger('SKIP');
    else await handle.delete();
    const said = { pause: 'paused: no cycles start until unpaused', unpause: 'unpaused', trigger: 'triggered: a cycle starts now (unless one is running)', delete: 'deleted (running cycles finish)' };
    console.log(`${handle.scheduleId}: ${said[kind]}`);
    return 0;
  });
}
