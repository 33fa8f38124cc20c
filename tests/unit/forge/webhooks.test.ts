import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concernsPullRequest, readWebhook, type WebhookEvent } from '../../../src/core/forge/webhooks.js';

const SECRET = 'webhook-secret';
const body = (payload: unknown) => Buffer.from(JSON.stringify(payload));
const hmac = (data: Buffer, secret = SECRET) => createHmac('sha256', secret).update(data).digest('hex');

describe('readWebhook', () => {
  it("accepts GitHub's signed pull_request and check_suite deliveries and names their pull requests", () => {
    const pr = body({ action: 'synchronize', number: 7, pull_request: { number: 7, html_url: 'https://github.com/acme/shop/pull/7' }, repository: { full_name: 'acme/shop' } });
    expect(readWebhook({ 'x-github-event': 'pull_request', 'x-hub-signature-256': `sha256=${hmac(pr)}` }, pr, SECRET)).toEqual({ ok: true, event: { kind: 'github', event: 'pull_request', repo: 'acme/shop', numbers: [7] } });
    const suite = body({ action: 'completed', check_suite: { pull_requests: [{ number: 7 }, { number: 9 }] }, repository: { full_name: 'acme/shop' } });
    expect(readWebhook({ 'x-github-event': 'check_suite', 'x-hub-signature-256': `sha256=${hmac(suite)}` }, suite, SECRET)).toMatchObject({ ok: true, event: { numbers: [7, 9] } });
    // A commit status says only the commit: every followed pull request of the repository looks.
    const status = body({ sha: 'abc', state: 'failure', repository: { full_name: 'acme/shop' } });
    expect(readWebhook({ 'x-github-event': 'status', 'x-hub-signature-256': `sha256=${hmac(status)}` }, status, SECRET)).toMatchObject({ ok: true, event: { numbers: null } });
  });

  it('refuses a delivery signed with another secret, unsigned, or changed after signing', () => {
    const pr = body({ number: 7, repository: { full_name: 'acme/shop' } });
    expect(readWebhook({ 'x-github-event': 'pull_request', 'x-hub-signature-256': `sha256=${hmac(pr, 'other')}` }, pr, SECRET)).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining('does not match') });
    expect(readWebhook({ 'x-github-event': 'pull_request' }, pr, SECRET)).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining('KAIZEN_WEBHOOK_SECRET') });
    const changed = body({ number: 8, repository: { full_name: 'acme/shop' } });
    expect(readWebhook({ 'x-github-event': 'pull_request', 'x-hub-signature-256': `sha256=${hmac(pr)}` }, changed, SECRET)).toMatchObject({ ok: false, status: 401 });
  });

  it("checks GitLab's secret token and reads merge request and pipeline hooks", () => {
    const mr = body({ object_kind: 'merge_request', project: { path_with_namespace: 'acme/tools/shop' }, object_attributes: { iid: 3, url: 'https://gitlab.example.com/acme/tools/shop/-/merge_requests/3' } });
    expect(readWebhook({ 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': SECRET }, mr, SECRET)).toEqual({ ok: true, event: { kind: 'gitlab', event: 'Merge Request Hook', repo: 'acme/tools/shop', numbers: [3] } });
    const pipeline = body({ object_kind: 'pipeline', project: { path_with_namespace: 'acme/tools/shop' }, merge_request: { iid: 3 } });
    expect(readWebhook({ 'x-gitlab-event': 'Pipeline Hook', 'x-gitlab-token': SECRET }, pipeline, SECRET)).toMatchObject({ ok: true, event: { numbers: [3] } });
    expect(readWebhook({ 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': 'guess' }, mr, SECRET)).toMatchObject({ ok: false, status: 401 });
  });

  it("checks Gitea's and Forgejo's signature (hex, no prefix)", () => {
    const pr = body({ action: 'synchronized', number: 5, pull_request: { number: 5 }, repository: { full_name: 'acme/shop' } });
    expect(readWebhook({ 'x-gitea-event': 'pull_request', 'x-gitea-signature': hmac(pr) }, pr, SECRET)).toMatchObject({ ok: true, event: { kind: 'gitea', numbers: [5] } });
    expect(readWebhook({ 'x-forgejo-event': 'pull_request', 'x-forgejo-signature': hmac(pr) }, pr, SECRET)).toMatchObject({ ok: true, event: { kind: 'gitea', numbers: [5] } });
    expect(readWebhook({ 'x-gitea-event': 'pull_request', 'x-gitea-signature': `sha256=${hmac(pr)}` }, pr, SECRET)).toMatchObject({ ok: false, status: 401 });
  });

  it('acknowledges events that change nothing, and refuses what no forge sends', () => {
    const ping = body({ zen: 'Keep it logically awesome.', repository: { full_name: 'acme/shop' } });
    expect(readWebhook({ 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${hmac(ping)}` }, ping, SECRET)).toEqual({ ok: true, event: null });
    expect(readWebhook({ 'content-type': 'application/json' }, ping, SECRET)).toMatchObject({ ok: false, status: 400 });
    const form = Buffer.from('payload=%7B%7D');
    expect(readWebhook({ 'x-github-event': 'pull_request', 'x-hub-signature-256': `sha256=${hmac(form)}` }, form, SECRET)).toMatchObject({ ok: false, status: 400, reason: expect.stringContaining('application/json') });
  });
});

describe('concernsPullRequest', () => {
  const event = (repo: string, numbers: number[] | null): WebhookEvent => ({ kind: 'github', event: 'pull_request', repo, numbers });
  it('matches the web URL of each forge by repository and number', () => {
    expect(concernsPullRequest(event('acme/shop', [7]), 'https://github.com/acme/shop/pull/7')).toBe(true);
    expect(concernsPullRequest(event('acme/shop', [7]), 'https://github.com/acme/shop/pull/8')).toBe(false);
    expect(concernsPullRequest(event('acme/shop', [7]), 'https://github.com/acme/shopping/pull/7')).toBe(false);
    expect(concernsPullRequest(event('acme/tools/shop', [3]), 'https://gitlab.example.com/gitlab/acme/tools/shop/-/merge_requests/3')).toBe(true);
    expect(concernsPullRequest(event('Acme/Shop', null), 'https://codeberg.org/acme/shop/pulls/12')).toBe(true);
    expect(concernsPullRequest(event('acme/shop', null), 'https://codeberg.org/other/shop/pulls/12')).toBe(false);
  });
});
