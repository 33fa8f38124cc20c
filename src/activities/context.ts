// Activities also run outside a worker (unit tests, the CLI's direct mode), where
// Context.current() throws; this guard makes "no context" an ordinary value.
import { Context } from '@temporalio/activity';
import type { ActivityDeps } from '../contracts/ports.js';
import { webUiBase } from '../core/config/environment.js';

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** The Web UI base of links: the worker's (it knows the server it talks to), else from the environment. */
export function webUiBaseOf(deps: Pick<ActivityDeps, 'uiBase' | 'env'>): string {
  return deps.uiBase ?? webUiBase(deps.env);
}
