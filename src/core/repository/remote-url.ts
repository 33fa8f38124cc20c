// A repository named by its clone URL (https, http, ssh, scp-like `git@host:owner/name.git`,
// file://) instead of a path. The normalised URL is what workflows, the governor, schedules and
// the ledger carry: credentials stripped, host lower case, no trailing slash. Its identity
// (`host/owner/name`, no scheme, user or `.git`) names the governor, the schedule and the
// worker's mirror, so https and ssh of one repository are one repository. Pure (workflows use it).

export interface RepoUrl {
  /** The URL git is given: no password, no user for http(s) (it is often a token), `.git` as written. */
  url: string;
  scheme: 'https' | 'http' | 'ssh' | 'git' | 'file';
  /** Host with its port, lower case; `file` for file:// URLs. */
  host: string;
  /** Path segments without `.git` on the last, e.g. ['acme', 'shop']. */
  segments: string[];
  /** `host/owner/name`: the same for every spelling of the repository. */
  identity: string;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/** scp-like syntax: `[user@]host:path`, no slash before the colon (git's own rule). */
const SCP = /^(?:([^@/\s:]+)@)?([^:/\s]+):(?!\/\/)(.+)$/;

/** True when `arg` is a clone URL rather than a path (a path is never mistaken: it has no `scheme://` or `host:`). */
export function isRepoUrl(arg: string): boolean {
  return parseRepoUrl(arg) !== null;
}

/** The parts of a clone URL, or null when `arg` is not one Kaizen accepts. */
export function parseRepoUrl(arg: string): RepoUrl | null {
  const text = arg.trim();
  if (SCHEME.test(text)) return fromStandardUrl(text);
  const scp = SCP.exec(text);
  // `C:\…` (one letter) and `./a:b` are paths, not hosts.
  if (!scp || text.startsWith('.') || text.startsWith('/') || (scp[2] ?? '').length < 2) return null;
  const host = (scp[2] ?? '').toLowerCase();
  const segments = pathSegments(scp[3] ?? '');
  if (!segments) return null;
  const user = scp[1] ? `${scp[1]}@` : '';
  const path = (scp[3] ?? '').replace(/\/+$/, '');
  return { url: `${user}${host}:${path}`, scheme: 'ssh', host, segments, identity: [host, ...segments].join('/') };
}

function fromStandardUrl(text: string): RepoUrl | null {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return null;
  }
  const raw = parsed.protocol.replace(/:$/, '').toLowerCase();
  const scheme = raw === 'git+ssh' || raw === 'ssh+git' ? 'ssh' : raw;
  if (scheme !== 'https' && scheme !== 'http' && scheme !== 'ssh' && scheme !== 'git' && scheme !== 'file') return null;
  const path = decodeURIComponent(parsed.pathname).replace(/\/+$/, '');
  const segments = pathSegments(path);
  if (!segments) return null;
  if (scheme === 'file') {
    if (parsed.host !== '' && parsed.host !== 'localhost') return null;
    return { url: `file://${path}`, scheme, host: 'file', segments, identity: ['file', ...segments].join('/') };
  }
  const host = parsed.host.toLowerCase();
  if (!host) return null;
  // http(s): a user name is usually a token (`https://TOKEN@host/…`), so it never survives; ssh keeps its login.
  const user = scheme === 'ssh' && parsed.username ? `${parsed.username}@` : '';
  return { url: `${scheme}://${user}${host}${encodeURI(path)}`, scheme, host, segments, identity: [host, ...segments].join('/') };
}

/** The path's segments without `.git` on the last; null when empty or when a segment could climb out (`..`). */
function pathSegments(path: string): string[] | null {
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.some((s) => s === '..' || s === '~' || /[\0\\]/.test(s))) return null;
  const last = segments.length - 1;
  segments[last] = (segments[last] ?? '').replace(/\.git$/, '');
  if (segments[last] === '') return null;
  return segments;
}

/** The normalised URL of a repository given by URL (what workflows carry), or null for a path. */
export function normaliseRepoUrl(arg: string): string | null {
  return parseRepoUrl(arg)?.url ?? null;
}

/** `acme/shop` → the folder of the mirror below `<kaizen home>/repos`: `<host>/<owner>/<name>.git` (POSIX, relative). */
export function mirrorRelativePath(repo: RepoUrl): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.@+-]/g, '_').replace(/^\.+/, '_');
  const parts = [safe(repo.host.replace(/:/g, '_')), ...repo.segments.map(safe)];
  parts[parts.length - 1] = `${parts[parts.length - 1]}.git`;
  return parts.join('/');
}
