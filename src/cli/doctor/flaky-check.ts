// The `flaky-tests` check of `kaizen doctor REPO`: the tests the repository's governor saw
// fail and then pass on the immediate rerun. Flaky tests never block or blame a change, but
// each one costs every run a second test run, so doctor names them.
import { WorkflowNotFoundError } from '@temporalio/client';
import { connectClient, type TemporalTarget } from '../../adapters/temporal/connection.js';
import { governorStateQuery } from '../../contracts/governor.js';
import { describeFlaky } from '../../core/governor/flaky.js';
import { governorTargetFor, resolveRepo } from '../repo-target.js';
import { QUERY_DEADLINE_MS } from '../worker-presence.js';
import { passed, skipped, warned, type DoctorCheck } from './report.js';

export const FLAKY_CHECK = 'flaky-tests';

export async function checkFlakyTests(t: TemporalTarget, repo: string, env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  const { repoRoot, local, remote } = await resolveRepo(repo, env);
  if (!local && !remote) return skipped(FLAKY_CHECK, `${repoRoot} is not on this machine`);
  const client = await connectClient(t);
  try {
    const handle = client.workflow.getHandle(governorTargetFor(repoRoot).workflowId);
    // A query waits for a worker on the governor's queue; the worker check only saw this host's queue polled.
    const view = await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(governorStateQuery)).catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) throw err;
      return undefined;
    });
    if (!view) return skipped(FLAKY_CHECK, `the governor did not answer within ${QUERY_DEADLINE_MS / 1000} s: no worker on its task queue?`);
    const flaky = view.flaky ?? [];
    if (flaky.length === 0) return passed(FLAKY_CHECK, 'none seen in the last 30 days');
    return warned(
      FLAKY_CHECK,
      describeFlaky(flaky),
      describeFlaky(flaky),
      'Kaizen runs a red test run once more and lands on green, but every flake costs a second run: fix or quarantine these tests.',
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return passed(FLAKY_CHECK, 'none recorded: the repository has no governor yet');
    throw err;
  } finally {
    await client.connection.close();
  }
}
