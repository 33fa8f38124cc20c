// Kaizen's own analyser (`kaizen`): the scans behind the prompt kinds beyond lint fixes, run on
// the JS/TS files of a worktree next to ESLint and the SARIF analysers. Which scans run follows
// the configured strategies (llm-complexity, llm-error-handling, llm-tests) plus any a run asks for.
import { lstat, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Config } from '../../core/config/config.js';
import { complexityFindings, errorHandlingFindings, untestedExportFindings } from '../../core/analysis/code-findings.js';
import { compileExcludes } from '../../core/analysis/globs.js';
import { KAIZEN_ANALYSER, KAIZEN_RULES, kaizenRulesFor, type KaizenRule } from '../../core/llm/kinds.js';
import type { Finding, Workspace } from '../../core/types.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { loadProtectedFiles } from './protected.js';
import { trackedFiles } from './repo-files.js';

const SCANNED_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx']);
/** Test files read for name lookups at most (bytes in all): enough for any real suite. */
const MAX_TEST_BYTES = 32 * 1024 * 1024;

/** The scans this config (and the run) asks for. */
export function kaizenRules(config: Pick<Config, 'strategies'>, extra: readonly KaizenRule[] = []): KaizenRule[] {
  return [...new Set([...kaizenRulesFor(config.strategies), ...extra])].sort();
}

export function kaizenScanReads(file: string): boolean {
  return SCANNED_EXTENSIONS.has(extname(file).toLowerCase());
}

/** Rules of Kaizen's own findings among `findings` (a gate must scan for what the baseline had). */
export function kaizenRulesIn(findings: readonly Finding[]): KaizenRule[] {
  const known = new Set<string>(Object.values(KAIZEN_RULES));
  return [...new Set(findings.filter((f) => f.analyser === KAIZEN_ANALYSER && known.has(f.ruleId)).map((f) => f.ruleId as KaizenRule))];
}

export async function runKaizenScans(
  deps: ActivityDeps,
  input: { workspace: Workspace; config: Config; files: readonly string[]; rules: readonly KaizenRule[] },
): Promise<{ findings: Finding[]; filesScanned: number }> {
  const { workspace, config, rules } = input;
  if (rules.length === 0) return { findings: [], filesScanned: 0 };
  const { isTestFile: isTest } = await loadProtectedFiles(workspace.worktree, config);
  const files = input.files.filter(kaizenScanReads);
  const testTexts = rules.includes(KAIZEN_RULES.untestedExport) ? await readTestTexts(deps, workspace, config, isTest) : [];
  const findings: Finding[] = [];
  for (const file of files) {
    const content = await readRegular(join(workspace.worktree, file));
    if (content === null) continue;
    if (rules.includes(KAIZEN_RULES.complexity)) findings.push(...complexityFindings(file, content, config.llm.complexityThreshold));
    if (rules.includes(KAIZEN_RULES.errorHandling)) findings.push(...errorHandlingFindings(file, content));
    if (rules.includes(KAIZEN_RULES.untestedExport) && !isTest(file)) findings.push(...untestedExportFindings(file, content, testTexts));
  }
  return { findings, filesScanned: files.length };
}

async function readTestTexts(deps: ActivityDeps, workspace: Workspace, config: Config, isTest: (path: string) => boolean): Promise<string[]> {
  const excluded = compileExcludes(config);
  const tracked = await trackedFiles({ cwd: workspace.worktree, env: deps.env });
  const texts: string[] = [];
  let bytes = 0;
  for (const file of tracked.filter((f) => isTest(f) && !excluded(f)).sort()) {
    const content = await readRegular(join(workspace.worktree, file));
    if (content === null) continue;
    bytes += content.length;
    if (bytes > MAX_TEST_BYTES) break;
    texts.push(content);
  }
  return texts;
}

async function readRegular(path: string): Promise<string | null> {
  const stats = await lstat(path).catch(() => null);
  if (!stats?.isFile()) return null;
  return readFile(path, 'utf8').catch(() => null);
}
