// `kaizen improve` through the HTTP API of a dev server Kaizen started and recorded
// (adapters/temporal/http-api.ts): the same run, started and awaited without loading
// @temporalio/client. Anything this path cannot speak (TLS, an API key, a payload codec, a
// server without a record) goes over gRPC, as does a start when the API does not answer.
import type { Client } from '@temporalio/client';
import { HttpApiError, HttpApiUnreachableError, TemporalHttpApi } from '../adapters/temporal/http-api.js';
import { devServerRecordsDir, recordedHttpApi } from '../adapters/temporal/dev-server-records.js';
import type { TemporalTarget } from '../adapters/temporal/target.js';
import { codecSettings } from '../core/config/environment.js';
import { progressQuery } from '../contracts/improvement.js';
import { WORKFLOW_TYPES } from '../contracts/workflows.js';
import type { Progress } from '../core/improvement/progress.js';
import type { ImprovementInput, ImprovementResult } from '../core/types.js';
import { CliError } from './errors.js';
import { improvementStart, type StartedImprovement } from './improvement-run.js';
import { noWorkerWarning, QUERY_DEADLINE_MS } from './worker-presence.js';

/** The recorded dev server's HTTP API when this client may use it; undefined otherwise. */
export function httpApiFor(t: TemporalTarget, env: NodeJS.ProcessEnv = process.env): TemporalHttpApi | undefined {
  if (t.options.tls || t.options.apiKey) return undefined;
  // With a codec key the client must encrypt what it sends, which only the SDK's converter does.
  const codec = codecSettings(env);
  if (codec.key || codec.oldKeys) return undefined;
  const url = recordedHttpApi(devServerRecordsDir(env), t.address);
  return url === undefined ? undefined : new TemporalHttpApi(url, t.namespace);
}

/**
 * Starts the run; undefined when the API could not be reached (nothing was started, so the
 * caller starts it over gRPC). `grpcClient` decodes a result the JSON shorthand cannot show.
 */
export async function startOverHttp(
  api: TemporalHttpApi,
  input: ImprovementInput,
  queue: string,
  workflowId: string,
  grpcClient: () => Promise<Client>,
  writeWarning: (text: string) => void = (text) => process.stderr.write(text),
): Promise<StartedImprovement | undefined> {
  const { summary, details } = improvementStart(input);
  let runId: string;
  try {
    runId = await api.start({ workflowId, workflowType: WORKFLOW_TYPES.improvement, taskQueue: queue, args: [input], summary, details });
  } catch (err) {
    if (err instanceof HttpApiUnreachableError) return undefined;
    if (err instanceof HttpApiError) throw new CliError(`The Temporal server at ${api.baseUrl} refused to start ${workflowId}: ${err.message}`);
    throw err;
  }
  return {
    workflowId,
    warnWhileNoWorker: () => {
      void api.pollerCount(queue).then(
        (count) => count === 0 && writeWarning(noWorkerWarning({ taskQueue: queue, pollers: [], known: true })),
        () => undefined, // A hint only, as over gRPC.
      );
    },
    result: () => resultOverHttp(api, workflowId, runId, grpcClient),
  };
}

async function resultOverHttp(api: TemporalHttpApi, workflowId: string, runId: string, grpcClient: () => Promise<Client>): Promise<ImprovementResult> {
  const end = await api.awaitEnd(workflowId, runId);
  if (end.status === 'completed') {
    if (isImprovementResult(end.result)) return end.result;
    // Not a JSON value: a payload the workers' codec encrypted. The SDK's converter decodes it,
    // or names the key this machine lacks.
    const { waitForResult } = await import('./improvement-client.js');
    return waitForResult(await grpcClient(), workflowId);
  }
  const progress = (await api.query(workflowId, progressQuery.name, QUERY_DEADLINE_MS).catch(() => undefined)) as Progress | undefined;
  if (progress?.result) return progress.result;
  throw new CliError(`${workflowId} ${end.status.replace('_', ' ')}: ${end.message}`);
}

function isImprovementResult(value: unknown): value is ImprovementResult {
  return typeof value === 'object' && value !== null && typeof (value as { outcome?: unknown }).outcome === 'string';
}
