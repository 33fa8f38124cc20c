// The pull requests Kaizen opened, as its ledger remembers them: one per URL, the latest line
// wins, newest first; those whose follow workflow recorded their end (`"kind":"review"`) are
// over. What the forge says now is added by `kaizen prs`.
import type { LedgerEntry, ReviewEntry } from './types.js';

export interface RecordedPullRequest {
  number: number;
  url: string;
  branch: string | null;
  commit: string | null;
  file: string | null;
  workflowId: string;
  openedAt: string;
}

export function recordedPullRequests(entries: readonly LedgerEntry[], reviews: readonly ReviewEntry[] = []): RecordedPullRequest[] {
  const ended = new Set(reviews.map((r) => r.pullRequest.url));
  const byUrl = new Map<string, RecordedPullRequest>();
  for (const e of entries) {
    if (!e.pullRequest || e.outcome !== 'proposed' || ended.has(e.pullRequest.url)) continue;
    byUrl.set(e.pullRequest.url, { number: e.pullRequest.number, url: e.pullRequest.url, branch: e.branch, commit: e.commit, file: e.file, workflowId: e.workflowId, openedAt: e.timestamp });
  }
  return [...byUrl.values()].sort((a, b) => b.openedAt.localeCompare(a.openedAt));
}
