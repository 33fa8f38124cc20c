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

/** A checkout's HEAD commit and uncommitted changes, as one `git status --porcelain=v2 --branch -z` reports them. */
export interface HeadStatus {
  /** The commit HEAD points at; null before the first commit. */
  head: string | null;
  /** The checked-out branch's short name; null on a detached HEAD. */
  branch: string | null;
  /** Changed entries, with v1's two letters (`.` read as a space: ` M`, `A `, `R `, `??`). */
  entries: StatusEntry[];
}

/** Parses `git status --porcelain=v2 --branch -z` (headers, then changed, renamed, unmerged, untracked and ignored entries). */
export function parseStatusPorcelainV2Z(output: string): HeadStatus {
  const status: HeadStatus = { head: null, branch: null, entries: [] };
  const fields = output.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (field.startsWith('# branch.oid ')) {
      const oid = field.slice('# branch.oid '.length);
      status.head = oid === '(initial)' ? null : oid;
    } else if (field.startsWith('# branch.head ')) {
      const head = field.slice('# branch.head '.length);
      status.branch = head === '(detached)' ? null : head;
    } else if (field.startsWith('? ') || field.startsWith('! ')) {
      status.entries.push({ code: field[0] === '?' ? '??' : '!!', path: field.slice(2) });
    } else {
      // Ordinary (1), renamed or copied (2: the old path is the next field) and unmerged (u) entries.
      const kind = field[0];
      const before = kind === '1' ? 8 : kind === '2' ? 9 : kind === 'u' ? 10 : -1;
      if (before < 0 || field[1] !== ' ') continue;
      const parts = field.split(' ');
      const entry: StatusEntry = { code: (parts[1] ?? '..').replaceAll('.', ' '), path: parts.slice(before).join(' ') };
      if (kind === '2') {
        const orig = fields[i + 1];
        if (orig !== undefined) entry.origPath = orig;
        i++;
      }
      status.entries.push(entry);
    }
  }
  return status;
}

/** True when the index holds a change against HEAD (the first status letter is set). */
export function hasStagedChange(entries: StatusEntry[]): boolean {
  return entries.some((e) => e.code[0] !== ' ' && e.code[0] !== '?' && e.code[0] !== '!');
}

/** One commit as `git log -1 --no-renames --format=%H%x00%T%x00%P --name-only -z` prints it (the file list follows after a NUL and a newline). */
export interface CommitFiles {
  commit: string;
  tree: string;
  parents: string[];
  /** Files that differ from its first parent (renames as delete + add). */
  files: string[];
}

export function parseCommitFiles(output: string): CommitFiles | null {
  const [commit, tree, parents = '', ...files] = output.split('\0');
  if (!commit || !tree) return null;
  return { commit: commit.trim(), tree, parents: parents.split(' ').filter(Boolean), files: files.map((f) => f.replace(/^\n/, '')).filter(Boolean) };
}

/**
 * The checked-out branch among `git for-each-ref --format=%(HEAD)%00%(refname)%00%(objectname)%00%(tree) refs/heads/`
 * (the one marked `*`), with its commit and tree; null on a detached HEAD or an unborn branch.
 */
export function parseCheckedOutTip(output: string): { branch: string; commit: string; tree: string } | null {
  for (const line of output.split('\n')) {
    const [marker, ref, commit, tree] = line.split('\0');
    if (marker === '*' && ref?.startsWith('refs/heads/') && commit && tree) return { branch: ref.slice('refs/heads/'.length), commit, tree };
  }
  return null;
}
