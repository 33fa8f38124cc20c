// The heartbeat timeout before a repository's config is known (locate, prepare, clean-up).
// Workflow-safe: no zod, so the workflow bundle can read it.

/** Every activity heartbeats (activities/heartbeat-interceptor.ts); a dead worker's step is retried after this. */
export const DEFAULT_HEARTBEAT_TIMEOUT = '30s';
