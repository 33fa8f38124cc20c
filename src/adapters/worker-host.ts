// Which "host" a worker is, for its host queue: the activities that touch a worktree run on
// the host that made it, so the name must stand for the disk the worktrees are on. That is the
// machine, and, for repositories given by URL, Kaizen's home (their mirrors and worktrees live
// there). Two workers on one machine with different KAIZEN_USER_HOMEs are two hosts; with the
// default home (or the same one) they share one queue, as they share the disk.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { configuredHost, kaizenUserHome } from '../core/config/environment.js';

/** The host part of this worker's host queue (`<queue>@<host>`). */
export function workerHost(env: NodeJS.ProcessEnv, machine: string = hostname()): string {
  const named = configuredHost(env);
  if (named) return named;
  const home = kaizenUserHome(env);
  // The default home keeps the plain machine name: runs started before this rule keep their queue.
  if (!home) return machine;
  return `${machine}~${createHash('sha256').update(resolve(home)).digest('hex').slice(0, 8)}`;
}
