// How a forge token reaches git: as an `http.<url>.extraHeader` in the environment of the one
// git command that needs it (GIT_CONFIG_COUNT/KEY/VALUE), scoped to the remote's URL. Never in
// a URL, a config file, the command line (which `ps` shows), a log or the workflow history.
import { describeRemote, parseRemoteUrl, type ForgeKind } from './target.js';

/** The user name each forge expects beside a token in HTTP Basic auth (git over HTTPS). */
const BASIC_USER: Record<ForgeKind, string> = { github: 'x-access-token', gitlab: 'oauth2', gitea: 'kaizen' };

/** True for remotes git reaches over HTTP(S): only those get a token; ssh and file use git's own. */
export function isHttpRemote(url: string): boolean {
  const scheme = parseRemoteUrl(url)?.scheme;
  return scheme === 'https' || scheme === 'http';
}

/**
 * Environment variables that give one git command an Authorization header for `remoteUrl`
 * only, appended after any GIT_CONFIG_COUNT entries the worker's environment already has.
 */
export function gitAuthEnv(remoteUrl: string, kind: ForgeKind, token: string, inherited: NodeJS.ProcessEnv = {}): Record<string, string> {
  return basicAuthEnv(remoteUrl, BASIC_USER[kind], token, inherited);
}

/** The user name a forge expects beside a token (`kaizen` for a remote on no known forge). */
export function basicUserOf(kind: ForgeKind | null): string {
  return kind ? BASIC_USER[kind] : 'kaizen';
}

/** As gitAuthEnv, with the Basic user name given (a remote whose forge Kaizen does not know). */
export function basicAuthEnv(remoteUrl: string, user: string, token: string, inherited: NodeJS.ProcessEnv = {}): Record<string, string> {
  const existing = Number.parseInt(inherited.GIT_CONFIG_COUNT ?? '0', 10);
  const index = Number.isFinite(existing) && existing > 0 ? existing : 0;
  const basic = Buffer.from(`${user}:${token}`, 'utf8').toString('base64');
  // The scope is the URL without credentials: git matches it as a prefix of every request URL.
  const scope = describeRemote(remoteUrl).replace(/\/+$/, '');
  return {
    GIT_CONFIG_COUNT: String(index + 1),
    [`GIT_CONFIG_KEY_${index}`]: `http.${scope}.extraHeader`,
    [`GIT_CONFIG_VALUE_${index}`]: `Authorization: Basic ${basic}`,
  };
}

/** The values a message about this token must never contain (the token and its Basic form). */
export function tokenForms(kind: ForgeKind | null, token: string): string[] {
  return [token, Buffer.from(`${basicUserOf(kind)}:${token}`, 'utf8').toString('base64')];
}
