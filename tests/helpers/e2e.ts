// End-to-end harness: a real Kaizen worker (real activities) against the real dev server
// from global-setup, a client, and snapshots proving a repository was left untouched.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, Runtime, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import { loadDataConverter } from '../../src/adapters/codec/codec.js';
import { connectClient, resolveTemporalTarget, type TemporalTarget } from '../../src/adapters/temporal/connection.js';
import type { ImprovementInput, ImprovementResult } from '../../src/core/types.js';
import { startImprovement, waitForResult } from '../../src/cli/improvement-client.js';
import { startWorker, workflowsPath, type RunningWorker } from '../../src/worker.js';
import { createRepo, GIT_ENV, git, type TempRepo } from './git-repo.js';
import { SAMPLE_REPO } from './paths.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
let runtimeInstalled = false;

export interface E2eKaizen {
  target: TemporalTarget;
  client: Client;
  worker: RunningWorker;
  taskQueue: string;
  /** Starts an improvement and waits for its outcome. */
  improve(input: ImprovementInput): Promise<ImprovementResult>;
  close(): Promise<void>;
}

/** A worker on its own task queue, with the given extra environment (e.g. OPENAI_BASE_URL). */
export async function startKaizen(name: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<E2eKaizen> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  bundle ??= bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: new DefaultLogger('WARN') });
  const target = resolveTemporalTarget({}, { address: inject('temporalAddress'), namespace: 'default' });
  const taskQueue = `e2e-${name}-${Date.now().toString(36)}`;
  const env = { ...GIT_ENV, ...extraEnv };
  const worker = await startWorker({ target, taskQueue, env, notifiers: [], workflowBundle: await bundle });
  // The client's payload codec reads the same environment as the worker's (KAIZEN_CODEC_KEY…).
  const client = await connectClient(target, loadDataConverter(env));
  return {
    target,
    client,
    worker,
    taskQueue,
    async improve(input) {
      const handle = await startImprovement(client, input, taskQueue);
      return waitForResult(client, handle.workflowId);
    },
    async close() {
      await worker.shutdown();
      await client.connection.close();
    },
  };
}

export interface RepoSnapshot {
  files: Record<string, string>;
  refs: string;
  status: string;
}

/** Every file (but .git and Kaizen's own .kaizen state) hashed, the refs, and git status. */
export function snapshotRepo(path: string): RepoSnapshot {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (entry === '.git' || entry === '.kaizen') continue;
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(path, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(path);
  const refs = git(path, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads');
  const status = git(path, 'status', '--porcelain');
  return { files, refs, status };
}

export function worktreesLeft(repo: string): string[] {
  const dir = join(repo, '.kaizen', 'worktrees');
  const onDisk = existsSync(dir) ? readdirSync(dir) : [];
  const registered = git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .slice(1);
  return [...onDisk, ...registered];
}

export function kaizenBranches(repo: string): string[] {
  return git(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/kaizen').split('\n').filter(Boolean);
}

export function readLedgerLines(repo: string): Record<string, unknown>[] {
  const path = join(repo, '.kaizen', 'ledger.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A copy of the sample repository Kaizen may improve at once (no wait for recent changes); the caller cleans it up. */
export function sampleRepoCopy(extraConfig: Record<string, unknown> = {}): TempRepo {
  const repo = createRepo({}, { from: SAMPLE_REPO });
  repo.write('kaizen.config.json', JSON.stringify({ recentChangeMinutes: 0, ...extraConfig }));
  repo.commitAll('config for the test');
  return repo;
}
