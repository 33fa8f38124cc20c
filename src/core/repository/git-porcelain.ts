// Parsers of git's machine-readable output, kept apart from running git so they are
// tested on fixture strings.

export interface StatusEntry {
  /** The two status letters, e.g. ` M`, `??`, `R `. */
  code: string;
  /** Repo-relative POSIX path (the new path of a rename). */
  path: string;
  /** The old path of a rename or copy. */
  origPath?: string;
}

/** Parses `git status --porcelain=v1 -z`. */
export function parseStatusPorcelainZ(output: string): StatusEntry[] {
  const fields = output.split('\0');
  const entries: StatusEntry[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (field.length < 4) continue;
    const code = field.slice(0, 2);
    const entry: StatusEntry = { code, path: field.slice(3) };
    // A rename or copy is followed by a second field holding the old path.
    if (code.includes('R') || code.includes('C')) {
      const orig = fields[i + 1];
      if (orig !== undefined) entry.origPath = orig;
      i++;
    }
    entries.push(entry);
  }
  return entries;
}

export interface WorktreeEntry {
  /** Absolute path of the worktree. */
  path: string;
  head: string | null;
  /** Full ref checked out there (`refs/heads/main`), or null when detached or bare. */
  branch: string | null;
  bare: boolean;
  detached: boolean;
  locked: boolean;
  /** Its folder is gone; `git worktree prune` would remove it. */
  prunable: boolean;
}

/** Parses `git worktree list --porcelain`. */
export function parseWorktreeListPorcelain(output: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('worktree ')) {
      current = { path: line.slice('worktree '.length), head: null, branch: null, bare: false, detached: false, locked: false, prunable: false };
      entries.push(current);
      continue;
    }
    if (!current) continue;
    const [keyword = '', ...rest] = line.split(' ');
    const value = rest.join(' ');
    if (keyword === 'HEAD') current.head = value;
    else if (keyword === 'branch') current.branch = value;
    else if (keyword === 'bare') current.bare = true;
    else if (keyword === 'detached') current.detached = true;
    else if (keyword === 'locked') current.locked = true;
    else if (keyword === 'prunable') current.prunable = true;
  }
  return entries;
}

/** Paths with uncommitted changes, leaving out Kaizen's own state folder. */
export function changedPaths(entries: StatusEntry[], stateDirName = '.kaizen'): string[] {
  const prefix = `${stateDirName}/`;
  return entries.map((e) => e.path).filter((p) => p !== prefix && p !== stateDirName && !p.startsWith(prefix));
}

/**
 * Parses `git for-each-ref --format=%(refname)%00%(objectname)%00%(tree)`: each ref's commit and
 * tree, by full ref name (a pattern also matches refs below it, so callers look up the exact name).
 */
export function parseRefTips(output: string): Map<string, { commit: string; tree: string }> {
  const tips = new Map<string, { commit: string; tree: string }>();
  for (const line of output.split('\n')) {
    const [ref, commit, tree] = line.split('\0');
    if (ref && commit && tree) tips.set(ref, { commit, tree });
  }
  return tips;
}
