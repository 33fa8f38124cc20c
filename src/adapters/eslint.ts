// Finds the ESLint to run in a worktree and runs it as a child process (never a shell),
// in batches, returning parsed reports. A repository with a linter config of its own gets
// its own rules only: its ESLint with its flat config, or no ESLint at all. Kaizen's bundled
// ESLint and behaviour-preserving rules (assets/eslint.default.rules.mjs) are for
// repositories with no linter config, or when "eslint.useRepoConfig" is false.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { AnalyserFailedError, BinaryMissingError, RepoLintConfigError } from '../core/errors.js';
import { ESLINT_ANALYSER, EslintReportError, parseEslintReport, type EslintFileReport } from '../core/analysis/eslint-report.js';
import { runProcess } from './process.js';

export const FLAT_CONFIG_FILES = [
  'eslint.config.js',
  'eslint.config.mjs',
  'eslint.config.cjs',
  'eslint.config.ts',
  'eslint.config.mts',
  'eslint.config.cts',
];

/** ESLint's older config files, which ESLint 9 and later no longer read. */
export const LEGACY_CONFIG_FILES = ['.eslintrc', '.eslintrc.js', '.eslintrc.cjs', '.eslintrc.yaml', '.eslintrc.yml', '.eslintrc.json'];

/** Configs of other linters: a repository linted by one of them never enabled Kaizen's rules. */
export const OTHER_LINTER_CONFIGS = ['biome.json', 'biome.jsonc', '.oxlintrc.json', 'oxlintrc.json', '.jshintrc'];

export const DEFAULT_CONFIG_ASSET = join('assets', 'eslint.default.config.mjs');

export interface EslintInstallation {
  /** `repo`: the worktree's own ESLint and config; `bundled`: Kaizen's ESLint and rules. */
  kind: 'repo' | 'bundled';
  /** Absolute path of `eslint/bin/eslint.js`. */
  bin: string;
  /** Absolute path of the config file in use. */
  configFile: string;
  /** Arguments that select the config and the JSON report, before the files. */
  args: string[];
  /** The same through ESLint's API (an ESLint session), or null for an ESLint older than its flat-config API (8.57). */
  api: EslintApi | null;
}

export interface EslintApi {
  /** The folder of the `eslint` package. */
  packageDir: string;
  /** Constructor options matching `args` (besides cwd, fix and unmatched patterns). */
  options: { overrideConfigFile?: string; warnIgnored?: boolean };
}

/** ESLint does not run: the repository lints with a config Kaizen's ESLint must not replace. */
export interface EslintSkipped {
  kind: 'none';
  /** Why, for logs and heartbeats: "the repository lints with biome.json". */
  reason: string;
}

/**
 * The ESLint to run in a worktree: the repo's own (flat config and its ESLint installed),
 * none when the repo has another linter's config, else Kaizen's bundled one. A repo whose
 * ESLint config Kaizen cannot run (not installed, or an .eslintrc) is an error, never a
 * silent switch to Kaizen's rules.
 */
