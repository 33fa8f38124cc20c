// `kaizen demo`: the whole story on the embedded default, no API key needed. Starts (or
// reuses) a local dev server and a worker, makes a fresh git repo from examples/sample-repo,
// runs autofix improvements in merge mode until nothing is left, and shows what landed.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { installRuntime } from '../adapters/temporal/runtime.js';
import { connectClient, resolveTemporalTarget } from '../adapters/temporal/connection.js';
import type { ImprovementResult } from '../core/types.js';
import { KAIZEN_HOME } from '../adapters/install-folder.js';
import { startWorker } from '../worker.js';
import { taskQueue, workflowLink, uiBase } from './common.js';
import { parsePort, startServer, type ServerOptions } from './dev.js';
import { untilStopped } from './stop-signal.js';
import { formatResult } from './format.js';
import { startImprovement, waitForResult } from './improvement-client.js';
import { WORKFLOW_TYPES } from '../contracts/workflows.js';

export interface DemoOptions extends ServerOptions {
  exit?: boolean;
  max?: string;
}

const DEMO_GIT_IDENTITY = ['-c', 'user.name=Kaizen Demo', '-c', 'user.email=demo@kaizen.local'];

/** A fresh git repository holding a copy of the sample project. */
export function createDemoRepo(parent: string): string {
  // A fresh folder per run, but the repo itself keeps a short name: it names workflows.
  const repo = join(parent, new Date().toISOString().replace(/[:.]/g, '-'), 'sample-repo');
  mkdirSync(repo, { recursive: true });
  cpSync(join(KAIZEN_HOME, 'examples', 'sample-repo'), repo, { recursive: true });
  // The copy was just made, so every file counts as "recently changed"; the demo lifts that
  // rule (kept at its default of 60 minutes for real repositories).
  writeFileSync(join(repo, 'kaizen.config.json'), `${JSON.stringify({ mode: 'merge', recentChangeMinutes: 0 }, null, 2)}\n`);
  const git = (...args: string[]) => execFileSync('git', [...DEMO_GIT_IDENTITY, ...args], { cwd: repo, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'Sample project for the Kaizen demo');
  return repo;
}

async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const c = await connectClient(resolveTemporalTarget(process.env, { address, namespace: 'default' }));
    await c.connection.workflowService.describeNamespace({ namespace: 'default' });
    await c.connection.close();
    return true;
  } catch {
    return false;
  }
}

export async function demoCommand(opts: DemoOptions): Promise<number> {
  // The demo prints its own story; the SDK's routine logs would drown it.
  installRuntime({ level: 'ERROR' });
  const port = parsePort(opts.port, '--port', 7233);
  const address = `localhost:${port}`;
  const reuse = await temporalAnswers(address);
  const server = reuse ? undefined : await startServer(opts);
  const t = resolveTemporalTarget(process.env, { address: server?.address ?? address, namespace: 'default' });
  const worker = await startWorker({ target: t, taskQueue: taskQueue(), notifiers: [] });
  try {
    console.log(reuse ? `Using the Temporal server already running on ${address}.` : `Started the Temporal dev server on ${t.address}.`);
    console.log(`Web UI: ${server?.uiUrl ?? uiBase(t)}`);
    const repo = createDemoRepo(resolve('.kaizen', 'demo'));
    console.log(`Sample repository: ${repo}\n`);
    const c = await connectClient(t);
    const max = Number(opts.max ?? 5);
    const results: ImprovementResult[] = [];
    for (let i = 0; i < max; i++) {
      const handle = await startImprovement(c, { repoPath: repo, strategy: 'autofix', mode: 'merge' }, worker.taskQueue);
      console.log(`→ improvement ${i + 1}: ${handle.workflowId}`);
      const result = await waitForResult(c, handle.workflowId);
      results.push(result);
      console.log(`${formatResult(result, workflowLink(t, handle.workflowId))}\n`);
      if (result.outcome !== 'applied') break;
    }
    const landed = results.filter((r) => r.outcome === 'applied');
    const log = execFileSync('git', ['log', '--oneline', '-n', String(landed.length + 1)], { cwd: repo, encoding: 'utf8' });
    console.log(`${landed.length} improvement(s) landed on main of ${repo}:\n${log}`);
    console.log(`Ledger: ${join(repo, '.kaizen', 'ledger.jsonl')}`);
    const query = encodeURIComponent(`WorkflowType = '${WORKFLOW_TYPES.improvement}'`);
    console.log(`Web UI: ${uiBase(t)}/namespaces/default/workflows?query=${query}`);
    await c.connection.close();
    if (!opts.exit) {
      console.log('\nServer and Web UI stay up so you can look around. Press Ctrl-C to stop.');
      await untilStopped();
    }
    return landed.length > 0 ? 0 : 1;
  } finally {
    await worker.shutdown();
    await server?.stop();
  }
}
