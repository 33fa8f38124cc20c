// An ESLint fix prepared by analyse: when analyse has just linted the repository through an
// ESLint session, the same warm process fixes the file it picked (a dry run: nothing is
// written to the worktree), and the result waits under the state folder for generate, which
// then runs no ESLint of its own. One ESLint process per autofix improvement, even on a
// repository whose findings are not cached yet. Generate uses it only for exactly the content
// it would fix; anything else (no file, another target, a changed file) and it runs ESLint.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { EslintSession } from '../../adapters/eslint-session.js';
import { durationMs, type Config } from '../../core/config/config.js';
import { ESLINT_ANALYSER, type EslintFileReport } from '../../core/analysis/eslint-report.js';
import type { Finding, Workspace } from '../../core/types.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { ensureStateDir } from '../state-dir.js';
import { preparedFixPath } from './proposal-store.js';

interface PreparedFixFile {
  target: string;
  /** sha256 of the target's content the fix was made from. */
  originalSha256: string;
  report: EslintFileReport;
}

export interface PrepareFixInput {
  workspace: Workspace;
  config: Config;
  target: string;
  /** The target's findings: a fix is prepared only when ESLint can fix some of them. */
  findings: Finding[];
  session: EslintSession;
  /** When the step's own time is up (epoch ms): the fix is optional and must never make the step time out. */
  deadlineMs: number;
  signal?: AbortSignal;
  heartbeat?: (detail: string) => void;
}

/** Time the step keeps after the fix, for writing it and answering. */
const DEADLINE_MARGIN_MS = 10_000;
/** Less time than this left: generate fixes with time of its own. */
const MIN_FIX_MS = 5_000;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Asks the session's warm ESLint for the target's fix and keeps it for generate. Only a
 * cancellation fails this: any other problem leaves generate to run ESLint itself, which
 * then reports it as it always has.
 */
export async function prepareEslintFix(deps: ActivityDeps, input: PrepareFixInput): Promise<boolean> {
  const { workspace, config, target } = input;
  const eslintFixable = input.findings.some((f) => f.file === target && f.fixable && f.analyser === ESLINT_ANALYSER);
  // The ESLint the analysis ran, still warm; none when the findings came from the cache.
  const installation = input.session.installation;
  if (installation === null || !eslintFixable || !config.eslint.extensions.includes(extname(target).toLowerCase())) return false;
  const timeoutMs = Math.min(durationMs(config.timeouts.generate), input.deadlineMs - Date.now() - DEADLINE_MARGIN_MS);
  if (timeoutMs < MIN_FIX_MS) return false;
  try {
    const original = await readFile(join(workspace.worktree, target), 'utf8');
    const reports = await input.session.lintFiles(installation, [target], {
      cwd: workspace.worktree,
      env: deps.env,
      timeoutMs,
      fixDryRun: true,
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.heartbeat ? { onHeartbeat: (detail: string) => input.heartbeat?.(`eslint --fix-dry-run ${detail}`) } : {}),
    });
    const report = reports.find((r) => r.file === target);
    if (!report) return false;
    await ensureStateDir(workspace.stateDir, 'proposals');
    const prepared: PreparedFixFile = { target, originalSha256: sha256(original), report };
    await writeFile(preparedFixPath(workspace), JSON.stringify(prepared));
    return true;
  } catch (err) {
    if (input.signal?.aborted) throw err;
    return false;
  }
}

/** The prepared fix of exactly this target and content, or null. */
export async function preparedEslintFix(workspace: Workspace, target: string, original: string): Promise<EslintFileReport | null> {
  try {
    const prepared = JSON.parse(await readFile(preparedFixPath(workspace), 'utf8')) as Partial<PreparedFixFile>;
    if (prepared.target !== target || prepared.originalSha256 !== sha256(original) || prepared.report?.file !== target) return null;
    return prepared.report;
  } catch {
    return null;
  }
}