export function locateEslint(options: { worktree: string; kaizenHome: string; useRepoConfig: boolean }): EslintInstallation | EslintSkipped {
  const { worktree, kaizenHome } = options;
  if (options.useRepoConfig) {
    const own = ownConfigOf(worktree);
    const repoBin = join(worktree, 'node_modules', 'eslint', 'bin', 'eslint.js');
    const repoConfig = FLAT_CONFIG_FILES.map((name) => join(worktree, name)).find((path) => existsSync(path));
    if (repoConfig && existsSync(repoBin)) {
      const packageDir = join(worktree, 'node_modules', 'eslint');
      const version = versionOf(join(packageDir, 'package.json'));
      // --no-warn-ignored arrived in ESLint 8.56 (flat config only); older ones reject it.
      const quietIgnored = version === null || version.major >= 9;
      const hasFlatApi = version !== null && (version.major > 8 || (version.major === 8 && version.minor >= 57));
      return {
        kind: 'repo',
        bin: repoBin,
        configFile: repoConfig,
        args: ['--format', 'json', ...(quietIgnored ? ['--no-warn-ignored'] : []), '--no-error-on-unmatched-pattern'],
        api: hasFlatApi ? { packageDir, options: quietIgnored ? { warnIgnored: false } : {} } : null,
      };
    }
    if (own !== undefined) throw cannotRunOwnConfig(own, existsSync(repoBin));
    const other = OTHER_LINTER_CONFIGS.find((name) => existsSync(join(worktree, name)));
    if (other !== undefined) return { kind: 'none', reason: `the repository lints with ${other}, so Kaizen applies none of its ESLint rules` };
  }
  const bin = join(kaizenHome, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const configFile = join(kaizenHome, DEFAULT_CONFIG_ASSET);
  if (!existsSync(bin) || !existsSync(configFile)) {
    throw new BinaryMissingError(
      'eslint',
      `Kaizen's bundled ESLint (${bin}) or its rules (${configFile}) are missing. Run 'npm install' in Kaizen's folder (${kaizenHome}), or set "eslint.enabled": false in kaizen.config.json.`,
    );
  }
  // With --config, ESLint 10 resolves the config's `files` patterns against the cwd (the
  // worktree), not the config's folder, so a config outside the worktree still applies.
  return {
    kind: 'bundled',
    bin,
    configFile,
    args: ['--config', configFile, '--format', 'json', '--no-warn-ignored', '--no-error-on-unmatched-pattern'],
    api: { packageDir: join(kaizenHome, 'node_modules', 'eslint'), options: { overrideConfigFile: configFile, warnIgnored: false } },
  };
}

/** The repository's own ESLint config file, flat or legacy (or package.json "eslintConfig"). */
function ownConfigOf(worktree: string): string | undefined {
  const file = [...FLAT_CONFIG_FILES, ...LEGACY_CONFIG_FILES].find((name) => existsSync(join(worktree, name)));
  if (file !== undefined) return file;
  try {
    const manifest = JSON.parse(readFileSync(join(worktree, 'package.json'), 'utf8')) as { eslintConfig?: unknown };
    return manifest.eslintConfig === undefined ? undefined : 'package.json "eslintConfig"';
  } catch {
    return undefined;
  }
}

function cannotRunOwnConfig(config: string, installed: boolean): BinaryMissingError | RepoLintConfigError {
  const instead = `Kaizen never applies its own rules to a repository with rules of its own; to use them anyway, set "eslint.useRepoConfig": false in kaizen.config.json (or "eslint.enabled": false to skip ESLint).`;
  if (FLAT_CONFIG_FILES.includes(config) && !installed) {
    return new BinaryMissingError('eslint', `The repository has its own ESLint config (${config}) but no ESLint in its node_modules. Install its dependencies (e.g. 'npm ci' in the repository). ${instead}`);
  }
  return new RepoLintConfigError(
    config,
    `The repository's ESLint config (${config}) is not a flat config (eslint.config.js), which is the only kind Kaizen runs. Migrate it ('npx @eslint/migrate-config ${config.startsWith('.eslintrc') ? config : '.eslintrc.json'}'). ${instead}`,
  );
}

export interface EslintRunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with "batch i of n" while ESLint runs (activity heartbeats). */
  onHeartbeat?: (detail: string) => void;
  /** `--fix-dry-run`: reports carry the fixed source in `output`; no file is written. */
  fixDryRun?: boolean;
}

/**
 * typescript-eslint takes a bin run without `--fix` in its argv for a "single run" and builds
 * a TypeScript program that cannot be updated, so each fix pass after the first rebuilds it
 * (~1.3 s a pass on a small typed repository). `--fix` runs, like `--fix-dry-run` ones, get
 * its updatable program; the findings are the same.
 */
export const FIX_ENV = { TSESTREE_SINGLE_RUN: 'false' } as const;

const MAX_BATCH_FILES = 400;
const MAX_BATCH_ARG_CHARS = 60_000;
export const MAX_REPORT_BYTES = 128 * 1024 * 1024;
// Frequent on purpose: the SDK throttles sends to 80% of the heartbeat timeout, whatever that is.
export const HEARTBEAT_MS = 1_000;

/** Lints repo-relative files in the worktree, an `eslint` process per batch. */
export async function lintFiles(
  installation: EslintInstallation,
  files: readonly string[],
  options: EslintRunOptions,
): Promise<EslintFileReport[]> {
  return lintInBatches(files, options, async (batch, detail, roots) => {
    const stdout = await runBatch(installation, batch, options, detail);
    return reportsOrFailure(installation, batch, 0, () => parseEslintReport(stdout, roots));
  });
}

/**
 * Lints the files a batch at a time (batches keep command lines and reports small): `lintBatch`
 * gets the batch, its progress detail and the folders report paths are relative to.
 */
