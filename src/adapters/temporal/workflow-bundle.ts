// The workflow bundle workers run: built once by `npm run build` (dist/workflow-bundle.js) and
// loaded from there by a compiled worker, or built from src/ at start when running through tsx.
// The `kaizen` bin runs dist/ only when it was built from the current sources (bin/build-stamp.cjs),
// so a compiled worker's bundle is never older than its activities.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

/** The folder holding cli/, workflows/, worker.js…: src/ through tsx, dist/ when compiled. */
const CODE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMPILED = fileURLToPath(import.meta.url).endsWith('.js');

/** The workflows' entry module next to this code (TypeScript under tsx, JavaScript in dist/). */
export function workflowsPath(): string {
  const ts = join(CODE_ROOT, 'workflows', 'index.ts');
  return existsSync(ts) ? ts : join(CODE_ROOT, 'workflows', 'index.js');
}

/** Bundles the workflows with webpack (a few seconds); warnings and errors only. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger });
}

/** The bundle `npm run build` wrote next to this compiled code, or null (running from source). */
export function prebuiltWorkflowBundle(): WorkflowBundleOption | null {
  const codePath = join(CODE_ROOT, WORKFLOW_BUNDLE_FILE);
  return COMPILED && existsSync(codePath) ? { codePath } : null;
}

/** The prebuilt bundle when there is one, else a fresh one. */
export async function workflowBundleForWorker(): Promise<WorkflowBundleOption> {
  return prebuiltWorkflowBundle() ?? (await bundleWorkflows());
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};
