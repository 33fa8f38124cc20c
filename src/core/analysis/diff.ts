// Unified diffs and line counts for proposals; the excerpt is capped so it can travel in
// workflow payloads and notifications.
import { createTwoFilesPatch, diffLines } from 'diff';

export interface DiffSummary {
  linesAdded: number;
  linesRemoved: number;
  excerpt: string;
}

export const DIFF_EXCERPT_LIMIT = 8000;

export function summariseChange(path: string, before: string, after: string, limit = DIFF_EXCERPT_LIMIT): DiffSummary {
  let linesAdded = 0;
  let linesRemoved = 0;
  for (const part of diffLines(before, after)) {
    if (part.added) linesAdded += part.count ?? 0;
    else if (part.removed) linesRemoved += part.count ?? 0;
  }
  const patch = createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, '', '', { context: 3 });
  return { linesAdded, linesRemoved, excerpt: capText(patch, limit) };
}

export function capText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n… (${text.length - limit} more characters)`;
}
