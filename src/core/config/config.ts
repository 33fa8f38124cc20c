// The one schema of `kaizen.config.json`. Every key is optional, has a default and a
// description; validation reports every problem as `dotted.path: message`.
import { z } from 'zod';
import { Forge, Remote } from './forge.js';
import { Llm } from './llm.js';
import { Notifications } from './notifications.js';
import { Duration, retryPolicy } from './duration.js';
import { SECRET_FILE_GLOBS } from '../llm/secrets.js';
import { MODES, STRATEGIES } from '../types.js';

export { splitCommand } from './command-line.js';

export { durationMs } from '../duration.js';

export { DEFAULT_TEST_GLOBS } from './llm.js';
import { DEFAULT_HEARTBEAT_TIMEOUT } from './heartbeat.js';
export { DEFAULT_HEARTBEAT_TIMEOUT } from './heartbeat.js';
import { DEFAULT_TEST_GLOBS } from './llm.js';
import { ANALYSER_PRESET_NAMES, ANALYSER_PRESETS, type AnalyserPresetName } from '../analysis/presets.js';


/** A command as an argument array, or a string split like a shell would (but never run by one). */
const Command = z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]);

const StepName = z.enum(['analyse', 'generate', 'test', 'apply', 'verify', 'notify']);

const Retry = retryPolicy({ maximumAttempts: 3, initialInterval: '1s' }, 'attempts in all, including the first');

const stepDefaults = <T>(value: T) =>
  ({ analyse: value, generate: value, test: value, apply: value, verify: value, notify: value }) as Record<
    z.infer<typeof StepName>,
    T
  >;

export const DEFAULT_TIMEOUTS: Record<z.infer<typeof StepName>, string> = {
  analyse: '5m',
  generate: '5m',
  test: '30m',
  apply: '2m',
  verify: '30m',
  notify: '1m',
};

const Analyser = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _').describe('name shown in findings'),
    command: Command.describe('prints SARIF 2.1 on stdout; {files} expands to the files to analyse'),
    fixCommand: Command.optional().describe('fixes {file} in place (run on Kaizen\'s copy only)'),
    include: z.array(z.string()).default(['**/*']).describe('globs of files this analyser reads'),
    timeout: Duration.default('5m'),
  })
  .strict();

const AnalyserEntry = z.object(Analyser.shape, {
  error: (issue) => (issue.code === 'invalid_type' ? `expected a preset (${ANALYSER_PRESET_NAMES.join(', ')}) or { "id", "command", "fixCommand"?, "include"? }` : undefined),
}).strict();

export const DEFAULT_EXCLUDES = [
  '**/node_modules/**',
  '**/.git/**',
  '**/.kaizen/**',
  '**/dist/**',
  '**/build/**',
  '**/out/**',
  '**/coverage/**',
  '**/.next/**',
  '**/vendor/**',
  '**/*.min.js',
  '**/package-lock.json',
  '**/yarn.lock',
  '**/pnpm-lock.yaml',
  '**/*.lock',
  '**/.env',
  '**/.env.*',
  '**/*.pem',
  '**/*.key',
  '**/id_rsa*',
  '**/*credentials*',
  '**/*secret*',
  ...SECRET_FILE_GLOBS,
];

