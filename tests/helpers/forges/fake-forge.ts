// What the three forge fakes share: repositories (bare, served over git smart HTTP on the
// fake's own port), tokens, pull requests, and the test control API: merge, close, push to
// or turn checks red on a pull request as a person would, protect a branch, make the next
// requests fail, revoke a token. Each fake adds its API handlers and JSON shapes.
import { BareRepos, type ProtectionStyle } from '../bare-repos.js';
import type { MergeMethod } from '../bare-merge.js';
import { PERSON } from '../git-client.js';
import { createGitHttpHandler, type GitRequestRecord } from '../git-http-remote.js';
import type { RemoteTokens } from '../remote-tokens.js';
import { ForgeServer, type ForgeFlavour, type Handler, type InvalidRequest, type InvalidResponse, type RecordedApiRequest, type Reply } from './forge-server.js';
import type { OpenApiValidator } from './openapi-validator.js';
import { PullStore, PullStoreError, type CheckState, type Check, type Pull } from './pull-store.js';

export interface RepoInfo {
  id: number;
  /** `owner/name` (GitLab: `group/subgroup/project`). */
  fullName: string;
  defaultBranch: string;
}

export interface FakeForgeOptions {
  /** Token → user; default: `<forge>-token` of user `kaizen-bot` with write access. */
  tokens?: RemoteTokens;
  /** Share bare repositories with a startGitHttpRemote() (or another fake); default: its own. */
  repos?: BareRepos;
  /** Check every answer against the documented response schema (slower; for the fakes' own tests). */
  validateResponses?: boolean;
}

export type ChecksColour = 'green' | 'red' | 'pending';

const STATE_OF: Record<ChecksColour, CheckState> = { green: 'success', red: 'failure', pending: 'pending' };

export interface ForgeParts {
  style: ProtectionStyle;
  flavour: ForgeFlavour;
  validator: OpenApiValidator;
  /** Built once the fake exists, so handlers can use its state. */
  handlers: (forge: FakeForge) => Record<string, Handler>;
  serverError(status: number): Reply;
  rateLimited(opts: { retryAfterSeconds?: number; resetInSeconds?: number }): Reply;
  /** How this forge names check results: GitHub check runs, GitLab and Gitea commit statuses. */
  defaultCheckKind: Check['kind'];
  defaultMergeMethod: MergeMethod;
}

export class FakeForge {
  readonly repos: BareRepos;
  readonly pulls: PullStore;
  readonly repoInfo = new Map<string, RepoInfo>();
  readonly gitRequests: GitRequestRecord[] = [];
  readonly server: ForgeServer;
  private nextRepoId = 1;
  private readonly ownsRepos: boolean;

  constructor(
    readonly parts: ForgeParts,
    readonly tokens: RemoteTokens,
    readonly defaultToken: string,
    options: FakeForgeOptions = {},
  ) {
    this.repos = options.repos ?? new BareRepos();
    this.ownsRepos = !options.repos;
    this.pulls = new PullStore(this.repos);
    this.server = new ForgeServer({
      flavour: parts.flavour,
      validator: parts.validator,
      handlers: parts.handlers(this),
      lookupToken: (token) => tokens.lookup(token),
      git: createGitHttpHandler(this.repos, tokens, this.gitRequests, parts.style),
      validateResponses: options.validateResponses,
    });
  }

  /** Base URL of the API, as the forge's *_API_URL variable holds it. */
  get apiUrl(): string {
    return `${this.server.url}${this.parts.flavour.apiRoot}`;
  }

  /** Where the fake listens; git is served at `${webUrl}/<owner>/<repo>.git`. */
  get webUrl(): string {
    return this.server.url;
  }

  get requests(): RecordedApiRequest[] {
    return this.server.requests;
  }

  /** Requests the real forge would reject (or that the fake cannot answer): assert it is empty. */
  get invalidRequests(): InvalidRequest[] {
    return this.server.invalidRequests;
  }

