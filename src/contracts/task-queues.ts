// Task queues: the shared queue every worker polls (workflows and activities that need no
// disk), and each host's own queue for activities that touch a worktree on that host's disk.
export const DEFAULT_TASK_QUEUE = 'kaizen';

/** The host-specific queue of a machine for a given shared queue. */
export function hostQueueFor(taskQueue: string, host: string): string {
  return `${taskQueue}@${host}`;
}

/**
 * A host's presence queue: each worker process also polls it with a worker of its own, whose
 * slots no step can fill, so an instant `hostAlive` there tells a busy host from a dead one.
 */
export function presenceQueueFor(hostQueue: string): string {
  return `${hostQueue}#presence`;
}
