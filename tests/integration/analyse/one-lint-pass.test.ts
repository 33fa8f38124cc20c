// One ESLint pass per autofix improvement, on a real repository with a counting ESLint: the
// analysis of a commit the findings cache knows runs no ESLint, the findings gate reuses
// what autofix's dry run reported, and a verified tree's findings make the next analysis free.
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

/** A Kaizen home whose bundled ESLint counts its processes in a file, then runs the real one. */
function countingHome(): { home: string; passes: () => number } {
  const home = mkdtempSync(join(tmpdir(), 'kaizen-home-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const counter = join(home, 'passes');
  mkdirSync(join(home, 'node_modules', 'eslint', 'bin'), { recursive: true });
  mkdirSync(join(home, 'assets'));
  symlinkSync(join(KAIZEN_ROOT, 'assets', 'eslint.default.config.mjs'), join(home, 'assets', 'eslint.default.config.mjs'));
  const realBin = join(KAIZEN_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
  writeFileSync(join(home, 'node_modules', 'eslint', 'bin', 'eslint.js'), `require('node:fs').appendFileSync(${JSON.stringify(counter)}, 'x');\nrequire(${JSON.stringify(realBin)});\n`);
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

    const analysis = await analyse({ workspace, config, strategy: 'autofix' });
    expect(passes()).toBe(1);
    // The same commit again: the findings cache answers.
    expect(await analyse({ workspace, config, strategy: 'autofix' })).toEqual(analysis);
    expect(passes()).toBe(1);

    const target = analysis.target as string;
    const proposal = await autofixProposal(deps, { workspace, config, target, findings: analysis.findings });
    expect(passes()).toBe(2);
    const body = await readProposalBody(proposal.proposalPath);
    expect(body.lint?.file).toBe(target);
    // What apply does: the proposed content, committed.
    repo.write(target, body.files[0]?.content ?? '');
    repo.commitAll('autofix');

    const gate = { workspace, config, target, before: analysis.findings, targets: proposal.targets, beforeRuleCounts: analysis.targetRuleCounts, analysedCommit: workspace.baseCommit, strategy: 'autofix' as const };
    const check = await checkFindings({ ...gate, proposalPath: proposal.proposalPath });
    expect(check).toMatchObject({ ok: true, introduced: [] });
    expect(passes()).toBe(2);

    // The next improvement's base is the verified tree: nothing to lint, and the same findings as a full analysis.
    const next = await analyse({ workspace: workspaceOf(repo), config, strategy: 'autofix' });
    expect(passes()).toBe(2);
    rmSync(findingsCacheDir(workspace.stateDir), { recursive: true });
    const full = await analyse({ workspace: workspaceOf(repo), config, strategy: 'autofix' });
    expect(passes()).toBe(3);
    expect(next).toEqual(full);
    expect(next.target).not.toBe(target);
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
