// The pure parts of push and pr modes: how a token reaches git, what git's refusals mean,
// and the body of the pull request.
import { describe, expect, it } from 'vitest';
import { gitAuthEnv, isHttpRemote, tokenForms } from '../../../src/core/forge/git-auth.js';
import { pullRequestBody, type PullRequestFacts } from '../../../src/core/forge/pull-request-body.js';
import { gitDetail, pushRefusalOf, pushRefusedError } from '../../../src/core/forge/push-failure.js';

describe('gitAuthEnv', () => {
  it('scopes a Basic header to the remote URL, after the entries the environment already has, credentials in the URL dropped', () => {
    const env = gitAuthEnv('https://someone:pw@github.com/acme/app.git', 'github', 'tok-123', { GIT_CONFIG_COUNT: '2' });
    expect(env).toEqual({
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_2: 'http.https://github.com/acme/app.git.extraHeader',
      GIT_CONFIG_VALUE_2: `Authorization: Basic ${Buffer.from('x-access-token:tok-123').toString('base64')}`,
    });
    expect(gitAuthEnv('https://gitlab.example.com/g/p.git', 'gitlab', 't').GIT_CONFIG_VALUE_0).toBe(`Authorization: Basic ${Buffer.from('oauth2:t').toString('base64')}`);
    expect(tokenForms('github', 'tok-123')).toEqual(['tok-123', Buffer.from('x-access-token:tok-123').toString('base64')]);
  });

  it('sends tokens over http(s) only: ssh and file remotes use git\'s own access', () => {
    expect(isHttpRemote('https://github.com/a/b.git')).toBe(true);
    expect(isHttpRemote('git@github.com:a/b.git')).toBe(false);
    expect(isHttpRemote('ssh://git@github.com/a/b.git')).toBe(false);
    expect(isHttpRemote('file:///srv/git/b.git')).toBe(false);
  });
});

describe('push refusals', () => {
  it.each([
    ["fatal: could not read Username for 'https://github.com': terminal prompts disabled", 'auth'],
    ["remote: Invalid username or token.\nfatal: Authentication failed for 'https://github.com/a/b.git/'", 'auth'],
    ["fatal: unable to access 'https://github.com/a/b.git/': The requested URL returned error: 403", 'forbidden'],
    ['remote: Repository not found.\nfatal: repository \'https://github.com/a/b.git/\' not found', 'forbidden'],
    ['remote: error: GH006: Protected branch update failed for refs/heads/kaizen/x.\n ! [remote rejected] kaizen/x -> kaizen/x (protected branch hook declined)', 'protected'],
    [' ! [remote rejected] HEAD -> kaizen/x (pre-receive hook declined)', 'rejected'],
    ["fatal: unable to access 'https://github.com/a/b.git/': Could not resolve host: github.com", null],
    ["fatal: unable to access 'https://github.com/a/b.git/': The requested URL returned error: 502", null],
    [' ! [rejected]        c0ffee -> kaizen/x (stale info)', null],
  ] as const)('%s → %s', (stderr, refusal) => {
    expect(pushRefusalOf(stderr)).toBe(refusal);
  });

  it('names the variable to fix and never the token', () => {
    const err = pushRefusedError('auth', "fatal: Authentication failed for 'https://x-access-token:tok-123@github.com/a/b.git/'", { branch: 'kaizen/x', remote: 'origin (https://github.com/a/b.git)', tokenVariable: 'GITHUB_TOKEN', suggestedVariable: 'GITHUB_TOKEN' }, ['tok-123']);
    expect(err.message).toContain('The token in GITHUB_TOKEN was refused');
    expect(err.message).not.toContain('tok-123');
    expect(gitDetail('hint: x\nTo https://github.com/a/b.git\nerror: failed to push some refs', [])).toBe('error: failed to push some refs');
  });
});

describe('pullRequestBody', () => {
  const facts: PullRequestFacts = {
    workflowId: 'improve-1',
    file: 'src/a.js',
    strategy: 'llm',
    model: 'gpt-x, prompt v3',
    summary: 'Use const.',
    fixedRules: [{ rule: 'prefer-const', count: 2 }],
    remaining: 1,
    testsBefore: { command: ['npm', 'test'], passed: true, skipped: false, cached: true, durationMs: 2000, passedCount: 10, failedCount: 0 },
    testsAfter: { command: ['npm', 'test'], passed: true, skipped: false, cached: false, durationMs: 2500, passedCount: 10, failedCount: 0, flaky: ['adds'] },
    files: ['src/a.js'],
    linesAdded: 2,
    linesRemoved: 2,
    branch: 'kaizen/ab12',
    commit: 'c0ffee0000000000000000000000000000000001',
    targetBranch: 'main',
    baseCommit: 'ba5e000000000000000000000000000000000001',
    remote: 'origin',
  };

  it('says what was fixed, the test evidence, the change, how it was made, where its run is and how to undo it', () => {
    const body = pullRequestBody(facts, 'http://localhost:8233/namespaces/default/workflows/improve-1');
    for (const part of [
      'Use const.',
      '2 findings in `src/a.js`',
      '`prefer-const` × 2',
      '1 targeted finding left',
      'command: `npm test`',
      'before the change (baseline): green, 10 passed, 0 failed in 2.0 s (cached by tree hash)',
      'after the change: green, 10 passed, 0 failed in 2.5 s (red once, then green: flaky adds)',
      '1 file changed, +2 −2',
      'strategy: llm (model gpt-x, prompt v3)',
      '[improve-1](http://localhost:8233/namespaces/default/workflows/improve-1)',
      'git push origin --delete kaizen/ab12',
      'git revert c0ffee000000',
    ]) {
      expect(body).toContain(part);
    }
  });

  it('says when no test command ran', () => {
    const { testsBefore: _b, testsAfter: _a, ...rest } = facts;
    expect(pullRequestBody(rest, 'http://ui')).toContain('No test command ran');
  });
});
