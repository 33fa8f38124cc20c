// The liveness probe of a host: run on the host's presence queue (contracts/task-queues.ts) by
// a worker that polls nothing else, it answers at once however busy the host's steps are. A
// run on a repository given by URL asks it before it moves off a host (workflows/improvement/failover.ts).
import type { ActivityDeps } from '../contracts/ports.js';

export function createPresenceActivities(deps: Pick<ActivityDeps, 'hostQueue'>) {
  return {
    async hostAlive(): Promise<{ hostQueue: string }> {
      return { hostQueue: deps.hostQueue };
    },
  };
}
