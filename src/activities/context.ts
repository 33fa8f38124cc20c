// Activities also run outside a worker (unit tests, the CLI's direct mode), where
// Context.current() throws; this guard makes "no context" an ordinary value.
import { Context } from '@temporalio/activity';

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
