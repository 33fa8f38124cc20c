import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnalyseActivities } from '../../../src/activities/analyse/analyse.js';
import { autofixProposal } from '../../../src/activities/generate/autofix.js';
import { readProposalBody } from '../../../src/activities/generate/proposal-store.js';
import { runProcess } from '../../../src/adapters/process.js';
import { NothingToProposeError } from '../../../src/core/errors.js';
import type { TempRepo } from '../../helpers/git-repo.js';
import { configOf, deps, SAMPLE_REPO, sampleRepo, TODO_FIX, TODO_SARIF, workspaceOf } from '../../fixtures/analysis-setup.js';

const { analyse, checkFindings } = createAnalyseActivities(deps);
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function track(repo: TempRepo): TempRepo {
  cleanups.push(() => repo.cleanup());
  return repo;
}

describe('autofixProposal with ESLint', () => {
  it('writes the fixed file into the proposal and leaves the worktree untouched', async () => {
    const repo = track(sampleRepo());
    const workspace = workspaceOf(repo);
    const config = configOf();
    const cartPath = join(repo.path, 'src/cart.js');
    const original = readFileSync(cartPath, 'utf8');
    const mtime = statSync(cartPath).mtimeMs;
    const analysis = await analyse({ workspace, config, file: 'src/cart.js' });

    const proposal = await autofixProposal(deps, { workspace, config, target: 'src/cart.js', findings: analysis.findings });

    expect(proposal).toMatchObject({
      strategy: 'autofix',
      files: ['src/cart.js'],
      summary:
        'ESLint autofix: prefer-const ×3, no-var ×2, no-unneeded-ternary ×1, object-shorthand ×1, operator-assignment ×1 in src/cart.js',
      proposalPath: join(repo.path, '.kaizen', 'proposals', 'test-run.json'),
    });
    expect(proposal.targets).toHaveLength(8);
    expect(proposal.linesAdded).toBeGreaterThan(0);
    expect(proposal.linesAdded).toBe(proposal.linesRemoved);
    expect(proposal.diffExcerpt).toContain('-  var existing = cart.lines.find(function (line) {');
    expect(proposal.diffExcerpt).toContain('+  const existing = cart.lines.find(function (line) {');

    const body = await readProposalBody(proposal.proposalPath);
    expect(body.files.map((f) => f.path)).toEqual(['src/cart.js']);
    expect(body.files[0]?.content).toContain('existing.quantity += quantity;');
    expect(body.files[0]?.content).not.toContain('var ');

    expect(readFileSync(cartPath, 'utf8')).toBe(original);
    expect(statSync(cartPath).mtimeMs).toBe(mtime);
    expect(repo.git('status', '--porcelain', '--untracked-files=no')).toBe('');
  });

  it('fixes every sample file so that the sample\'s own tests still pass and the findings gate passes', async () => {
    const repo = track(sampleRepo());
    const workspace = workspaceOf(repo);
    const config = configOf();
    const checkout = mkdtempSync(join(tmpdir(), 'kaizen-sample-fixed-'));
    cleanups.push(() => rmSync(checkout, { recursive: true, force: true }));
    cpSync(SAMPLE_REPO, checkout, { recursive: true });

    for (const [index, file] of ['src/cart.js', 'src/inventory.js', 'src/format.js'].entries()) {
      const analysis = await analyse({ workspace, config, file });
      const proposal = await autofixProposal(deps, { workspace: { ...workspace, runId: `run-${index}` }, config, target: file, findings: analysis.findings });
      const content = (await readProposalBody(proposal.proposalPath)).files[0]?.content ?? '';
      writeFileSync(join(checkout, file), content);

      // What apply and verify do in the real worktree: commit the change, then check it.
      repo.write(file, content);
      repo.commitAll(`autofix ${file}`);
      const check = await checkFindings({ workspace, config, target: file, before: analysis.findings, targets: proposal.targets });
      expect(check, file).toMatchObject({ ok: true, parses: true, remaining: [], introduced: [] });
      expect(check.fixed, file).toHaveLength(proposal.targets.length);
    }

    const tests = await runProcess([process.execPath, '--test'], { cwd: checkout, timeoutMs: 60_000 });
    expect(tests.outputTail).toMatch(/# fail 0/);
    expect(tests.exitCode).toBe(0);
    expect(readFileSync(join(checkout, 'src/format.js'), 'utf8')).toContain('Array.prototype.slice.call(arguments)');
  });

  it('says plainly when ESLint has nothing to fix', async () => {
    const repo = track(sampleRepo());
    const workspace = workspaceOf(repo);
    const failure = autofixProposal(deps, { workspace, config: configOf(), target: 'src/index.js', findings: [] });
    await expect(failure).rejects.toBeInstanceOf(NothingToProposeError);
    await expect(failure).rejects.toThrow('ESLint has no automatic fix for the findings in src/index.js.');
  });
});

describe('autofixProposal with a SARIF analyser\'s fix command', () => {
  it('fixes a copy under the state folder and leaves the worktree untouched', async () => {
    const repo = track(sampleRepo({ 'src/notes.js': '// TODO: one\nexport const notes = [];\n// TODO: two\n' }));
    const workspace = workspaceOf(repo);
    const config = configOf({
      eslint: { enabled: false },
      analysers: [{ id: 'todo-scan', command: ['node', TODO_SARIF, '{files}'], fixCommand: ['node', TODO_FIX, '{file}'], include: ['src/**'] }],
    });
    const analysis = await analyse({ workspace, config, file: 'src/notes.js' });
    expect(analysis).toMatchObject({ fixableCount: 2, analysers: ['todo-scan'] });

    const proposal = await autofixProposal(deps, { workspace, config, target: 'src/notes.js', findings: analysis.findings });

    expect(proposal.summary).toBe('todo-scan fix: todo-comment ×2 in src/notes.js');
    expect((await readProposalBody(proposal.proposalPath)).files[0]?.content).toBe('// NOTE: one\nexport const notes = [];\n// NOTE: two\n');
    expect(readFileSync(join(repo.path, 'src/notes.js'), 'utf8')).toContain('TODO');
    expect(readdirSync(workspace.stateDir).filter((name) => name.startsWith('autofix-'))).toEqual([]);
  });
});
