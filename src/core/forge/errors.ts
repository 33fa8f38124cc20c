// What can go wrong between a verified branch and a pull request: the remote, the push and
// the forge's API. Each names the problem and the fix; only ForgeUnavailable is worth a retry
// (with the wait the forge asked for).
import { ErrorType, KaizenError } from '../errors.js';

/** The checkout has no such remote: push and pr modes need one. */
export class RemoteMissingError extends KaizenError {
  readonly type = ErrorType.RemoteMissing;
  constructor(
    readonly repo: string,
    readonly remote: string,
  ) {
    super(`${repo} has no git remote '${remote}' to push to. Add it (git remote add ${remote} URL), set "remote" in kaizen.config.json to an existing one, or use mode branch.`);
  }
  override details() {
    return { remote: this.remote };
  }
}

export type PushRefusal = 'auth' | 'forbidden' | 'protected' | 'rejected';

/** The remote refused the push (credentials, permissions, a protected branch, a hook). */
export class PushRefusedError extends KaizenError {
  readonly type = ErrorType.PushRefused;
  constructor(
    readonly refusal: PushRefusal,
    readonly branch: string,
    detail: string,
    fix: string,
  ) {
    super(`The remote refused the push of ${branch} (${refusal}): ${detail}. ${fix}`);
  }
  override details() {
    return { refusal: this.refusal, branch: this.branch };
  }
}

/**
 * The change was made on a commit the remote's target branch does not have (local commits not
 * pushed yet, or no such branch there): a pull request would carry those commits too.
 */
export class BaseNotOnRemoteError extends KaizenError {
  readonly type = ErrorType.BaseNotOnRemote;
  constructor(
    readonly remote: string,
    readonly targetBranch: string,
    readonly baseCommit: string,
    missingBranch: boolean,
  ) {
    super(
      missingBranch
        ? `${remote} has no branch ${targetBranch} for a pull request to go to. Push it (git push ${remote} ${targetBranch}), set "targetBranch" to a branch the remote has, or use mode branch.`
        : `${targetBranch} is at ${baseCommit.slice(0, 12)}, which ${remote}/${targetBranch} does not have: the pushed branch would carry your unpushed commits too. Push ${targetBranch} first (git push ${remote} ${targetBranch}) and run again, or use mode branch.`,
    );
  }
  override details() {
    return { remote: this.remote, targetBranch: this.targetBranch };
  }
}

/** No forge could be determined, or its token is missing: configuration, not luck. */
export class ForgeNotConfiguredError extends KaizenError {
  readonly type = ErrorType.ForgeNotConfigured;
  constructor(problem: string, fix: string) {
    super(`${problem}. ${fix}`);
  }
}

/** The forge refused the token (401, or 403 without a rate limit). */
export class ForgeAuthFailedError extends KaizenError {
  readonly type = ErrorType.ForgeAuthFailed;
  constructor(
    readonly forge: string,
    readonly status: number,
    readonly variable: string,
    detail: string,
  ) {
    super(`${forge} refused the token in ${variable} (HTTP ${status}: ${detail}). Set ${variable} to a token with the scopes README.md lists for ${forge} (push, open pull requests).`);
  }
  override details() {
    return { forge: this.forge, status: this.status, variable: this.variable };
  }
}

/** The forge refused the request itself (404 repository, 422 invalid, 405 not mergeable, ...). */
export class ForgeRequestRejectedError extends KaizenError {
  readonly type = ErrorType.ForgeRequestRejected;
  constructor(
    readonly forge: string,
    readonly operation: string,
    readonly status: number,
    detail: string,
    fix = '',
  ) {
    super(`${forge} refused to ${operation} (HTTP ${status}): ${detail}${fix ? `. ${fix}` : ''}`);
  }
  override details() {
    return { forge: this.forge, operation: this.operation, status: this.status };
  }
}

/** The forge failed in a way a later attempt may not: 5xx, a rate limit, the network. */
export class ForgeUnavailableError extends KaizenError {
  readonly type = ErrorType.ForgeUnavailable;
  constructor(
    readonly forge: string,
    readonly operation: string,
    readonly status: number | null,
    detail: string,
    /** How long the forge asked to wait (retry-after, rate-limit reset), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(`${forge} could not ${operation}${status ? ` (HTTP ${status})` : ''}: ${detail}${retryAfterMs !== undefined ? `; retrying after ${Math.ceil(retryAfterMs / 1000)}s as it asked` : ''}`);
  }
  override details() {
    return { forge: this.forge, operation: this.operation, status: this.status, ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}) };
  }
}

/**
 * Kaizen was about to replace its own pushed branch (a rebased pull request) and found another
 * commit there: a person pushed to it, and Kaizen never overwrites their work.
 */
export class BranchTakenOverError extends KaizenError {
  readonly type = ErrorType.BranchTakenOver;
  constructor(
    readonly branch: string,
    readonly expected: string,
    readonly found: string | null,
  ) {
    super(
      `${branch} on the remote is at ${found ? found.slice(0, 12) : 'nothing (deleted)'}, not at ${expected.slice(0, 12)}, the commit Kaizen pushed: someone else changed it, so Kaizen leaves it to them. Push or delete the branch yourself, or close its pull request so a later run proposes the change again.`,
    );
  }
  override details() {
    return { branch: this.branch, found: this.found };
  }
}
