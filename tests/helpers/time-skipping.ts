// One time-skipping Temporal test server per test file, the workflow bundle built once, and
// a short-lived Worker per test on its own task queue.
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll } from 'vitest';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { kaizenActivityInterceptors } from '../../src/activities/failure-interceptor.js';
import type { KaizenActivities } from '../../src/activities/index.js';
import { findTemporalCli, findTemporalTestServer } from '../../src/adapters/temporal/binaries.js';
import { KAIZEN_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes.js';
import { FAKE_HOST_QUEUE_SUFFIX } from './fake-activities.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

export interface TimeSkipping {
  env: TestWorkflowEnvironment;
  bundle: WorkflowBundleWithSourceMap;
  /**
   * Runs `fn` while Workers poll a fresh task queue (workflows and activities) and its host
   * queue `<taskQueue>-host` (activities only), as a worker with a host-specific queue does.
   * The locateRepo fake answers that host queue.
   */
  withWorker<T>(activities: KaizenActivities | object, fn: (taskQueue: string) => Promise<T>): Promise<T>;
  /** A client whose awaits do not skip time (the env's client does). */
  plainClient: Client;
  teardown(): Promise<void>;
}

/**
 * Which server the file's tests run on. `time-skipping` (the default) skips timers; `dev` is
 * the real server (the temporal CLI's dev server), for tests that meet a known defect of the
 * test server: it fails a workflow task that asks to cancel an activity that completed in the
 * same task ("ACTIVITY_UNKNOWN", temporalio/sdk-typescript#1058), and the run then hangs,
 * where the real server carries on.
 */
export type TestServerKind = 'time-skipping' | 'dev';

async function startEnvironment(kind: TestServerKind): Promise<TestWorkflowEnvironment> {
  // TEMPORAL_TEST_SERVER / TEMPORAL_CLI, PATH, python3's scripts folder, ~/.local/bin, Kaizen's tools venv.
  if (kind === 'dev') {
    const path = await findTemporalCli(process.env);
    return TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path }, ui: false } });
  }
  const path = await findTemporalTestServer(process.env);
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
}

export async function startTimeSkipping(kind: TestServerKind = 'time-skipping'): Promise<TimeSkipping> {
  quietRuntime();
  // One after the other: the SDK gives a starting server only ~5 s, so keep the CPU free for it.
  const env = await startEnvironment(kind);
  let bundle: WorkflowBundleWithSourceMap;
  try {
    await registerSearchAttributes(env);
    bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  let queueCounter = 0;

  return {
    env,
    bundle,
    plainClient: new Client({ connection: env.connection, namespace: env.namespace ?? 'default' }),
    async withWorker(activities, fn) {
      const taskQueue = `kaizen-test-${process.pid}-${++queueCounter}`;
      const common = {
        connection: env.nativeConnection,
        activities,
        interceptors: { activity: kaizenActivityInterceptors },
        // Heartbeats reach the server (and cancellations reach the fakes) within 100 ms
        // instead of the default 80% of the heartbeat timeout.
        maxHeartbeatThrottleInterval: 100,
        defaultHeartbeatThrottleInterval: 100,
        shutdownGraceTime: '1s',
      };
      const [worker, host] = await Promise.all([
        Worker.create({ ...common, taskQueue, workflowBundle: bundle }),
        Worker.create({ ...common, taskQueue: `${taskQueue}${FAKE_HOST_QUEUE_SUFFIX}` }),
      ]);
      return host.runUntil(worker.runUntil(fn(taskQueue)));
    },
    async teardown() {
      await env.teardown();
    },
  };
}

/**
 * The test file's time-skipping server: started before its first test, torn down after the
 * last. Use the returned object inside tests (its members throw until the server is up).
 */
export function useTimeSkipping(kind: TestServerKind = 'time-skipping'): TimeSkipping {
  let started: TimeSkipping | undefined;
  beforeAll(async () => {
    started = await startTimeSkipping(kind);
  });
  afterAll(async () => {
    await started?.teardown();
  });
  const running = (): TimeSkipping => {
    if (!started) throw new Error('the time-skipping server is not running (use it inside a test, after beforeAll)');
    return started;
  };
  return {
    get env() {
      return running().env;
    },
    get bundle() {
      return running().bundle;
    },
    get plainClient() {
      return running().plainClient;
    },
    withWorker: (activities, fn) => running().withWorker(activities, fn),
    teardown: () => running().teardown(),
  };
}

/**
 * The test server, like any server, fails a workflow task that upserts an unregistered
 * search attribute ("search attribute KaizenStrategy is not defined") and retries it
 * forever. It has no flag for them (the dev server's --search-attribute), but it does
 * implement OperatorService.AddSearchAttributes (not ListSearchAttributes).
 */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  // temporal.api.enums.v1.IndexedValueType; @temporalio/proto is not a direct dependency.
  const indexedValueType = { Text: 1, Keyword: 2, Int: 3, Double: 4, Bool: 5, Datetime: 6, KeywordList: 7 } as const;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(Object.entries(KAIZEN_SEARCH_ATTRIBUTES).map(([name, type]) => [name, indexedValueType[type]])),
  });
}

/**
 * Keeps the SDK's INFO/WARN logs (worker start/stop per test, the expected activity
 * failures with their stacks) out of the test output; errors still show.
 */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this process (another file's beforeAll): keep that one.
  }
}