export async function lintInBatches(
  files: readonly string[],
  options: EslintRunOptions,
  lintBatch: (batch: string[], detail: string, roots: string[]) => Promise<EslintFileReport[]>,
): Promise<EslintFileReport[]> {
  const roots = rootsOf(options.cwd);
  const batches = batchFiles(files);
  const reports: EslintFileReport[] = [];
  for (const [index, batch] of batches.entries()) {
    reports.push(...(await lintBatch(batch, `batch ${index + 1} of ${batches.length}`, roots)));
  }
  return reports;
}

/** What `parse` makes of a batch's report; a report that is not ESLint's fails as the analyser. */
export function reportsOrFailure(installation: EslintInstallation, batch: string[], exitCode: number | null, parse: () => EslintFileReport[]): EslintFileReport[] {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof EslintReportError)) throw err;
    throw new AnalyserFailedError(ESLINT_ANALYSER, shownCommand(installation, batch), exitCode, `${err.message}\n${fixHint(installation)}`);
  }
}

async function runBatch(installation: EslintInstallation, batch: string[], options: EslintRunOptions, detail: string): Promise<string> {
  const command = [
    process.execPath,
    installation.bin,
    ...installation.args,
    ...(options.fixDryRun ? ['--fix-dry-run'] : []),
    '--',
    ...batch,
  ];
  const heartbeat = options.onHeartbeat;
  const result = await runProcess(command, {
    cwd: options.cwd,
    // ESLint 8.57 needs this to use a flat config; later versions ignore it.
    env: { ...options.env, ESLINT_USE_FLAT_CONFIG: 'true', ...(options.fixDryRun ? FIX_ENV : {}) },
    timeoutMs: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(heartbeat ? { onHeartbeat: () => heartbeat(detail), heartbeatMs: HEARTBEAT_MS } : {}),
    captureStdoutBytes: MAX_REPORT_BYTES,
    tailChars: 2000,
  });
  if (result.aborted) throw options.signal?.reason ?? new Error('ESLint was cancelled');
  const shown = shownCommand(installation, batch);
  if (result.timedOut) throw eslintTimedOut(shown, options.timeoutMs);
  // 0: no errors, 1: errors found (both normal); 2: the config is broken or ESLint crashed.
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    throw new AnalyserFailedError(ESLINT_ANALYSER, shown, result.exitCode, `${result.outputTail.slice(-1200)}\n${fixHint(installation)}`);
  }
  if (result.stdoutTruncated) {
    throw new AnalyserFailedError(
      ESLINT_ANALYSER,
      shown,
      result.exitCode,
      `ESLint's report was larger than ${MAX_REPORT_BYTES / 1024 / 1024} MB. Exclude generated or vendored files with "exclude" in kaizen.config.json.`,
    );
  }
  return result.stdout;
}

export function eslintTimedOut(shown: string[], timeoutMs: number): AnalyserFailedError {
  return new AnalyserFailedError(
    ESLINT_ANALYSER,
    shown,
    null,
    `ESLint did not finish within ${Math.round(timeoutMs / 1000)}s. Raise "timeouts.analyse" in kaizen.config.json, or exclude generated files with "exclude".`,
  );
}

export function fixHint(installation: EslintInstallation): string {
  return installation.kind === 'repo'
    ? `ESLint could not run with the repository's config ${installation.configFile}. Make 'npx eslint <file>' work in the repository, or set "eslint.useRepoConfig": false in kaizen.config.json to use Kaizen's rules.`
    : `Kaizen's bundled ESLint failed with its default rules (${installation.configFile}). Reinstall Kaizen ('npm install' in its folder), or set "eslint.enabled": false in kaizen.config.json.`;
}

/** The command as shown in errors: the file list shortened to a count. */
export function shownCommand(installation: EslintInstallation, batch: string[]): string[] {
  const files = batch.length <= 1 ? batch : [`<${batch.length} files>`];
  return ['node', installation.bin, ...installation.args, ...files];
}

export function batchFiles(files: readonly string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= MAX_BATCH_FILES || chars + file.length + 1 > MAX_BATCH_ARG_CHARS)) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push(file);
    chars += file.length + 1;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** ESLint prints paths under the real cwd; the worktree path may contain a symlink. */
export function rootsOf(cwd: string): string[] {
  try {
    const real = realpathSync(cwd);
    return real === cwd ? [cwd] : [cwd, real];
  } catch {
    return [cwd];
  }
}

function versionOf(packageJson: string): { major: number; minor: number } | null {
  try {
    const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown }).version;
    const match = typeof version === 'string' ? /^(\d+)\.(\d+)/.exec(version) : null;
    return match ? { major: Number(match[1]), minor: Number(match[2]) } : null;
  } catch {
    return null;
  }
}
