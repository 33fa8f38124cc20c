// The access tokens a test remote and its forge accept, shared so that one token works for
// git over HTTP and for the forge's API (as a personal access token does on GitHub, GitLab
// and Gitea), and revoking it or making it read-only shows on both at once.

export type TokenAccess = 'write' | 'read' | 'revoked';

export interface TokenGrant {
  /** The account the token belongs to: the forge's `login`/`username`, git's REMOTE_USER. */
  user: string;
  access: TokenAccess;
}

export class RemoteTokens {
  private readonly grants = new Map<string, TokenGrant>();

  constructor(initial: Record<string, TokenGrant> = {}) {
    for (const [token, grant] of Object.entries(initial)) this.grants.set(token, { ...grant });
  }

  /** Adds (or replaces) a token; returns it for convenience. */
  add(token: string, user: string, access: TokenAccess = 'write'): string {
    this.grants.set(token, { user, access });
    return token;
  }

  /** Push refused with 403, reads still work: a token without write scope or a read-only role. */
  makeReadOnly(token: string): void {
    this.require(token).access = 'read';
  }

  /** Every later request with the token answers 401, as after a user deletes it. */
  revoke(token: string): void {
    this.require(token).access = 'revoked';
  }

  /** The grant of a live token, or undefined for an unknown or revoked one. */
  lookup(token: string | undefined): TokenGrant | undefined {
    if (!token) return undefined;
    const grant = this.grants.get(token);
    return grant && grant.access !== 'revoked' ? grant : undefined;
  }

  private require(token: string): TokenGrant {
    const grant = this.grants.get(token);
    if (!grant) throw new Error(`unknown test token "${token}": add it with tokens.add() first`);
    return grant;
  }
}

/**
 * The credentials of an Authorization header: `Basic` with the token as the password (any
 * user name, as GitHub's `x-access-token:<token>`, GitLab's `oauth2:<token>` or Gitea's
 * `<user>:<token>`), or `Bearer <token>`, or (API only) `token <token>`.
 */
export function credentialsOf(header: string | undefined): { scheme: string; user?: string; token: string } | undefined {
  if (!header) return undefined;
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const value = rest.join(' ');
  switch (scheme.toLowerCase()) {
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return undefined;
      return { scheme: 'basic', user: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
    }
    case 'bearer':
    case 'token':
      return value ? { scheme: scheme.toLowerCase(), token: value } : undefined;
    default:
      return undefined;
  }
}
