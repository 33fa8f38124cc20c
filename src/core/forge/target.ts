// Which forge a remote lives on, which repository it is there, and where its API answers:
// from the remote's URL, `forge.kind` / `forge.repo` in the config, and *_API_URL.
import { ForgeNotConfiguredError } from './errors.js';

export const FORGE_KINDS = ['github', 'gitlab', 'gitea'] as const;
export type ForgeKind = (typeof FORGE_KINDS)[number];

export const FORGE_NAMES: Record<ForgeKind, string> = { github: 'GitHub', gitlab: 'GitLab', gitea: 'Gitea' };

export interface RemoteUrl {
  /** `https`, `http`, `ssh` or `file`. */
  scheme: string;
  /** Host with its port, lower case; empty for file://. */
  host: string;
  /** The path without leading slash and `.git`, e.g. `acme/app` (a folder for file://). */
  path: string;
}

export interface ForgeTarget {
  kind: ForgeKind;
  /** `owner/name` (GitLab: `group/subgroup/project`). */
  repo: string;
  /** The API base as the forge's *_API_URL holds it (`…/api/v3`, `…/api/v4`, `…/api/v1`). */
  apiUrl: string;
}

/** Splits a clone URL (https, ssh, scp-like `git@host:owner/name.git`, file://); null when it is none of these. */
export function parseRemoteUrl(url: string): RemoteUrl | null {
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(url);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return { scheme: 'ssh', host: (scp[1] ?? '').toLowerCase(), path: trimRepoPath(scp[2] ?? '') };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const scheme = parsed.protocol.replace(/:$/, '').replace(/^git\+ssh$/, 'ssh');
  if (!['https', 'http', 'ssh', 'git', 'file'].includes(scheme)) return null;
  return { scheme, host: parsed.host.toLowerCase(), path: trimRepoPath(decodeURIComponent(parsed.pathname)) };
}

function trimRepoPath(path: string): string {
  return path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
}

/** The forge a host name says (github.com, gitlab.example.com, codeberg.org, …), or null. */
export function inferForgeKind(host: string): ForgeKind | null {
  const name = host.replace(/:\d+$/, '');
  if (name === 'github.com' || /(^|\.)github\./.test(name)) return 'github';
  if (name === 'gitlab.com' || /(^|\.)gitlab\./.test(name)) return 'gitlab';
  if (name === 'codeberg.org' || /(^|\.)(gitea|forgejo)\./.test(name)) return 'gitea';
  return null;
}

/** The forge of a remote: `forge.kind` when set, else what its host says. */
export function forgeKindOf(remoteUrl: string, configured: ForgeKind | undefined): ForgeKind {
  if (configured) return configured;
  const remote = parseRemoteUrl(remoteUrl);
  const kind = remote && remote.host ? inferForgeKind(remote.host) : null;
  if (kind) return kind;
  throw new ForgeNotConfiguredError(
    `Kaizen cannot tell which forge the remote ${describeRemote(remoteUrl)} is on`,
    'Set "forge.kind" (github, gitlab or gitea) in kaizen.config.json, and "forge.repo" (owner/name) when the URL does not say it',
  );
}

/** Where the API of `kind` answers and which repository the remote is there. */
export function forgeTarget(remoteUrl: string, kind: ForgeKind, opts: { repo?: string; apiUrl?: string; apiUrlVariable: string }): ForgeTarget {
  const remote = parseRemoteUrl(remoteUrl);
  const fromUrl = remote && remote.scheme !== 'file' ? remote.path : '';
  const repo = opts.repo ?? fromUrl;
  if (!/^[^/\s]+(\/[^/\s]+)+$/.test(repo)) {
    throw new ForgeNotConfiguredError(`The remote ${describeRemote(remoteUrl)} does not name a ${FORGE_NAMES[kind]} repository`, 'Set "forge.repo" to owner/name in kaizen.config.json');
  }
  const apiUrl = opts.apiUrl ?? defaultApiUrl(kind, remote);
  if (!apiUrl) {
    throw new ForgeNotConfiguredError(`Kaizen does not know where the ${FORGE_NAMES[kind]} API of ${describeRemote(remoteUrl)} answers`, `Set ${opts.apiUrlVariable} in the worker's environment`);
  }
  return { kind, repo, apiUrl };
}

function defaultApiUrl(kind: ForgeKind, remote: RemoteUrl | null): string | undefined {
  if (!remote || !remote.host || remote.scheme === 'file') return undefined;
  // ssh remotes: the web and API host is the same host, over https (ssh ports are not web ports).
  const base = remote.scheme === 'http' ? `http://${remote.host}` : `https://${remote.host.replace(/:\d+$/, '')}`;
  if (kind === 'github') return remote.host === 'github.com' ? 'https://api.github.com' : `${base}/api/v3`;
  return kind === 'gitlab' ? `${base}/api/v4` : `${base}/api/v1`;
}

/** A remote URL for messages: any user name or password in it is dropped. */
export function describeRemote(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/^[^@/\s]+@/, '');
  }
}
