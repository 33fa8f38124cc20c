// What every client command needs: the Temporal target, a client, and links to the Web UI.
import { isRepoUrl } from '../core/repository/remote-url.js';
import { repoName as coreRepoName } from '../core/repository/key.js';
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { resolveTemporalTarget, type TemporalTarget } from '../adapters/temporal/target.js';
import { devServerRecordsDir, recordedUiUrl } from '../adapters/temporal/dev-server-records.js';
import { DEFAULT_TASK_QUEUE } from '../contracts/task-queues.js';
import { configuredTaskQueue, webUiBase } from '../core/config/environment.js';
import { workflowLink as linkTo } from '../core/notifications/links.js';

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

/** Loaded on use: a command that speaks the HTTP API (improvement-http.ts) never loads the gRPC client. */
export async function client(opts: GlobalOptions = {}): Promise<Client> {
  const { connectClient } = await import('../adapters/temporal/connection.js');
  return connectClient(target(opts));
}

export function taskQueue(env: NodeJS.ProcessEnv = process.env): string {
  return configuredTaskQueue(env) ?? DEFAULT_TASK_QUEUE;
}

/** The Web UI's base: KAIZEN_UI_URL, else the recorded dev server's, else its convention for the address. */
export function uiBase(t: TemporalTarget, env: NodeJS.ProcessEnv = process.env): string {
  return webUiBase(env, t.address, recordedUiUrl(devServerRecordsDir(env), t.address));
}

export function workflowLink(t: TemporalTarget, workflowId: string, env: NodeJS.ProcessEnv = process.env): string {
  return linkTo(uiBase(t, env), t.namespace, workflowId);
}

export function repoName(path: string): string {
  if (isRepoUrl(path)) return coreRepoName(path);
  return resolve(path).split('/').filter(Boolean).pop() ?? path;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
