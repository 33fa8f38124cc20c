// The cluster tests' shared parts: a real Kaizen worker and client on a cluster's address,
// visibility queries, and figures printed for docs/operations-cluster.md.
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadDataConverter } from '../../src/adapters/codec/codec.js';
import { connectClient, resolveTemporalTarget } from '../../src/adapters/temporal/connection.js';
import { startWorker, workflowsPath, type RunningWorker } from '../../src/worker.js';
import { GIT_ENV } from '../helpers/git-repo.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
let runtimeInstalled = false;

export interface ClusterKaizen {
  client: Client;
  worker: RunningWorker;
  taskQueue: string;
  close(): Promise<void>;
}

/** A worker (real activities) and a client on the cluster, like `kaizen worker` with TEMPORAL_ADDRESS. */
export interface WorkerPlacement {
  /** A task queue shared with other workers (default: one of this worker's own). */
  taskQueue?: string;
  /** Extra environment, e.g. KAIZEN_USER_HOME: each "host" its own Kaizen home. */
  env?: NodeJS.ProcessEnv;
  /** The host the worker acts as (its host queue), so workers in one process act as several hosts. */
  hostName?: string;
}

export async function startKaizenOn(address: string, namespace: string, name: string, placement: WorkerPlacement = {}): Promise<ClusterKaizen> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  bundle ??= bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: new DefaultLogger('WARN') });
  const target = resolveTemporalTarget({}, { address, namespace });
  const taskQueue = placement.taskQueue ?? `cluster-${name}-${Date.now().toString(36)}`;
  const env = { ...GIT_ENV, ...placement.env };
  const worker = await startWorker({ target, taskQueue, env, notifiers: [], workflowBundle: await bundle, ...(placement.hostName ? { hostName: placement.hostName } : {}) });
  const client = await connectClient(target, loadDataConverter(GIT_ENV));
  return {
    client,
    worker,
    taskQueue,
    async close() {
      await worker.shutdown();
      await client.connection.close();
    },
  };
}

/** Workflow ids a visibility query returns, sorted. */
export async function idsOf(client: Client, query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids.sort();
}

/** Polls until `probe` gives a value `ok` accepts (visibility is eventually consistent); returns the last value. */
export async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** One measured figure, printed where the test log shows it. */
export function figure(name: string, ms: number): void {
  console.log(`cluster figure: ${name}: ${(ms / 1000).toFixed(1)} s`);
}
