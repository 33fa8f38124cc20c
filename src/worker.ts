// Starts Kaizen's workers. One process polls three task queues: the shared queue (workflows
// and activities that need no disk), a host-specific queue for activities that touch a
// worktree, so workers on several machines never share a disk by accident, and that host's
// presence queue, whose one instant activity tells a busy host from a dead one (failover).
import { workerHost } from './adapters/worker-host.js';
import { type NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { kaizenActivityInterceptors } from './activities/failure-interceptor.js';
import { createActivities, createContinuousActivities, type ActivityDeps } from './activities/index.js';
import type { Notifier } from './contracts/ports.js';
import { loadDataConverter } from './adapters/codec/codec.js';
import { createLogNotifier } from './adapters/notifiers/log.js';
import { createChannelSenders } from './adapters/notifiers/index.js';
import { createOpenAiProvider } from './adapters/openai-llm.js';
import { KAIZEN_HOME } from './adapters/install-folder.js';
import { ensureSearchAttributes } from './adapters/temporal/search-attributes.js';
import { devServerRecordsDir, recordedUiUrl } from './adapters/temporal/dev-server-records.js';
import { createGovernorGateway } from './adapters/temporal/governor-client.js';
import { connectClient, connectNative, type TemporalTarget } from './adapters/temporal/connection.js';
import { workflowBundleForWorker } from './adapters/temporal/workflow-bundle.js';
import { END_GRACE_MS, endRunningGroups, killRunningGroupsOnExit } from './adapters/process-groups.js';
import { DEFAULT_TASK_QUEUE, hostQueueFor, presenceQueueFor } from './contracts/task-queues.js';
import { configuredTaskQueue, webUiBase } from './core/config/environment.js';

export { workflowsPath } from './adapters/temporal/workflow-bundle.js';

export interface WorkerOptions {
  target: TemporalTarget;
  taskQueue?: string;
  env?: NodeJS.ProcessEnv;
  notifiers?: Notifier[];
  /** Extra dependencies overrides (tests). */
  deps?: Partial<ActivityDeps>;
  /** Reuse an already built bundle (tests start many workers); default: the build's, else one built now. */
  workflowBundle?: WorkflowBundleOption;
  /** The host this worker's disk belongs to (default: workerHost(env)); tests run several "hosts" in one process. */
  hostName?: string;
}

export interface RunningWorker {
  taskQueue: string;
  hostQueue: string;
  /** Resolves when all three workers have stopped; rejects if one crashed. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const env = options.env ?? process.env;
  const taskQueue = options.taskQueue ?? configuredTaskQueue(env) ?? DEFAULT_TASK_QUEUE;
  const hostQueue = hostQueueFor(taskQueue, options.hostName ?? workerHost(env));
  // Before connecting: a malformed key fails fast; no key is announced once.
  const dataConverter = loadDataConverter(env, (notice) => console.warn(notice));
  const connection: NativeConnection = await connectNative(options.target);
  // Without them every workflow task fails and runs hang: check (and register) up front.
  await ensureSearchAttributes(options.target).catch(async (err: unknown) => {
    await connection.close();
    throw err;
  });
  // Workflows cannot send updates: the governor activities talk to the governors with a client.
  const governorClient = options.deps?.governor ? undefined : await connectClient(options.target, dataConverter);
  const deps: ActivityDeps = {
    hostQueue,
    kaizenHome: KAIZEN_HOME,
    llm: createOpenAiProvider(env),
    notifiers: options.notifiers ?? [createLogNotifier()],
    // Email and webhook channels; their secrets are read from `env` at delivery time.
    channelSenders: createChannelSenders(),
    env,
    // Links name the server this worker talks to, at the --ui-port `kaizen dev` recorded for it.
    uiBase: webUiBase(env, options.target.address, recordedUiUrl(devServerRecordsDir(env), options.target.address)),
    ...(governorClient ? { governor: createGovernorGateway(governorClient) } : {}),
    ...options.deps,
  };
  const activities = { ...createActivities(deps), ...createContinuousActivities(deps) };
  const workflowBundle = options.workflowBundle ?? (await workflowBundleForWorker());
  const shared = await Worker.create({
    connection,
    namespace: options.target.namespace,
    taskQueue,
    workflowBundle,
    activities,
    interceptors: { activity: kaizenActivityInterceptors },
    dataConverter,
  });
  const onHost = await Worker.create({
    connection,
    namespace: options.target.namespace,
    taskQueue: hostQueue,
    activities,
    interceptors: { activity: kaizenActivityInterceptors },
    dataConverter,
  });
  // Its own slots: however many steps keep the host busy, the probe is answered at once.
  const presence = await Worker.create({
    connection,
    namespace: options.target.namespace,
    taskQueue: presenceQueueFor(hostQueue),
    activities: { hostAlive: activities.hostAlive },
    maxConcurrentActivityTaskExecutions: 10,
    dataConverter,
  });
  const workers = [shared, onHost, presence];
  // Whatever ends this process, the tests and linters it started in worktrees end with it.
  killRunningGroupsOnExit();
  const done = Promise.all(workers.map((w) => w.run())).then(
    async () => {
      await connection.close();
      await governorClient?.connection.close();
    },
    async (err: unknown) => {
      shutdownAll();
      await connection.close().catch(() => undefined);
      await governorClient?.connection.close().catch(() => undefined);
      throw err;
    },
  );
  function shutdownAll(): void {
    for (const w of workers) {
      if (w.getState() === 'RUNNING') w.shutdown();
    }
  }
  return {
    taskQueue,
    hostQueue,
    done,
    async shutdown() {
      shutdownAll();
      // Shutdown cancels the running activities, which end their processes and report the
      // cancellation; whatever still runs after a grace is ended here, so nothing outlives the worker.
      await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, END_GRACE_MS).unref())]);
      await endRunningGroups();
      await done.catch(() => undefined);
    },
  };
}
