// Names derived from a repository's absolute path, or for a repository given by URL from its
// identity (`host/owner/name`, remote-url.ts): the same on every worker and in the CLI, so a
// repo always finds its one governor and its one schedule. Pure (workflows use it).
import { parseRepoUrl } from './remote-url.js';

/** `my-app-1a2b3c4d`: the folder name (readable) and a hash of the whole path (unique). */
export function repoKey(repoRoot: string): string {
  const path = parseRepoUrl(repoRoot)?.identity ?? (repoRoot.replace(/\/+$/, '') || '/');
  const name = (path.split('/').pop() || 'root').replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
  return `${name}-${fnv1a32(path)}`;
}

export function repoName(repoRoot: string): string {
  const url = parseRepoUrl(repoRoot);
  if (url) return url.segments[url.segments.length - 1] ?? url.identity;
  const parts = repoRoot.replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] || repoRoot;
}

export function governorWorkflowId(repoRoot: string): string {
  return `kaizen-governor-${repoKey(repoRoot)}`;
}

export function scheduleIdFor(repoRoot: string): string {
  return `kaizen-schedule-${repoKey(repoRoot)}`;
}

export const SCHEDULE_ID_PREFIX = 'kaizen-schedule-';

/** FNV-1a, 32 bits, as 8 hex digits: stable and dependency-free (no crypto in workflows). */
export function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
