// The small interfaces activities depend on. Only worker.ts builds the real ones; tests
// pass real or fake implementations to createActivities(deps).
import type { NotificationChannel } from '../core/config/config.js';
import type { GovernorTarget, GovernorView, LockAnswer, LockRequest, ReserveAnswer, ReserveRequest, SlotAnswer, SlotRequest } from '../core/governor/protocol.js';

export type { GovernorTarget } from '../core/governor/protocol.js';
import type { ForgeTarget } from '../core/forge/target.js';
import type { ForgeAccess, MergeAnswer, MergeOptions, NewPullRequest, PullRequestInfo } from '../core/forge/types.js';
import type { ChannelType, NotificationEvent, RenderContext } from '../core/notifications/types.js';
import type { LlmCheckAnswer, LlmCheckRequest } from '../core/llm/budget.js';
import type { ChatAnswer, ChatRequest } from '../core/llm/chat.js';

/** An OpenAI-compatible chat endpoint. */
export interface LlmClient {
  chat(request: ChatRequest): Promise<ChatAnswer>;
}

/** Builds an LlmClient from the environment when the llm strategy runs. */
export interface LlmProvider {
  /** Throws LlmNotConfiguredError when no key/endpoint is configured. */
  client(): LlmClient;
  defaultModel(): string;
}

export type { CycleSummary, ImprovementBrief, NotificationEvent } from '../core/notifications/types.js';

/** One channel that tells people (email, webhook, ...). The ledger is written separately. */
export interface Notifier {
  readonly id: string;
  send(event: NotificationEvent): Promise<void>;
}

/** One delivery of one event to one configured channel (email, Slack, ...). */
export interface ChannelDelivery {
  channel: NotificationChannel;
  event: NotificationEvent;
  /** The same on every attempt, for receivers that drop duplicates. */
  deliveryId: string;
  context: RenderContext;
  /** Where secrets are read from, by the names the channel gives. */
  env: NodeJS.ProcessEnv;
  /** Aborts on activity cancellation and when the attempt's time is up. */
  signal: AbortSignal;
  timeoutMs: number;
}

/** Sends to one type of channel; secrets are read from `env` at delivery time and never logged. */
export interface ChannelSender {
  send(delivery: ChannelDelivery): Promise<void>;
}

export type ChannelSenders = Readonly<Record<ChannelType, ChannelSender>>;

/**
 * Talks to a repository's governor workflow (updates, queries). Workflows cannot send updates
 * to other workflows, so the governor activities call it; worker.ts builds it on a Client.
 */
export interface GovernorGateway {
  requestSlot(target: GovernorTarget, request: SlotRequest): Promise<SlotAnswer>;
  /** After analysis: reserve a file for the run, so concurrent runs take different files. */
  reserveFile(target: GovernorTarget, request: ReserveRequest): Promise<ReserveAnswer>;
  requestMergeLock(target: GovernorTarget, request: LockRequest): Promise<LockAnswer>;
  /** May the next LLM call run under the repo's daily caps? (starts the governor when needed) */
  checkLlm(target: GovernorTarget, request: LlmCheckRequest): Promise<LlmCheckAnswer>;
  /** The governor's view, or null when the repository has no governor yet. */
  view(target: GovernorTarget): Promise<GovernorView | null>;
}

export type { ForgeKind, ForgeTarget } from '../core/forge/target.js';
export type { ForgeAccess, MergeAnswer, MergeMethod, MergeOptions, NewPullRequest, PullRequestInfo, PullRequestRef } from '../core/forge/types.js';

/**
 * One repository on GitHub, GitLab or Gitea/Forgejo (src/adapters/forges/). Failures are the
 * errors of core/forge/errors.ts: ForgeUnavailable (retry, after `retryAfterMs`), the rest not.
 */
export interface Forge {
  readonly target: ForgeTarget;
  /** The open pull request whose head is `branch` in this repository: a retry finds what a crashed attempt opened. */
  findOpenPullRequest(branch: string): Promise<PullRequestInfo | null>;
  /** Opens one and labels it (missing labels are created). */
  openPullRequest(request: NewPullRequest): Promise<PullRequestInfo>;
  /** State, mergeability and the folded checks of the head commit. */
  pullRequest(number: number): Promise<PullRequestInfo>;
  comment(number: number, body: string): Promise<void>;
  close(number: number): Promise<void>;
  /** Merges only while the head is still `sha`; a refusal (checks, conflicts, moved head) is an answer, not an error. */
  merge(number: number, options: MergeOptions): Promise<MergeAnswer>;
  /** What the token may do here (`kaizen doctor`): its role in the repository. */
  access(): Promise<ForgeAccess>;
}

export interface ForgeCredentials {
  token: string;
  /** The variable it came from, named in messages (never the value). */
  variable: string;
}

/** Builds a Forge for a target; worker.ts passes the real one (adapters/forges). */
export type ForgeConnector = (target: ForgeTarget, credentials: ForgeCredentials) => Forge;

export interface ActivityDeps {
  /** Talks to GitHub, GitLab, Gitea (absent: the real adapters). */
  forges?: ForgeConnector;
  /** Talks to the governor workflows (absent: the governor activities fail with a clear error). */
  governor?: GovernorGateway;
  /** This worker's host-specific task queue: activities that touch a worktree run there. */
  hostQueue: string;
  /** Kaizen's install folder, home of the bundled ESLint and its default config. */
  kaizenHome: string;
  llm: LlmProvider;
  notifiers: Notifier[];
  /** Senders of the configured channels; default: the real ones (src/adapters/notifiers). */
  channelSenders?: ChannelSenders;
  /** Process environment used for child processes (tests pass a controlled one). */
  env: NodeJS.ProcessEnv;
  /** The Web UI base for links in notifications (absent: from `env` alone). */
  uiBase?: string;
}
