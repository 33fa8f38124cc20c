// Runs every configured analyser (ESLint and SARIF commands) over files of a worktree and
// returns their findings. Nothing here writes a file.
import { extname } from 'node:path';
import { lintFiles, locateEslint, batchFiles, rootsOf } from '../../adapters/eslint.js';
import type { EslintSession } from '../../adapters/eslint-session.js';
import { runProcess } from '../../adapters/process.js';
import { durationMs, splitCommand, type Config } from '../../core/config/config.js';
import { AnalyserFailedError } from '../../core/errors.js';
import { ESLINT_ANALYSER } from '../../core/analysis/eslint-report.js';
import { compileExcludes, compileGlobs } from '../../core/analysis/globs.js';
import { parseSarif, SarifError } from '../../core/analysis/sarif.js';
import type { Finding, Workspace } from '../../core/types.js';
import { KAIZEN_ANALYSER, type KaizenRule } from '../../core/llm/kinds.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { kaizenRules, kaizenScanReads, runKaizenScans } from './kaizen-scan.js';
import { toolEnv } from '../../adapters/tool-path.js';

type SarifAnalyser = Config['analysers'][number];

export interface AnalysisRequest {
  workspace: Workspace;
  config: Config;
  /** Repo-relative files to analyse, already known to be tracked, small enough and not excluded. */
  files: string[];
  signal?: AbortSignal;
  heartbeat?: (detail: string) => void;
  /** Kaizen scans to run besides those the configured strategies ask for (the run's own kind, a gate's baseline). */
  extraKaizenRules?: readonly KaizenRule[];
  /** ESLint's findings already known for some of `files` (verify-lint.ts): ESLint does not run on them. */
  knownEslint?: ReadonlyMap<string, Finding[]>;
  /** Lint through this session's ESLint process (kept warm for a fix next), not a process of its own. */
  eslintSession?: EslintSession;
}

export interface AnalysisOutcome {
  findings: Finding[];
  analysers: string[];
  /** Files handed to at least one analyser. */
  filesAnalysed: number;
}

const FILES_PLACEHOLDER = '{files}';
const MAX_SARIF_BYTES = 128 * 1024 * 1024;

/** Ids of the analysers that run under this config. */
export function analyserIds(config: Config, extraKaizenRules: readonly KaizenRule[] = []): string[] {
  const kaizen = kaizenRules(config, extraKaizenRules).length > 0 ? [KAIZEN_ANALYSER] : [];
  return [...(config.eslint.enabled ? [ESLINT_ANALYSER] : []), ...config.analysers.map((a) => a.id), ...kaizen];
}

/** The tracked files some analyser reads and Kaizen may change (sizes are checked later). */
export function readableFiles(config: Config, tracked: readonly string[]): string[] {
  const excluded = compileExcludes(config);
  const includes = config.analysers.map((analyser) => compileGlobs(analyser.include));
  const scans = kaizenRules(config).length > 0;
  return tracked
    .filter((file) => !excluded(file) && (eslintReads(config, file) || includes.some((included) => included(file)) || (scans && kaizenScanReads(file))))
    .sort();
}

/** Of `files`, the regular files not over the size limit. */
export function withinSizeLimit(config: Config, files: readonly string[], sizes: ReadonlyMap<string, number>): string[] {
  const maxBytes = config.maxFileSizeKb * 1024;
  return files.filter((file) => {
    const size = sizes.get(file);
    return size !== undefined && size <= maxBytes;
  });
}

function eslintReads(config: Config, file: string): boolean {
  return config.eslint.enabled && config.eslint.extensions.includes(extname(file).toLowerCase());
}

export async function runAnalysers(deps: ActivityDeps, request: AnalysisRequest): Promise<AnalysisOutcome> {
  const { workspace, config } = request;
  const findings: Finding[] = [];
  const analysed = new Set<string>();
  const known = request.knownEslint ?? new Map<string, Finding[]>();
  for (const file of request.files.filter((f) => eslintReads(config, f) && known.has(f))) {
    findings.push(...(known.get(file) ?? []));
    analysed.add(file);
  }
  const eslintFiles = request.files.filter((file) => eslintReads(config, file) && !known.has(file));
  if (eslintFiles.length > 0) {
    const installation = locateEslint({
      worktree: workspace.worktree,
      kaizenHome: deps.kaizenHome,
      useRepoConfig: config.eslint.useRepoConfig,
    });
    if (installation.kind === 'none') {
      request.heartbeat?.(`eslint skipped: ${installation.reason}`);
    } else {
      const lint = request.eslintSession ? request.eslintSession.lintFiles.bind(request.eslintSession) : lintFiles;
      const reports = await lint(installation, eslintFiles, {
        cwd: workspace.worktree,
        env: deps.env,
        timeoutMs: durationMs(config.timeouts.analyse),
        ...(request.signal ? { signal: request.signal } : {}),
        ...(request.heartbeat ? { onHeartbeat: (detail: string) => request.heartbeat?.(`eslint ${detail}`) } : {}),
      });
      for (const report of reports) findings.push(...report.findings);
      for (const file of eslintFiles) analysed.add(file);
    }
  }
  for (const analyser of config.analysers) {
    const included = compileGlobs(analyser.include);
    const files = request.files.filter((file) => included(file));
    if (files.length === 0) continue;
    findings.push(...(await runSarifAnalyser(deps, analyser, files, request)));
    for (const file of files) analysed.add(file);
  }
  const rules = kaizenRules(config, request.extraKaizenRules);
  if (rules.length > 0) {
    request.heartbeat?.(`kaizen scans: ${rules.join(', ')}`);
    const scanned = await runKaizenScans(deps, { workspace, config, files: request.files, rules });
    findings.push(...scanned.findings);
    for (const file of request.files.filter(kaizenScanReads)) analysed.add(file);
  }
  return { findings, analysers: analyserIds(config, request.extraKaizenRules), filesAnalysed: analysed.size };
}

