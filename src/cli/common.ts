// What every client command needs: the Temporal target, a client, and links to the Web UI.
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { connectClient, resolveTemporalTarget, type TemporalTarget } from '../adapters/temporal/connection.js';
import { DEFAULT_TASK_QUEUE } from '../contracts/task-queues.js';

export interface GlobalOptions {
  address?: string;
  namespace?: string;
}

export function target(opts: GlobalOptions = {}, env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  return resolveTemporalTarget(env, {
    ...(opts.address ? { address: opts.address } : {}),
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
  });
}

export async function client(opts: GlobalOptions = {}): Promise<Client> {
  return connectClient(target(opts));
}

export function taskQueue(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAIZEN_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
}

/** The Web UI's base: KAIZEN_UI_URL, else the dev server's convention (gRPC port + 1000). */
export function uiBase(t: TemporalTarget, env: NodeJS.ProcessEnv = process.env): string {
  if (env.KAIZEN_UI_URL) return env.KAIZEN_UI_URL.replace(/\/+$/, '');
  const match = /^(localhost|127\.0\.0\.1|\[::1\]):(\d+)$/.exec(t.address);
  const port = match ? Number(match[2]) + 1000 : 8233;
  return `http://localhost:${port}`;
}

export function workflowLink(t: TemporalTarget, workflowId: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${uiBase(t, env)}/namespaces/${encodeURIComponent(t.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

export function repoName(path: string): string {
  return resolve(path).split('/').filter(Boolean).pop() ?? path;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
