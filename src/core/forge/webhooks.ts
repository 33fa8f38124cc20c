// Webhooks from GitHub, GitLab and Gitea/Forgejo, for `kaizen webhook-server`: is a delivery
// really from the forge (its signature or token), and which pull requests does it concern?
// Pure: the server turns the answer into `pullRequestChanged` signals; the follow workflow
// then asks the forge itself, so a webhook's payload is never trusted for what it says.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ForgeKind } from './target.js';

export type WebhookHeaders = Record<string, string | string[] | undefined>;

/** The pull requests a delivery concerns: `numbers` null means any of the repository's. */
export interface WebhookEvent {
  kind: ForgeKind;
  event: string;
  /** The repository's path on the forge (`owner/name`, GitLab `group/sub/project`). */
  repo: string;
  numbers: number[] | null;
}

export type WebhookVerdict =
  | { ok: true; event: WebhookEvent | null }
  | { ok: false; status: 400 | 401; reason: string };

/** The events that can change what the follow workflow decides; others are acknowledged and ignored. */
const RELEVANT: Record<ForgeKind, readonly string[]> = {
  github: ['pull_request', 'pull_request_review', 'check_suite', 'check_run', 'status'],
  gitlab: ['Merge Request Hook', 'Pipeline Hook', 'Job Hook'],
  gitea: ['pull_request', 'pull_request_sync', 'pull_request_review_approved', 'pull_request_review_rejected', 'status'],
};

function header(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Which forge sent it, by the event header each one sets (Forgejo sends Gitea's too). */
export function webhookKindOf(headers: WebhookHeaders): ForgeKind | null {
  if (header(headers, 'x-github-event')) return 'github';
  if (header(headers, 'x-gitlab-event')) return 'gitlab';
  if (header(headers, 'x-gitea-event') || header(headers, 'x-forgejo-event')) return 'gitea';
  return null;
}

/** Checks the delivery against the shared secret, then reads which pull requests it concerns. */
export function readWebhook(headers: WebhookHeaders, body: Buffer, secret: string): WebhookVerdict {
  const kind = webhookKindOf(headers);
  if (!kind) return { ok: false, status: 400, reason: 'not a GitHub, GitLab or Gitea webhook (no X-GitHub-Event, X-Gitlab-Event or X-Gitea-Event header)' };
  const signed = verify(kind, headers, body, secret);
  if (signed !== null) return { ok: false, status: 401, reason: signed };
  const event = header(headers, kind === 'github' ? 'x-github-event' : kind === 'gitlab' ? 'x-gitlab-event' : 'x-gitea-event') ?? header(headers, 'x-forgejo-event') ?? '';
  if (!RELEVANT[kind].includes(event)) return { ok: true, event: null };
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, status: 400, reason: 'the body is not JSON (set the webhook\'s content type to application/json)' };
  }
  const concerned = kind === 'gitlab' ? fromGitLab(payload) : fromGitHubOrGitea(payload);
  return concerned ? { ok: true, event: { kind, event, ...concerned } } : { ok: false, status: 400, reason: `a ${event} event without the repository it is about` };
}

/** null when the delivery carries the secret; else what is wrong with it. */
function verify(kind: ForgeKind, headers: WebhookHeaders, body: Buffer, secret: string): string | null {
  if (kind === 'gitlab') {
    // GitLab sends the secret token itself.
    const token = header(headers, 'x-gitlab-token');
    if (!token) return 'no X-Gitlab-Token header: set the webhook\'s secret token to KAIZEN_WEBHOOK_SECRET';
    return sameText(token, secret) ? null : 'X-Gitlab-Token does not match KAIZEN_WEBHOOK_SECRET';
  }
  const expected = createHmac('sha256', secret).update(body).digest('hex');
  if (kind === 'github') {
    const signature = header(headers, 'x-hub-signature-256');
    if (!signature) return 'no X-Hub-Signature-256 header: set the webhook\'s secret to KAIZEN_WEBHOOK_SECRET';
    return sameText(signature, `sha256=${expected}`) ? null : 'X-Hub-Signature-256 does not match the body signed with KAIZEN_WEBHOOK_SECRET';
  }
  const signature = header(headers, 'x-gitea-signature') ?? header(headers, 'x-forgejo-signature');
  if (!signature) return 'no X-Gitea-Signature header: set the webhook\'s secret to KAIZEN_WEBHOOK_SECRET';
  return sameText(signature, expected) ? null : 'X-Gitea-Signature does not match the body signed with KAIZEN_WEBHOOK_SECRET';
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

type Json = Record<string, unknown>;
const object = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
const positive = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);

function fromGitHubOrGitea(payload: unknown): Omit<WebhookEvent, 'kind' | 'event'> | null {
  const root = object(payload);
  const repo = object(root?.repository)?.full_name;
  if (typeof repo !== 'string' || repo === '') return null;
  const direct = positive(object(root?.pull_request)?.number) ?? positive(root?.number);
  if (direct !== undefined) return { repo, numbers: [direct] };
  // check_suite and check_run list the pull requests of their head; status says only the commit.
  const listed = [object(root?.check_suite)?.pull_requests, object(root?.check_run)?.pull_requests].find(Array.isArray) as unknown[] | undefined;
  const numbers = (listed ?? []).map((pr) => positive(object(pr)?.number)).filter((n): n is number => n !== undefined);
  return { repo, numbers: numbers.length ? numbers : null };
}

function fromGitLab(payload: unknown): Omit<WebhookEvent, 'kind' | 'event'> | null {
  const root = object(payload);
  const repo = object(root?.project)?.path_with_namespace;
  if (typeof repo !== 'string' || repo === '') return null;
  const kind = root?.object_kind;
  const iid = kind === 'merge_request' ? positive(object(root?.object_attributes)?.iid) : positive(object(root?.merge_request)?.iid);
  return { repo, numbers: iid !== undefined ? [iid] : null };
}

/** Whether a followed pull request's web URL is one the event concerns. */
export function concernsPullRequest(event: WebhookEvent, url: string): boolean {
  const match = /^https?:\/\/[^/]+\/(.+?)\/(?:-\/merge_requests|pulls?)\/(\d+)\/?$/.exec(url);
  if (!match) return false;
  const [, path, number] = match as unknown as [string, string, string];
  const repo = event.repo.toLowerCase();
  // A self-managed GitLab or Gitea under a sub-path has it before the repository's path.
  const sameRepo = path.toLowerCase() === repo || path.toLowerCase().endsWith(`/${repo}`);
  return sameRepo && (event.numbers === null || event.numbers.includes(Number(number)));
}