/**
 * Runs one SARIF analyser. An argument that is exactly `{files}` becomes one argument per
 * file (in batches); `{files}` inside a longer argument becomes the files joined by spaces.
 * A command without `{files}` runs once over the whole worktree (as `ruff check .` or
 * `semgrep scan` do) and only its results for `files` are kept.
 */
async function runSarifAnalyser(
  deps: ActivityDeps,
  analyser: SarifAnalyser,
  files: string[],
  request: AnalysisRequest,
): Promise<Finding[]> {
  const argv = splitCommand(analyser.command);
  const usesFiles = argv.some((arg) => arg.includes(FILES_PLACEHOLDER));
  const batches = usesFiles ? batchFiles(files) : [files];
  const wanted = new Set(files);
  const findings: Finding[] = [];
  for (const [index, batch] of batches.entries()) {
    const command = usesFiles ? expandFiles(argv, batch) : argv;
    const shown = usesFiles ? expandFiles(argv, batch.length === 1 ? batch : [`<${batch.length} files>`]) : argv;
    const heartbeat = request.heartbeat;
    const timeoutMs = durationMs(analyser.timeout);
    const result = await runProcess(command, {
      cwd: request.workspace.worktree,
      env: toolEnv(deps.env, request.workspace.worktree),
      timeoutMs,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(heartbeat ? { onHeartbeat: () => heartbeat(`${analyser.id} batch ${index + 1} of ${batches.length}`) } : {}),
      captureStdoutBytes: MAX_SARIF_BYTES,
      tailChars: 2000,
      missingBinaryFix: analyserMissingFix(analyser, 'command'),
    });
    if (result.aborted) throw request.signal?.reason ?? new Error(`${analyser.id} was cancelled`);
    if (result.timedOut) {
      throw new AnalyserFailedError(
        analyser.id,
        shown,
        null,
        `did not finish within ${analyser.timeout}. Raise "timeout" of the analyser '${analyser.id}' in kaizen.config.json.`,
      );
    }
    // Most SARIF tools exit non-zero when they find something, so the exit code says
    // nothing; a report that is not SARIF does.
    try {
      const parsed = parseSarif(result.stdout, {
        analyser: analyser.id,
        roots: rootsOf(request.workspace.worktree),
        fixable: analyser.fixCommand !== undefined,
      });
      findings.push(...parsed.filter((finding) => wanted.has(finding.file)));
    } catch (err) {
      if (!(err instanceof SarifError)) throw err;
      throw new AnalyserFailedError(
        analyser.id,
        shown,
        result.exitCode,
        `${result.outputTail.slice(-800)}\nIts output is not SARIF: ${err.message}. The command must print SARIF 2.1 on stdout (e.g. "ruff check --output-format sarif {files}"); fix it in kaizen.config.json.`,
      );
    }
  }
  return findings;
}

/** What to do when an analyser's binary is not found, for its `command` or its `fixCommand`. */
export function analyserMissingFix(analyser: SarifAnalyser, key: 'command' | 'fixCommand'): string {
  return (
    `Install it where the worker finds it (the repository's node_modules/.bin, which "setup.command" can install in fresh worktrees, or the worker's PATH), ` +
    `or fix "${key}" of the analyser '${analyser.id}' in kaizen.config.json. A repository configured for Biome, oxlint or ruff gets their preset unless kaizen.config.json sets "analysers" ([] for none).`
  );
}

export function expandFiles(argv: string[], files: string[]): string[] {
  return argv.flatMap((arg) => {
    if (arg === FILES_PLACEHOLDER) return files;
    return arg.includes(FILES_PLACEHOLDER) ? [arg.split(FILES_PLACEHOLDER).join(files.join(' '))] : [arg];
  });
}
