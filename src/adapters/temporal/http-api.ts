// Temporal's HTTP API: the frontend's JSON twin of its gRPC service, which every dev server
// started by Kaizen opens on a port it records. A command-line client that only starts a
// workflow and waits for its end can speak it with Node's fetch, without @temporalio/client,
// whose protobuf set-up is most of a command's start (~0.3 s of CPU). Payloads travel in the
// API's JSON shorthand (a JSON value stands for a json/plain payload), so this path is only
// for servers without TLS or an API key and clients without a payload codec.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** The server could not be reached at all: nothing was started or changed. */
export class HttpApiUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    cause: unknown,
  ) {
    super(`Cannot reach Temporal's HTTP API at ${baseUrl}: ${cause instanceof Error ? (cause.cause as Error | undefined)?.message ?? cause.message : String(cause)}`);
    this.name = 'TemporalHttpApiUnreachable';
  }
}

/** The server answered with an error (gRPC status `code`, HTTP `status`). */
export class HttpApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'TemporalHttpApiError';
  }
}

export interface StartRequest {
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  /** Each argument as its JSON value. */
  args: unknown[];
  summary?: string;
  details?: string;
}

/** How a run ended, from its close event. */
export type RunEnd =
  | { status: 'completed'; result: unknown }
  | { status: 'failed' | 'canceled' | 'terminated' | 'timed_out'; message: string };

interface HistoryEvent {
  eventType?: string;
  workflowExecutionCompletedEventAttributes?: { result?: unknown[] };
  workflowExecutionFailedEventAttributes?: { failure?: { message?: string; cause?: { message?: string } } };
  workflowExecutionTerminatedEventAttributes?: { reason?: string };
  workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string };
}

const CLOSE_EVENTS: Record<string, Exclude<RunEnd['status'], 'completed'>> = {
  EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: 'failed',
  EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: 'canceled',
  EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: 'terminated',
  EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: 'timed_out',
};

export class TemporalHttpApi {
  /** As the SDK names a client, marked so the Web UI tells which way a run was started. */
  private readonly identity = `${process.pid}@${hostname()} (HTTP API)`;

  constructor(
    readonly baseUrl: string,
    readonly namespace: string,
  ) {}

  /** Starts a run; returns its run id. */
  async start(request: StartRequest): Promise<string> {
    const body = {
      workflowType: { name: request.workflowType },
      taskQueue: { name: request.taskQueue },
      input: request.args,
      identity: this.identity,
      requestId: randomUUID(),
      ...(request.summary !== undefined || request.details !== undefined ? { userMetadata: { summary: request.summary, details: request.details } } : {}),
    };
    const answer = await this.call<{ runId?: string }>('POST', this.workflowPath(request.workflowId), body);
    if (!answer.runId) throw new HttpApiError(200, undefined, `the server started ${request.workflowId} but named no run`);
    return answer.runId;
  }

  /** Waits for the run's close event (long polls of ~20 s each), following continue-as-new. */
  async awaitEnd(workflowId: string, runId?: string): Promise<RunEnd> {
    let run = runId;
    let pageToken: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ waitNewEvent: 'true', historyEventFilterType: 'HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT', skipArchival: 'true' });
      if (run) query.set('execution.runId', run);
      if (pageToken) query.set('nextPageToken', pageToken);
      const answer = await this.call<{ history?: { events?: HistoryEvent[] }; nextPageToken?: string }>('GET', `${this.workflowPath(workflowId)}/history?${query}`);
      const event = answer.history?.events?.[0];
      if (!event) {
        pageToken = answer.nextPageToken || undefined;
        continue;
      }
      const next = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (next) {
        run = next;
        pageToken = undefined;
        continue;
      }
      return runEnd(event);
    }
  }

  /** Asks a run's workflow a query; its answer as JSON. A query needs a worker, hence the deadline. */
  async query(workflowId: string, queryType: string, timeoutMs: number): Promise<unknown> {
    const path = `${this.workflowPath(workflowId)}/query/${encodeURIComponent(queryType)}`;
    const answer = await this.call<{ queryResult?: unknown[] }>('POST', path, { query: { queryType } }, AbortSignal.timeout(timeoutMs));
    return answer.queryResult?.[0];
  }

  /** How many workers polled a task queue's workflow tasks lately. */
  async pollerCount(taskQueue: string): Promise<number> {
    const answer = await this.call<{ pollers?: unknown[] }>(
      'GET',
      `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/task-queues/${encodeURIComponent(taskQueue)}?taskQueueType=TASK_QUEUE_TYPE_WORKFLOW`,
    );
    return answer.pollers?.length ?? 0;
  }

  private workflowPath(workflowId: string): string {
    return `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        ...(signal ? { signal } : {}),
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new HttpApiUnreachableError(this.baseUrl, err);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw new HttpApiError(response.status, undefined, `${method} ${path} answered ${response.status} with ${text.slice(0, 200)}`);
    }
    if (!response.ok) {
      const { code, message } = parsed as { code?: number; message?: string };
      throw new HttpApiError(response.status, code, message ?? `${method} ${path} answered ${response.status}`);
    }
    return parsed as T;
  }
}

function runEnd(event: HistoryEvent): RunEnd {
  if (event.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED') {
    return { status: 'completed', result: event.workflowExecutionCompletedEventAttributes?.result?.[0] };
  }
  const status = CLOSE_EVENTS[event.eventType ?? ''];
  if (!status) throw new HttpApiError(200, undefined, `unexpected close event ${event.eventType ?? '(none)'}`);
  const failure = event.workflowExecutionFailedEventAttributes?.failure;
  const message =
    failure?.message ?? event.workflowExecutionTerminatedEventAttributes?.reason ?? (status === 'canceled' ? 'the run was cancelled' : status === 'timed_out' ? 'the run timed out' : status);
  return { status, message: failure?.cause?.message ? `${message}: ${failure.cause.message}` : message };
}
