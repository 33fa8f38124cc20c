// Repositories given by URL: which arguments are URLs, what the normalised URL keeps and drops
// (never a credential), and that every spelling of one repository names one governor,
// one schedule and one mirror folder.
import { describe, expect, it } from 'vitest';
import { governorWorkflowId, repoKey, repoName, scheduleIdFor } from '../../../src/core/repository/key.js';
import { isRepoUrl, mirrorRelativePath, normaliseRepoUrl, parseRepoUrl } from '../../../src/core/repository/remote-url.js';

describe('isRepoUrl', () => {
  it.each(['https://github.com/acme/shop.git', 'http://127.0.0.1:8080/acme/shop.git', 'ssh://git@github.com/acme/shop.git', 'git@github.com:acme/shop.git', 'file:///srv/git/shop.git', 'git+ssh://git@host.example/acme/shop'])(
    'takes %s as a URL',
    (arg) => expect(isRepoUrl(arg)).toBe(true),
  );

  it.each(['/home/me/src/shop', './shop', 'shop', '../a:b', '.', 'C:\\repo', 'ftp://host/acme/shop.git', 'https://github.com/', 'file://remote-host/srv/shop.git', 'https://host/acme/..%2F..%2Fetc'])(
    'takes %s as no URL Kaizen accepts',
    (arg) => expect(isRepoUrl(arg)).toBe(false),
  );
});

describe('normaliseRepoUrl', () => {
  it('drops a token given as user or password of an http(s) URL', () => {
    expect(normaliseRepoUrl('https://x-access-token:ghp_secret123@github.com/acme/shop.git')).toBe('https://github.com/acme/shop.git');
    expect(normaliseRepoUrl('https://ghp_secret123@github.com/acme/shop.git')).toBe('https://github.com/acme/shop.git');
    expect(normaliseRepoUrl('http://oauth2:glpat-abc@GitLab.Example.com:8080/group/sub/proj/')).toBe('http://gitlab.example.com:8080/group/sub/proj');
  });

  it("keeps ssh's login, drops a password, lower-cases the host", () => {
    expect(normaliseRepoUrl('ssh://git:pw@GitHub.com/acme/shop.git')).toBe('ssh://git@github.com/acme/shop.git');
    expect(normaliseRepoUrl('git@GitHub.com:acme/shop.git/')).toBe('git@github.com:acme/shop.git');
  });

  it('keeps a file URL as its absolute path', () => {
    expect(normaliseRepoUrl('file:///srv/git/shop.git/')).toBe('file:///srv/git/shop.git');
    expect(normaliseRepoUrl('file://localhost/srv/git/shop.git')).toBe('file:///srv/git/shop.git');
  });

  it('gives null for a path', () => {
    expect(normaliseRepoUrl('/srv/git/shop')).toBeNull();
  });
});

describe('the identity of a repository given by URL', () => {
  const spellings = ['https://github.com/acme/shop.git', 'https://token@github.com/acme/shop', 'git@github.com:acme/shop.git', 'ssh://git@GITHUB.com/acme/shop.git/'];

  it('is one governor, one schedule and one mirror for every spelling', () => {
    const urls = spellings.map((s) => normaliseRepoUrl(s) ?? s);
    expect(new Set(urls.map(governorWorkflowId)).size).toBe(1);
    expect(new Set(urls.map(scheduleIdFor)).size).toBe(1);
    expect(new Set(spellings.map((s) => mirrorRelativePath(parseRepoUrl(s)!)))).toEqual(new Set(['github.com/acme/shop.git']));
    expect(parseRepoUrl(spellings[0]!)?.identity).toBe('github.com/acme/shop');
  });

  it('differs between repositories and hosts, and from a checkout of the same name', () => {
    const keys = ['https://github.com/acme/shop.git', 'https://github.com/other/shop.git', 'https://gitlab.com/acme/shop.git', '/home/me/shop'].map(repoKey);
    expect(new Set(keys).size).toBe(4);
  });

  it('reads as the repository name in the Web UI', () => {
    expect(repoName('https://github.com/acme/shop.git')).toBe('shop');
    expect(repoName('git@github.com:acme/shop.git')).toBe('shop');
    expect(repoKey('https://github.com/acme/shop.git')).toMatch(/^shop-[0-9a-f]{8}$/);
  });

  it('puts the mirror below the host and path, with nothing that climbs out of Kaizen’s home', () => {
    expect(mirrorRelativePath(parseRepoUrl('http://127.0.0.1:8080/group/sub/proj.git')!)).toBe('127.0.0.1_8080/group/sub/proj.git');
    expect(mirrorRelativePath(parseRepoUrl('file:///tmp/remotes/shop.git')!)).toBe('file/tmp/remotes/shop.git');
    expect(mirrorRelativePath(parseRepoUrl('https://host.example/.hidden/shop.git')!)).toBe('host.example/_hidden/shop.git');
  });
});