export const Config = z
  .object({
    enabled: z.boolean().default(true).describe('false stops scheduled cycles for this repo'),
    mode: z.enum(MODES).optional().describe('default: branch for runs started by hand, auto for scheduled cycles. branch: leave kaizen/<id> for review; merge: fast-forward the target branch; auto: merge when low-risk (an autofix, or every changed line run by the tests), else leave it for review; push: push kaizen/<id> to the remote; pr: push it and open a pull request'),
    targetBranch: z.string().min(1).optional().describe('branch to improve; default: the branch checked out in the repo'),
    strategies: z
      .array(z.enum(STRATEGIES))
      .min(1)
      .default(['autofix', 'llm'])
      .describe('strategies Kaizen may choose from; llm-complexity, llm-error-handling and llm-tests are opt-in'),
    schedule: z
      .object({
        every: Duration.default('6h').describe('interval between cycles'),
        cron: z.string().optional().describe('cron expression; replaces "every" when set'),
        jitter: Duration.default('5m').describe('random delay added to each scheduled start'),
      })
      .strict()
      .default({ every: '6h', jitter: '5m' }),
    budget: z
      .object({
        maxPerDay: z.number().int().min(0).default(5).describe('landed or proposed changes in any rolling 24 h'),
        maxPerFilePerDay: z.number().int().min(0).default(2).describe('changes to one file in any rolling 24 h'),
        minIntervalMinutes: z.number().min(0).default(60).describe('minutes between two changes'),
        maxConcurrent: z.number().int().min(1).default(3).describe('improvements running at once'),
        maxAttemptsPerCycle: z.number().int().min(1).default(5).describe('improvements one cycle may start'),
        maxOpenPullRequests: z.number().int().min(0).default(3).describe('pull requests Kaizen keeps open at once (pr mode); a cycle starts nothing new while they are open'),
      })
      .strict()
      .default({ maxPerDay: 5, maxPerFilePerDay: 2, minIntervalMinutes: 60, maxConcurrent: 3, maxAttemptsPerCycle: 5, maxOpenPullRequests: 3 }),
    pauseBetweenSteps: Duration.or(z.literal(0)).default(0).describe('wait between saga steps (e.g. "10m")'),
    timeouts: z
      .object(Object.fromEntries(StepName.options.map((s) => [s, Duration.default(DEFAULT_TIMEOUTS[s])])) as Record<
        z.infer<typeof StepName>,
        z.ZodDefault<typeof Duration>
      >)
      .strict()
      .default(DEFAULT_TIMEOUTS),
    retries: z
      .object(Object.fromEntries(StepName.options.map((s) => [s, Retry.default(Retry.parse({}))])) as Record<
        z.infer<typeof StepName>,
        z.ZodDefault<typeof Retry>
      >)
      .strict()
      .default(stepDefaults(Retry.parse({}))),
    test: z
      .object({
        command: Command.optional().describe('test command; default: `npm test` when package.json has a test script'),
        timeout: Duration.default('20m').describe('a test run longer than this is killed and counts as failed'),
        required: z.boolean().default(true).describe('false lets Kaizen land changes in a repo without tests'),
        rememberRed: Duration.default('1h').describe(
          'how long a tree whose tests failed twice is believed red without running them again (a red repository is skipped before any fix is made or paid for); "0s" runs them every time',
        ),
        globs: z
          .array(z.string().min(1))
          .min(1)
          .default([...DEFAULT_TEST_GLOBS])
          .describe("where tests live (besides what the test runner's config says): never changed by autofix or llm, only added to by llm-tests"),
      })
      .strict()
      .prefault({}),
    setup: z
      .object({
        command: Command.optional().describe('prepares a fresh worktree when its lockfile differs (e.g. "npm ci")'),
        timeout: Duration.default('15m'),
      })
      .strict()
      .default({ timeout: '15m' }),
    eslint: z
      .object({
        enabled: z.boolean().default(true).describe('analyse JS/TS with ESLint'),
        useRepoConfig: z.boolean().default(true).describe("use the repo's own ESLint and config when it has both"),
        extensions: z.array(z.string().regex(/^\.[a-z0-9]+$/)).default(['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx']),
      })
      .strict()
      .default({ enabled: true, useRepoConfig: true, extensions: ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx'] }),
    analysers: z
      .array(z.preprocess((entry) => (typeof entry === 'string' && entry in ANALYSER_PRESETS ? ANALYSER_PRESETS[entry as AnalyserPresetName] : entry), AnalyserEntry))
      .default([])
      .describe(`extra analysers that print SARIF 2.1: a preset (${ANALYSER_PRESET_NAMES.join(', ')}) or { id, command, fixCommand?, include? }`),
    llm: Llm.prefault({}),
    approval: z
      .object({
        required: z.boolean().default(false).describe('wait for `kaizen approve` before integrating'),
        timeout: Duration.default('24h').describe('unanswered approvals are rejected after this'),
      })
      .strict()
      .default({ required: false, timeout: '24h' }),
    exclude: z.array(z.string()).default([]).describe('globs never changed, added to the built-in excludes'),
    maxFileSizeKb: z.number().positive().default(500).describe('larger files are never targeted'),
    recentChangeMinutes: z.number().min(0).default(60).describe('files committed to within this many minutes are left alone'),
    backup: z
      .object({
        keepDays: z.number().int().min(0).default(30).describe('a cycle deletes refs/kaizen/backup/<id> refs older than this; 0 keeps them all'),
      })
      .strict()
      .default({ keepDays: 30 }),
    heartbeatTimeout: Duration.default(DEFAULT_HEARTBEAT_TIMEOUT).describe('a step whose worker stops heartbeating this long (a killed worker) is retried; every step heartbeats'),
    notifications: Notifications.prefault({}).describe('email and webhook channels (secrets come from the environment)'),
    remote: Remote,
    forge: Forge.prefault({}).describe('the forge push and pr modes open pull requests on (tokens come from the environment)'),
  })
  .strict();
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;
export type StepConfigName = z.infer<typeof StepName>;
export type RetryConfig = z.infer<typeof Retry>;
export type { LlmConfig, LlmPrice } from './llm.js';
export type { ForgeConfig } from './forge.js';
export type { NotificationChannel, NotificationsConfig } from './notifications.js';

export const CONFIG_FILE = 'kaizen.config.json';

/** Where tests live: test.globs, plus llm.testGlobs from configs written before test.globs existed. */
export function testGlobsOf(config: Pick<Config, 'test' | 'llm'>): string[] {
  return [...new Set([...config.test.globs, ...(config.llm.testGlobs ?? [])])];
}

export type ConfigParseResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Validates already-parsed JSON; every problem comes back as `dotted.path: message`. */
export function validateConfig(raw: unknown): ConfigParseResult {
  const parsed = Config.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, problems: parsed.error.issues.map(formatIssue) };
}

/** Parses the text of a config file; `fallback` gives top-level keys the file does not set. */
export function parseConfigText(text: string, fallback: ConfigInput = {}): ConfigParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`(file): not valid JSON: ${(err as Error).message}`] };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: ['(file): expected a JSON object'] };
  }
  return validateConfig({ ...fallback, ...raw });
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.') || '(root)';
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length ? `${path}.` : '';
    return issue.keys.map((k) => `${prefix}${k}: unknown key`).join('\n');
  }
  return `${path}: ${issue.message}`;
}

/** Deep-merges CLI overrides into a validated config and validates the result again. */
export function withOverrides(config: Config, overrides: ConfigInput): ConfigParseResult {
  return validateConfig(deepMerge(config, overrides));
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
    return out;
  }
  return over;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
