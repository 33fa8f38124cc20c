// One ESLint pass per autofix improvement, on a real repository with a counting ESLint: an
// analysis that lints prepares the target's fix in the same process, the analysis of a commit
// the findings cache knows runs no ESLint, the findings gate reuses what autofix's dry run
// reported, and a verified tree's findings make the next analysis free.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnalyseActivities } from '../../../src/activities/analyse/analyse.js';
import { findingsCacheDir } from '../../../src/activities/analyse/findings-store.js';
import { autofixProposal } from '../../../src/activities/generate/autofix.js';
import { readProposalBody, writeProposalBody } from '../../../src/activities/generate/proposal-store.js';
import { activityDeps } from '../../helpers/activity-deps.js';
import { KAIZEN_ROOT } from '../../helpers/paths.js';
import type { TempRepo } from '../../helpers/git-repo.js';
import { configOf, sampleRepo, workspaceOf } from '../../fixtures/analysis-setup.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/**
 * A Kaizen home whose bundled ESLint counts its processes in a file, then runs the real one:
 * its bin (an `eslint` command) and its API (an ESLint session) each count once per process.
 */
function countingHome(): { home: string; passes: () => number } {
  const home = mkdtempSync(join(tmpdir(), 'kaizen-home-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const counter = join(home, 'passes');
  const shim = join(home, 'node_modules', 'eslint');
  mkdirSync(join(shim, 'bin'), { recursive: true });
  mkdirSync(join(home, 'assets'));
  for (const asset of ['eslint.default.config.mjs', 'eslint-session.cjs']) symlinkSync(join(KAIZEN_ROOT, 'assets', asset), join(home, 'assets', asset));
  const real = join(KAIZEN_ROOT, 'node_modules', 'eslint');
  const count = `require('node:fs').appendFileSync(${JSON.stringify(counter)}, 'x');`;
  const version = (JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(join(shim, 'package.json'), JSON.stringify({ name: 'eslint', version, main: 'api.js' }));
  writeFileSync(join(shim, 'api.js'), `${count}\nmodule.exports = require(${JSON.stringify(real)});\n`);
  writeFileSync(join(shim, 'bin', 'eslint.js'), `${count}\nrequire(${JSON.stringify(join(real, 'bin', 'eslint.js'))});\n`);
  return { home, passes: () => (existsSync(counter) ? readFileSync(counter, 'utf8').length : 0) };
}

function setup(): { repo: TempRepo; passes: () => number; deps: ReturnType<typeof activityDeps> } {
  const repo = sampleRepo();
  cleanups.push(() => repo.cleanup());
  mkdirSync(join(repo.path, '.kaizen'), { recursive: true });
  writeFileSync(join(repo.path, '.kaizen', '.gitignore'), '*\n');
  const { home, passes } = countingHome();
  return { repo, passes, deps: activityDeps({ kaizenHome: home }) };
}

describe('one ESLint pass per autofix improvement', () => {
  it('analyses from the cache, verifies from the dry run, and starts the next improvement without linting', async () => {
    const { repo, passes, deps } = setup();
    const { analyse, checkFindings } = createAnalyseActivities(deps);
    const config = configOf();
    const workspace = workspaceOf(repo);

    // No findings cache yet: one ESLint process lints the repository and prepares the target's fix.
    const analysis = await analyse({ workspace, config, strategy: 'autofix' });
    expect(passes()).toBe(1);
    const target = analysis.target as string;
    const proposal = await autofixProposal(deps, { workspace, config, target, findings: analysis.findings });
    expect(passes()).toBe(1);
    // The same commit again: the findings cache answers, and no ESLint runs.
    expect(await analyse({ workspace, config, strategy: 'autofix' })).toEqual(analysis);
    expect(passes()).toBe(1);
    const body = await readProposalBody(proposal.proposalPath);
    expect(body.lint?.file).toBe(target);
    // What apply does: the proposed content, committed.
    repo.write(target, body.files[0]?.content ?? '');
    repo.commitAll('autofix');

    const gate = { workspace, config, target, before: analysis.findings, targets: proposal.targets, beforeRuleCounts: analysis.targetRuleCounts, analysedCommit: workspace.baseCommit, strategy: 'autofix' as const };
    const check = await checkFindings({ ...gate, proposalPath: proposal.proposalPath });
    expect(check).toMatchObject({ ok: true, introduced: [] });
    expect(passes()).toBe(1);

    // The next improvement's base is the verified tree: nothing to lint, and the same findings as a full analysis.
    const next = await analyse({ workspace: workspaceOf(repo), config, strategy: 'autofix' });
    expect(passes()).toBe(1);
    rmSync(findingsCacheDir(workspace.stateDir), { recursive: true });
    const full = await analyse({ workspace: workspaceOf(repo), config, strategy: 'autofix' });
    expect(passes()).toBe(2);
    expect(next).toEqual(full);
    expect(next.target).not.toBe(target);
  });

  it('proposes from the prepared fix exactly what a fix of its own would, and only for the content it was made from', async () => {
    const { repo, passes, deps } = setup();
    const { analyse } = createAnalyseActivities(deps);
    const config = configOf();
    const workspace = workspaceOf(repo);
    const analysis = await analyse({ workspace, config, strategy: 'autofix' });
    const target = analysis.target as string;
    const input = { workspace, config, target, findings: analysis.findings };
    const prepared = await autofixProposal(deps, input);
    const preparedBody = await readProposalBody(prepared.proposalPath);
    expect(passes()).toBe(1);

    // Without the prepared fix, generate runs ESLint itself and proposes the same.
    rmSync(join(workspace.stateDir, 'proposals', `${workspace.runId}.eslint-fix.json`));
    const own = await autofixProposal(deps, input);
    expect(passes()).toBe(2);
    expect(own).toEqual(prepared);
    expect(await readProposalBody(own.proposalPath)).toEqual(preparedBody);

    // The target changed after the analysis (another attempt's leftovers): the prepared fix is not for it.
    rmSync(findingsCacheDir(workspace.stateDir), { recursive: true });
    await analyse({ workspace, config, strategy: 'autofix', file: target });
    expect(passes()).toBe(3);
    const edited = `${readFileSync(join(workspace.worktree, target), 'utf8')}\nexport function twice(n) {\n  let t = n * 2;\n  return t;\n}\n`;
    writeFileSync(join(workspace.worktree, target), edited);
    const fresh = await readProposalBody((await autofixProposal(deps, input)).proposalPath);
    expect(passes()).toBe(4);
    expect(fresh.files[0]?.content).toContain('const t = n * 2;');
  });

  it('leaves the fix to generate when too little of the analysis step\'s time is left for it', async () => {
    const { repo, passes, deps } = setup();
    const { analyse } = createAnalyseActivities(deps);
    // 12 s for the step: after the analysis, less than the fix's minimum remains before its margin.
    const config = configOf({ timeouts: { analyse: '12s' } });
    const workspace = workspaceOf(repo);
    const analysis = await analyse({ workspace, config, strategy: 'autofix' });
    expect(passes()).toBe(1);
    expect(existsSync(join(workspace.stateDir, 'proposals', `${workspace.runId}.eslint-fix.json`))).toBe(false);
    await autofixProposal(deps, { workspace, config, target: analysis.target as string, findings: analysis.findings });
    expect(passes()).toBe(2);
  });

  it('lints again when the committed file is not what the dry run saw', async () => {
    const { repo, passes, deps } = setup();
    const { analyse, checkFindings } = createAnalyseActivities(deps);
    const config = configOf();
    const workspace = workspaceOf(repo);
    const analysis = await analyse({ workspace, config, strategy: 'autofix' });
    const target = analysis.target as string;
    const proposal = await autofixProposal(deps, { workspace, config, target, findings: analysis.findings });
    const body = await readProposalBody(proposal.proposalPath);
    // A hook (or anything) changed the file on commit, adding a finding the dry run never saw.
    repo.write(target, `${body.files[0]?.content ?? ''}\nexport function half(n) {\n  let h = n / 2;\n  return h;\n}\n`);
    repo.commitAll('autofix, changed on commit');
    // A body claiming no findings at all must not be believed for other content.
    await writeProposalBody(workspace, { ...body, lint: { file: target, findings: [] } });

    const before = passes();
    const check = await checkFindings({ workspace, config, target, before: analysis.findings, targets: proposal.targets, analysedCommit: workspace.baseCommit, strategy: 'autofix', proposalPath: proposal.proposalPath });
    expect(passes()).toBe(before + 1);
    expect(check).toMatchObject({ ok: false, introduced: [expect.objectContaining({ ruleId: 'prefer-const' })] });
  });
});
