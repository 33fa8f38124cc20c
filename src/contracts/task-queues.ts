// Task queues: the shared queue every worker polls (workflows and activities that need no
// disk), and each host's own queue for activities that touch a worktree on that host's disk.
export const DEFAULT_TASK_QUEUE = 'kaizen';

/** The host-specific queue of a machine for a given shared queue. */
export function hostQueueFor(taskQueue: string, host: string): string {
  return `${taskQueue}@${host}`;
}
