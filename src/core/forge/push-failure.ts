// What git's output says about a push (or ls-remote) that failed: a refusal a person must fix
// (credentials, permissions, a protected branch, a hook), or trouble a retry may get past
// (the network, a 5xx, a lease another push broke). Each refusal names the fix.
import { redactValues } from '../notifications/redact.js';
import { PushRefusedError, type PushRefusal } from './errors.js';

export interface PushFailureContext {
  branch: string;
  /** The remote as messages show it (no credentials). */
  remote: string;
  /** The variable a token came from, or undefined when git used its own credentials. */
  tokenVariable: string | undefined;
  /** Where a token would come from for this remote, when no token was sent. */
  suggestedVariable: string | undefined;
}

/** The refusal in git's stderr, or null when a later attempt may succeed. */
export function pushRefusalOf(stderr: string): PushRefusal | null {
  const text = stderr.toLowerCase();
  if (/protected branch|gh006|not allowed to push code to protected|not allowed to push to protected/.test(text)) return 'protected';
  if (/terminal prompts disabled|could not read username|could not read password|authentication failed|returned error: 401|invalid username or (password|token)/.test(text)) return 'auth';
  if (/returned error: 403|permission to .* denied|403 forbidden|repository not found|returned error: 404|write access to repository not granted/.test(text)) return 'forbidden';
  if (/pre-receive hook declined|hook declined|\[remote rejected\]/.test(text)) return 'rejected';
  return null;
}

/** The error for a refused push, with the fix; git's own words (redacted) as the detail. */
export function pushRefusedError(refusal: PushRefusal, stderr: string, ctx: PushFailureContext, secrets: readonly string[]): PushRefusedError {
  return new PushRefusedError(refusal, ctx.branch, `git said "${gitDetail(stderr, secrets)}" (remote ${scrub(ctx.remote, secrets)})`, refusalFix(refusal, ctx));
}

/** The lines of git's output that say what happened, secrets and URL paths removed. */
export function gitDetail(stderr: string, secrets: readonly string[]): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(to |hint:|everything up-to-date)/i.test(l));
  const picked = lines.filter((l) => /^(fatal|error|remote|!)/i.test(l) || /rejected|denied|declined/i.test(l));
  return scrub((picked.length ? picked : lines).slice(-4).join(' | '), secrets).slice(0, 400) || 'no output';
}

/** Known secret values become `[redacted]`, and any `user:password@` in a URL goes. */
export function scrub(text: string, secrets: readonly string[]): string {
  return redactValues(text, secrets).replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1');
}

/** What to do about a refusal, for the push that met it (or a `kaizen doctor` reading the remote). */
export function refusalFix(refusal: PushRefusal, ctx: PushFailureContext): string {
  switch (refusal) {
    case 'auth':
      if (ctx.tokenVariable) return `The token in ${ctx.tokenVariable} was refused: set it to a valid token that may push to the repository (README.md, "Pull requests", lists the scopes)`;
      return ctx.suggestedVariable
        ? `No token was sent: set ${ctx.suggestedVariable} in the worker's environment (README.md, "Pull requests", lists the scopes), or give git credentials for this remote on the worker`
        : 'No token was sent: set "forge.kind" in kaizen.config.json and the forge\'s token variable (GITHUB_TOKEN, GITLAB_TOKEN or GITEA_TOKEN) on the worker, or give git credentials for this remote';
    case 'forbidden':
      return `${ctx.tokenVariable ? `The token in ${ctx.tokenVariable}` : "The worker's git credentials"} cannot push to this repository (or cannot see it): give it write access to the repository's contents, and check the remote URL`;
    case 'protected':
      return `The remote protects ${ctx.branch}: allow pushes to kaizen/* branches in the repository's branch rules, or use mode branch`;
    case 'rejected':
      return 'A hook on the remote declined the push (its message is above): satisfy it, or use mode branch to keep the change in the local checkout';
  }
}
