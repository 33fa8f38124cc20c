// `kaizen watch ID`: follow one improvement in the terminal until it ends. The loop takes its
// query, clock and output as parameters so tests drive it with a scripted progress sequence.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { formatDuration } from '../core/duration.js';
import type { ImprovementResult } from '../core/types.js';
import type { Progress, ProgressUpdate } from '../core/improvement/progress.js';
import { progressQuery } from '../contracts/improvement.js';
import { client as connect, target, workflowLink, type GlobalOptions } from './common.js';
import { CliError } from './errors.js';
import { formatResult, progressBar } from './format.js';
import { waitForResult } from './improvement-client.js';
import { noWorkerLine, QUERY_DEADLINE_MS, workerPresence } from './worker-presence.js';

export interface WatchIo {
  /** The run's progress, or undefined when it could not be read this time (retried next tick). */
  poll: () => Promise<Progress | undefined>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  write: (text: string) => void;
  /** A terminal: redraw one progress-bar line in place. Otherwise plain lines only. */
  tty: boolean;
  intervalMs?: number;
}

const CLEAR_LINE = '\r\x1b[2K';

const keyOf = (u: ProgressUpdate) => `${u.at}\u0000${u.step}\u0000${u.message}`;

/** The updates after the last one already printed; all of them if it scrolled out of the capped list. */
export function newUpdates(updates: ProgressUpdate[], lastKey: string | undefined): ProgressUpdate[] {
  if (lastKey === undefined) return updates;
  for (let i = updates.length - 1; i >= 0; i--) if (keyOf(updates[i] as ProgressUpdate) === lastKey) return updates.slice(i + 1);
  return updates;
}

export function updateLine(u: ProgressUpdate): string {
  return `  ${u.at.slice(11, 19)}  [${u.step}] ${u.message.split('\n')[0] ?? ''}`;
}

function state(p: Progress): string {
  if (p.paused) return `paused before ${p.pausedAt ?? p.step} (kaizen resume ${p.workflowId})`;
  if (p.waitingFor) return `waiting for ${p.waitingFor}`;
  return '';
}

/** Polls until the run has a result, printing each new update once; resolves with the result. */
export async function watchProgress(io: WatchIo): Promise<ImprovementResult> {
  const started = io.now();
  let lastKey: string | undefined;
  let lastState = '';
  let barShown = false;
  const clearBar = () => {
    if (barShown) io.write(CLEAR_LINE);
    barShown = false;
  };
  for (;;) {
    const p = await io.poll();
    if (p) {
      const fresh = newUpdates(p.updates, lastKey);
      const last = fresh.at(-1);
      if (last) {
        clearBar();
        for (const u of fresh) io.write(`${updateLine(u)}\n`);
        lastKey = keyOf(last);
      }
      if (p.result) {
        clearBar();
        return p.result;
      }
      const now = state(p);
      if (io.tty) {
        const elapsed = formatDuration(Math.max(0, io.now() - started));
        io.write(`${CLEAR_LINE}${progressBar(p.percent)} ${String(p.percent).padStart(3)}%  ${p.step}${now ? `  ${now}` : ''}  ${elapsed}`);
        barShown = true;
      } else if (now !== lastState && now) {
        io.write(`  ${now}\n`);
      }
      lastState = now;
    }
    await io.sleep(io.intervalMs ?? 1000);
  }
}

/**
 * The real poll: the progress query, and what to do when the run can no longer answer it. A
 * running run nobody answers for is said once (which queue needs a worker); watching goes on,
 * as the run does once a worker comes.
 */
function temporalPoll(c: Client, id: string, namespace: string, say: (line: string) => void): () => Promise<Progress | undefined> {
  const handle = c.workflow.getHandle(id);
  let told = false;
  return async () => {
    try {
      return await c.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(progressQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new CliError(`No workflow with id '${id}' in namespace '${namespace}'. 'kaizen list' shows recent ones.`);
      const description = await handle.describe();
      const status = description.status.name;
      if (status === 'RUNNING') {
        const presence = told ? undefined : await workerPresence(c, namespace, description.taskQueue);
        if (presence) {
          told = true;
          say(`  ${noWorkerLine(presence)}; still watching\n`);
        }
        return undefined;
      }
      const result = await waitForResult(c, id).catch(() => undefined);
      if (!result) throw new CliError(`${id} ended ${status.toLowerCase()} without an outcome; its history in the Web UI says why.`);
      return { workflowId: id, step: 'done', percent: 100, paused: false, updates: [], result };
    }
  };
}

export async function watchCommand(id: string, opts: GlobalOptions): Promise<number> {
  const t = target(opts);
  const c = await connect(opts);
  try {
    const link = workflowLink(t, id);
    const tty = Boolean(process.stdout.isTTY);
    process.stdout.write(`watching ${id}\n  ${link}\n`);
    const result = await watchProgress({
      poll: temporalPoll(c, id, t.namespace, (line) => process.stdout.write(line)),
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
      now: () => Date.now(),
      write: (text) => process.stdout.write(text),
      tty,
    });
    process.stdout.write(`\n${formatResult(result)}\n`);
    return result.outcome === 'failed' ? 1 : 0;
  } finally {
    await c.connection.close();
  }
}
