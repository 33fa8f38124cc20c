// The run's check-in with its repository's governor, sent by prepareWorkspace while it makes
// the worktree, so the answer costs the run no time of its own (`core/governor/check-in.ts`
// builds the request; the workflow sends the same one itself when this one could not be).
import type { Config } from '../core/config/config.js';
import { slotRequestFor, type CheckInCall, type CheckInOutcome } from '../core/governor/check-in.js';
import type { ActivityDeps } from '../contracts/ports.js';

/** How long prepare waits for the governor before leaving the check-in to the workflow. */
const CHECK_IN_BESIDE_MS = 10_000;

/**
 * Never throws: a worker without a governor client, a governor that does not answer in time
 * or an error is reported, and the workflow asks itself (a repeated check-in is harmless).
 */
export async function checkInBeside(deps: Pick<ActivityDeps, 'governor'>, call: CheckInCall, config: Config): Promise<CheckInOutcome> {
  if (!deps.governor) return { failed: 'this worker has no governor client' };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CheckInOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ failed: `the governor did not answer within ${CHECK_IN_BESIDE_MS / 1000}s` }), CHECK_IN_BESIDE_MS);
  });
  const asked = deps.governor.requestSlot(call.target, slotRequestFor(call.run, config, call.hostQueue)).then(
    (answer): CheckInOutcome => ({ answer }),
    (err: unknown): CheckInOutcome => ({ failed: err instanceof Error ? err.message : String(err) }),
  );
  try {
    return await Promise.race([asked, late]);
  } finally {
    clearTimeout(timer);
  }
}
