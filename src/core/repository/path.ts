// Normalises a repo-relative path that came from outside (an LLM answer, a proposal file)
// and refuses anything that could leave the repository or touch git's or Kaizen's state.

export type RepoPathCheck = { ok: true; path: string } | { ok: false; problem: string };

const FORBIDDEN_SEGMENTS = new Set(['.git', '.kaizen']);

export function normaliseRepoPath(raw: string): RepoPathCheck {
  if (raw.length === 0) return { ok: false, problem: 'the path is empty' };
  if (raw.includes('\0')) return { ok: false, problem: `'${printable(raw)}' contains a NUL byte` };
  // Backslashes are separators to whoever wrote the answer, so they are to us.
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    return { ok: false, problem: `'${printable(raw)}' is absolute; paths must be relative to the repository root` };
  }
  const segments: string[] = [];
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { ok: false, problem: `'${printable(raw)}' climbs out with '..'` };
    if (FORBIDDEN_SEGMENTS.has(segment.toLowerCase())) {
      return { ok: false, problem: `'${printable(raw)}' is inside ${segment}, which Kaizen never writes` };
    }
    segments.push(segment);
  }
  if (segments.length === 0) return { ok: false, problem: `'${printable(raw)}' names the repository root, not a file` };
  return { ok: true, path: segments.join('/') };
}

function printable(value: string): string {
  return JSON.stringify(value).slice(1, -1).slice(0, 200);
}
