// The autofix strategy: the analyser's own fixer produces the new contents of the target.
// ESLint runs with --fix-dry-run (it prints the fixed source and writes nothing); a SARIF
// analyser's fixCommand runs on a copy under Kaizen's state folder. The worktree is never
// written here.
import { mkdir, mkdtemp, readFile, rm, copyFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { lintFiles, locateEslint } from '../../adapters/eslint.js';
import { runProcess } from '../../adapters/process.js';
import { durationMs, splitCommand, type Config } from '../../core/config/config.js';
import { summariseChange } from '../../core/analysis/diff.js';
import { matchFindings } from '../../core/analysis/finding-match.js';
import { changedHunks, lineMapOf } from '../../core/change/hunks.js';
import { AnalyserFailedError, NothingToProposeError } from '../../core/errors.js';
import { ESLINT_ANALYSER, type EslintFileReport } from '../../core/analysis/eslint-report.js';
import { normaliseRepoPath } from '../../core/repository/path.js';
import type { Finding, Proposal, Workspace } from '../../core/types.js';
import { activityContext } from '../context.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { writeProposalBody } from './proposal-store.js';
import { preparedEslintFix } from './prepared-fix.js';
import { loadProtectedFiles } from '../analyse/protected.js';
import { analyserMissingFix } from '../analyse/run-analysers.js';
import { ensureStateDir } from '../state-dir.js';
import { toolEnv } from '../../adapters/tool-path.js';

export interface AutofixInput {
  workspace: Workspace;
  config: Config;
  target: string;
  findings: Finding[];
}

type SarifAnalyser = Config['analysers'][number];

interface Fix {
  fixer: string;
  content: string;
  targets: Finding[];
  /** ESLint's findings on `content` (the dry run lints what it fixed). */
  lintAfter?: Finding[];
}

export async function autofixProposal(deps: ActivityDeps, input: AutofixInput): Promise<Proposal> {
  const { workspace, config } = input;
  const checked = normaliseRepoPath(input.target);
  if (!checked.ok) throw new NothingToProposeError(`Cannot autofix '${input.target}': ${checked.problem}.`);
  const target = checked.path;
  const original = await readFile(join(workspace.worktree, target), 'utf8').catch(() => null);
  if (original === null) {
    throw new NothingToProposeError(`${target} does not exist in the worktree; analyse again to pick a current file.`);
  }
  // Tests, generated files and the like are never changed, whatever the analysis handed over.
  const protectedBecause = (await loadProtectedFiles(workspace.worktree, config)).reasonFor(target);
  if (protectedBecause) throw new NothingToProposeError(`${target} ${protectedBecause}, so Kaizen never changes it.`);
  const fixable = input.findings.filter((f) => f.file === target && f.fixable);
  const sarifFixer = sarifFixerFor(config, fixable);
  const eslintFixable = fixable.filter((f) => f.analyser === ESLINT_ANALYSER);
  const useEslint =
    config.eslint.enabled &&
    config.eslint.extensions.includes(extname(target).toLowerCase()) &&
    (eslintFixable.length > 0 || sarifFixer === undefined);

  let fix: Fix;
  if (useEslint) fix = await eslintFix(deps, workspace, config, target, original, eslintFixable);
  else if (sarifFixer) fix = await sarifFix(deps, workspace, sarifFixer, target, original, fixable);
  else throw new NothingToProposeError(`No analyser can fix ${target} automatically; try the llm strategy.`);

  const lint = fix.lintAfter ? { lint: { file: target, findings: fix.lintAfter } } : {};
  const proposalPath = await writeProposalBody(workspace, { files: [{ path: target, content: fix.content }], ...lint });
  const diff = summariseChange(target, original, fix.content);
  return {
    strategy: 'autofix',
    proposalPath,
    files: [target],
    summary: summaryOf(fix, target),
    linesAdded: diff.linesAdded,
    linesRemoved: diff.linesRemoved,
    diffExcerpt: diff.excerpt,
    targets: fix.targets,
  };
}

async function eslintFix(
  deps: ActivityDeps,
  workspace: Workspace,
  config: Config,
  target: string,
  original: string,
  fixable: Finding[],
): Promise<Fix> {
  const report = (await preparedEslintFix(workspace, target, original)) ?? (await runEslintFix(deps, workspace, config, target));
  if (report?.output === undefined || report.output === original) {
    throw new NothingToProposeError(`ESLint has no automatic fix for the findings in ${target}.`);
  }
  return { fixer: 'ESLint autofix', content: report.output, targets: fixedByDryRun(fixable, report.findings, original, report.output), lintAfter: report.findings };
}

/** ESLint's dry-run fix of the target, in a process of its own. */
async function runEslintFix(deps: ActivityDeps, workspace: Workspace, config: Config, target: string): Promise<EslintFileReport | undefined> {
  const context = activityContext();
  const installation = locateEslint({ worktree: workspace.worktree, kaizenHome: deps.kaizenHome, useRepoConfig: config.eslint.useRepoConfig });
  if (installation.kind === 'none') throw new NothingToProposeError(`ESLint does not run in this repository: ${installation.reason}.`);
  const reports = await lintFiles(installation, [target], {
    cwd: workspace.worktree,
    env: deps.env,
    timeoutMs: durationMs(config.timeouts.generate),
    fixDryRun: true,
    ...(context ? { signal: context.cancellationSignal, onHeartbeat: (detail: string) => context.heartbeat(`eslint --fix-dry-run ${detail}`) } : {}),
  });
  return reports.find((r) => r.file === target);
}

/** The analyser with a fixCommand that reported the most fixable findings of the target. */
function sarifFixerFor(config: Config, fixable: Finding[]): SarifAnalyser | undefined {
  let best: { analyser: SarifAnalyser; count: number } | undefined;
  for (const analyser of config.analysers) {
    if (analyser.fixCommand === undefined) continue;
    const count = fixable.filter((f) => f.analyser === analyser.id).length;
    if (count > 0 && (!best || count > best.count)) best = { analyser, count };
  }
  return best?.analyser;
}

/**
 * Runs the analyser's fixCommand on a copy of the target under the state folder (inside
 * the repository, so tools still find the repo's config files). `{file}` is replaced by the
 * copy's absolute path; a command without it gets the path as its last argument.
 */
async function sarifFix(
  deps: ActivityDeps,
  workspace: Workspace,
  analyser: SarifAnalyser,
  target: string,
  original: string,
  fixable: Finding[],
): Promise<Fix> {
  const context = activityContext();
  await ensureStateDir(workspace.stateDir);
  const scratch = await mkdtemp(join(workspace.stateDir, 'autofix-'));
  try {
    const copy = join(scratch, target);
    await mkdir(dirname(copy), { recursive: true });
    await copyFile(join(workspace.worktree, target), copy);
    const argv = splitCommand(analyser.fixCommand ?? []);
    const command = argv.some((arg) => arg.includes('{file}'))
      ? argv.map((arg) => arg.split('{file}').join(copy))
      : [...argv, copy];
    const result = await runProcess(command, {
      cwd: workspace.worktree,
      env: toolEnv(deps.env, workspace.worktree),
      timeoutMs: durationMs(analyser.timeout),
      tailChars: 2000,
      missingBinaryFix: analyserMissingFix(analyser, 'fixCommand'),
      ...(context ? { signal: context.cancellationSignal, onHeartbeat: () => context.heartbeat(`${analyser.id} fix`) } : {}),
    });
    if (result.aborted) throw context?.cancellationSignal.reason ?? new Error(`${analyser.id} fix was cancelled`);
    if (result.timedOut) {
      throw new AnalyserFailedError(analyser.id, command, null, `the fix command did not finish within ${analyser.timeout}. Raise "timeout" of the analyser '${analyser.id}' in kaizen.config.json.`);
    }
    const content = await readFile(copy, 'utf8');
    if (content === original) {
      throw new NothingToProposeError(
        `${analyser.id} has no automatic fix for the findings in ${target} (its fix command exited with ${result.exitCode}: ${result.outputTail.trim().slice(-300)}).`,
      );
    }
    // The copy is outside the analysed tree, so which findings went is proven by verify.
    return { fixer: `${analyser.id} fix`, content, targets: fixable.filter((f) => f.analyser === analyser.id) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The fixable findings the dry run no longer reports where their lines went (by location and rule). */
function fixedByDryRun(fixable: Finding[], stillReported: Finding[], original: string, fixed: string): Finding[] {
  const matched = matchFindings(fixable, stillReported, lineMapOf(changedHunks(original, fixed)));
  return fixable.filter((_, index) => !matched.has(index));
}

/** `ESLint autofix: prefer-const ×3, no-var ×1 in src/x.js` */
function summaryOf(fix: Fix, target: string): string {
  const counts = new Map<string, number>();
  for (const f of fix.targets) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  const rules = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([rule, count]) => `${rule} ×${count}`);
  return rules.length > 0 ? `${fix.fixer}: ${rules.join(', ')} in ${target}` : `${fix.fixer} in ${target}`;
}