  get invalidResponses(): InvalidResponse[] {
    return this.server.invalidResponses;
  }

  cloneUrl(fullName: string): string {
    return `${this.server.url}/${fullName}.git`;
  }

  /** A new repository; one that already exists in shared `repos` is only made known to the forge. */
  createRepo(fullName: string, files?: Record<string, string>, defaultBranch = 'main'): RepoInfo {
    if (!this.repos.exists(fullName)) this.repos.create(fullName, { files, branch: defaultBranch });
    const info = { id: this.nextRepoId++, fullName, defaultBranch };
    this.repoInfo.set(fullName, info);
    return info;
  }

  repo(fullName: string): RepoInfo | undefined {
    return this.repoInfo.get(fullName);
  }

  /** Pushes refused by git (the forge's message) and merges gated on `requiredChecks`. */
  protectBranch(fullName: string, branch: string, opts: { requiredChecks?: string[] } = {}): void {
    this.repos.protectBranch(fullName, branch, this.parts.style);
    this.pulls.protections.set(`${fullName}:${branch}`, { requiredChecks: opts.requiredChecks ?? [] });
  }

  pull(fullName: string, number: number): Pull {
    const pull = this.pulls.get(fullName, number);
    if (!pull) throw new Error(`${fullName} has no pull request #${number}`);
    return pull;
  }

  /** A person merges the pull request in the web UI. Returns the new base commit. */
  mergePull(fullName: string, number: number, method: MergeMethod = this.parts.defaultMergeMethod): string {
    const pull = this.pull(fullName, number);
    const result = this.pulls.merge(pull, { method, message: `Merge ${pull.head} into ${pull.base} (#${number})`, by: PERSON.name.toLowerCase().replace(' ', '-'), author: PERSON });
    if (!result.merged) throw new Error(`merging #${number} failed: ${result.reason}`);
    return result.sha;
  }

  /** A person closes the pull request without merging. */
  closePull(fullName: string, number: number): void {
    this.pulls.close(this.pull(fullName, number));
  }

  /** A person pushes a commit to the pull request's branch. Returns the new head commit. */
  pushToPull(fullName: string, number: number, files: Record<string, string | null>, message = 'Review fixes'): string {
    return this.pulls.pushAsPerson(this.pull(fullName, number), files, message, PERSON);
  }

  /** CI reports on the pull request's current head commit. */
  setChecks(fullName: string, number: number, colour: ChecksColour, opts: { names?: string[]; kind?: Check['kind'] } = {}): void {
    const pull = this.pull(fullName, number);
    this.pulls.setChecks(fullName, this.pulls.headSha(pull), STATE_OF[colour], opts.names ?? ['ci'], opts.kind ?? this.parts.defaultCheckKind);
  }

  /** The next `count` API requests answer a server error (500, 502, 503). */
  failNext(count: number, status = 500): void {
    this.server.failNext(count, this.parts.serverError(status));
  }

  /** The next `count` API requests are rate limited, with the forge's headers. */
  rateLimitNext(count: number, opts: { retryAfterSeconds?: number; resetInSeconds?: number } = {}): void {
    this.server.failNext(count, this.parts.rateLimited(opts));
  }

  revokeToken(token = this.defaultToken): void {
    this.tokens.revoke(token);
  }

  makeTokenReadOnly(token = this.defaultToken): void {
    this.tokens.makeReadOnly(token);
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  async close(): Promise<void> {
    await this.server.close();
    if (this.ownsRepos) this.repos.cleanup();
  }
}

/** Maps PullStore refusals to the answer a handler gives. */
export function storeErrorReply(error: unknown, map: (e: PullStoreError) => Reply): Reply {
  if (error instanceof PullStoreError) return map(error);
  throw error;
}

/** A stable numeric id for a login. */
export function idOf(login: string): number {
  let hash = 7;
  for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000;
  return hash + 1;
}
