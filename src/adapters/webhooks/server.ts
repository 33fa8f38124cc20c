// The HTTP side of `kaizen webhook-server`: one POST per delivery, checked by readWebhook, and
// a `pullRequestChanged` signal to every running follow workflow whose pull request the
// delivery concerns. The workflows then ask the forge themselves (a payload is never trusted
// for what it says). Which workflow follows which pull request is learnt from their
// `pullRequest` query, once per workflow.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { concernsPullRequest, readWebhook, type WebhookEvent } from '../../core/forge/webhooks.js';
import { pullRequestChangedSignal, pullRequestStateQuery } from '../../contracts/pull-request.js';
import { WORKFLOW_TYPES } from '../../contracts/workflows.js';

const MAX_BODY_BYTES = 25 * 1024 * 1024;
const RUNNING_FOLLOWERS = `WorkflowType = '${WORKFLOW_TYPES.followPullRequest}' AND ExecutionStatus = 'Running'`;

export interface WebhookServerOptions {
  client: Client;
  secret: string;
  port: number;
  host: string;
  /** One line per delivery (what it was, whom it woke), for the command's output. */
  log: (line: string) => void;
}

export interface WebhookServer {
  url: string;
  close(): Promise<void>;
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const urls = new Map<string, string>();
  /** Running follow workflows and the pull request each follows (the URL never changes). */
  async function followers(): Promise<{ workflowId: string; url: string }[]> {
    const found: { workflowId: string; url: string }[] = [];
    for await (const execution of options.client.workflow.list({ query: RUNNING_FOLLOWERS })) {
      let url = urls.get(execution.workflowId);
      if (url === undefined) {
        const state = await options.client.workflow.getHandle(execution.workflowId).query(pullRequestStateQuery).catch(() => null);
        if (!state) continue;
        url = state.pullRequest.url;
        urls.set(execution.workflowId, url);
      }
      found.push({ workflowId: execution.workflowId, url });
    }
    return found;
  }

  async function wake(event: WebhookEvent): Promise<string[]> {
    const woken: string[] = [];
    for (const follower of await followers()) {
      if (!concernsPullRequest(event, follower.url)) continue;
      // A workflow that ended meanwhile has nothing to look at.
      const sent = await options.client.workflow.getHandle(follower.workflowId).signal(pullRequestChangedSignal).then(() => true, () => false);
      if (sent) woken.push(follower.workflowId);
    }
    return woken;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return reply(res, 405, 'POST webhook deliveries here');
    const body = await readBody(req);
    if (body === null) return reply(res, 413, `a delivery may be at most ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
    const verdict = readWebhook(req.headers, body, options.secret);
    if (!verdict.ok) {
      options.log(`refused a delivery from ${req.socket.remoteAddress ?? 'unknown'}: ${verdict.reason}`);
      return reply(res, verdict.status, verdict.reason);
    }
    if (!verdict.event) return reply(res, 204);
    const event = verdict.event;
    const woken = await wake(event);
    const which = event.numbers ? event.numbers.map((n) => `#${n}`).join(', ') : 'any pull request';
    options.log(`${event.kind} ${event.event} for ${event.repo} (${which}): ${woken.length ? `woke ${woken.join(', ')}` : 'no followed pull request'}`);
    reply(res, 202, JSON.stringify({ woken }), 'application/json');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.log(`a delivery failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) reply(res, 503, 'Temporal did not answer; the forge will redeliver');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, text = '', type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, text ? { 'content-type': type } : {});
  res.end(text);
}
