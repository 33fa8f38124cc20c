// Which forge a remote is on, which repository, where its API answers; and what a failed
// answer tells Kaizen to do.
import { describe, expect, it } from 'vitest';
import { ForgeAuthFailedError, ForgeNotConfiguredError, ForgeRequestRejectedError, ForgeUnavailableError } from '../../../src/core/forge/errors.js';
import { forgeFailure, waitOf } from '../../../src/core/forge/http-failure.js';
import { describeRemote, forgeKindOf, forgeTarget, parseRemoteUrl } from '../../../src/core/forge/target.js';
import { foldChecks } from '../../../src/core/forge/types.js';

const api = { apiUrlVariable: 'GITHUB_API_URL' };

describe('remote URLs', () => {
  it('reads https, ssh, scp-like and file URLs', () => {
    expect(parseRemoteUrl('https://github.com/acme/shop.git')).toEqual({ scheme: 'https', host: 'github.com', path: 'acme/shop' });
    expect(parseRemoteUrl('git@gitlab.example.com:acme/backend/app.git')).toEqual({ scheme: 'ssh', host: 'gitlab.example.com', path: 'acme/backend/app' });
    expect(parseRemoteUrl('ssh://git@codeberg.org:2222/acme/app')).toEqual({ scheme: 'ssh', host: 'codeberg.org:2222', path: 'acme/app' });
    expect(parseRemoteUrl('file:///srv/git/app.git')).toMatchObject({ scheme: 'file', host: '' });
    expect(parseRemoteUrl('/srv/git/app.git')).toBeNull();
  });

  it('infers the forge from the host, lets forge.kind win, and says what to set otherwise', () => {
    expect(forgeKindOf('https://github.com/acme/shop.git', undefined)).toBe('github');
    expect(forgeKindOf('git@gitlab.example.com:acme/app.git', undefined)).toBe('gitlab');
    expect(forgeKindOf('https://codeberg.org/acme/app.git', undefined)).toBe('gitea');
    expect(forgeKindOf('http://127.0.0.1:4000/acme/app.git', 'gitea')).toBe('gitea');
    expect(() => forgeKindOf('http://127.0.0.1:4000/acme/app.git', undefined)).toThrow(ForgeNotConfiguredError);
    expect(() => forgeKindOf('https://user:secret@git.example.com/a/b.git', undefined)).toThrow(/forge\.kind/);
    expect(() => forgeKindOf('https://user:secret@git.example.com/a/b.git', undefined)).not.toThrow(/secret/);
  });

  it('finds the repository and the API, with forge.repo and *_API_URL overriding', () => {
    expect(forgeTarget('https://github.com/acme/shop.git', 'github', api)).toEqual({ kind: 'github', repo: 'acme/shop', apiUrl: 'https://api.github.com' });
    expect(forgeTarget('git@github.example.com:acme/shop.git', 'github', api).apiUrl).toBe('https://github.example.com/api/v3');
    expect(forgeTarget('https://gitlab.example.com/g/sub/app.git', 'gitlab', api)).toMatchObject({ repo: 'g/sub/app', apiUrl: 'https://gitlab.example.com/api/v4' });
    expect(forgeTarget('http://127.0.0.1:4000/acme/app.git', 'gitea', api).apiUrl).toBe('http://127.0.0.1:4000/api/v1');
    expect(forgeTarget('file:///srv/app.git', 'github', { ...api, repo: 'acme/app', apiUrl: 'http://127.0.0.1:9/api' })).toEqual({ kind: 'github', repo: 'acme/app', apiUrl: 'http://127.0.0.1:9/api' });
    expect(() => forgeTarget('file:///srv/app.git', 'github', api)).toThrow(/forge\.repo/);
    expect(() => forgeTarget('file:///srv/app.git', 'github', { ...api, repo: 'acme/app' })).toThrow(/GITHUB_API_URL/);
    expect(describeRemote('https://x-access-token:s3cret@github.com/a/b.git')).toBe('https://github.com/a/b.git');
  });
});

describe('failed forge answers', () => {
  const now = 1_700_000_000_000;
  it('retries 5xx and rate limits after the wait the forge asked for', () => {
    const limited = forgeFailure('github', 'open', { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) }, message: 'API rate limit exceeded' }, 'GITHUB_TOKEN', now);
    expect(limited).toBeInstanceOf(ForgeUnavailableError);
    expect((limited as ForgeUnavailableError).retryAfterMs).toBe(30_000);
    expect((forgeFailure('gitlab', 'open', { status: 429, headers: { 'Retry-After': '12' }, message: 'Retry later' }, 'GITLAB_TOKEN', now) as ForgeUnavailableError).retryAfterMs).toBe(12_000);
    expect((forgeFailure('github', 'open', { status: 429, headers: {}, message: 'secondary' }, 'GITHUB_TOKEN', now) as ForgeUnavailableError).retryAfterMs).toBe(60_000);
    expect(forgeFailure('gitea', 'open', { status: 502, headers: {}, message: 'bad gateway' }, 'GITEA_TOKEN', now)).toBeInstanceOf(ForgeUnavailableError);
    expect(forgeFailure('gitea', 'open', { status: undefined, headers: {}, message: 'fetch failed' }, 'GITEA_TOKEN', now)).toBeInstanceOf(ForgeUnavailableError);
    expect(waitOf({ 'retry-after': new Date(now + 5000).toUTCString() }, now)).toBe(5000);
  });

  it('names the token variable on 401/403 and the repository setting on 404', () => {
    const auth = forgeFailure('github', 'open', { status: 401, headers: {}, message: 'Bad credentials' }, 'GITHUB_TOKEN', now);
    expect(auth).toBeInstanceOf(ForgeAuthFailedError);
    expect(auth.message).toContain('GITHUB_TOKEN');
    const missing = forgeFailure('gitlab', 'open', { status: 404, headers: {}, message: '404 Project Not Found' }, 'GITLAB_TOKEN', now);
    expect(missing).toBeInstanceOf(ForgeRequestRejectedError);
    expect(missing.message).toContain('forge.repo');
  });

  it('folds checks: a failure wins, then pending, then success', () => {
    expect(foldChecks([])).toEqual({ checks: 'none', failedChecks: [] });
    expect(foldChecks([{ name: 'a', state: 'success' }, { name: 'b', state: 'pending' }]).checks).toBe('pending');
    expect(foldChecks([{ name: 'a', state: 'failure' }, { name: 'b', state: 'pending' }])).toEqual({ checks: 'failure', failedChecks: ['a'] });
    expect(foldChecks([{ name: 'a', state: 'neutral' }, { name: 'b', state: 'success' }]).checks).toBe('success');
  });
});
