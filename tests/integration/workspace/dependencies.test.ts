import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SetupFailedError } from '../../../src/core/errors.js';
import { createRepo, GIT_ENV, type TempRepo } from '../../helpers/git-repo.js';
import { runIdFor, workspaceActivities } from './fixtures.js';

const repos: TempRepo[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function nodeRepo(lock = '{"lockfileVersion":3,"packages":{}}\n'): TempRepo {
  const r = createRepo({ 'package.json': '{"name":"demo","private":true}\n', 'package-lock.json': lock, '.gitignore': 'node_modules/\n.venv/\n' });
  repos.push(r);
  return r;
}

/** A setup command that builds node_modules/x and counts its runs in a file outside the repo. */
function countingSetup(): { env: NodeJS.ProcessEnv; command: string[]; runs: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-count-'));
  dirs.push(dir);
  const countFile = join(dir, 'runs');
  const script = "const fs=require('fs');fs.mkdirSync('node_modules/x',{recursive:true});fs.writeFileSync('node_modules/x/index.js','module.exports=42');fs.appendFileSync(process.env.COUNT_FILE,'run\\n')";
  return {
    env: { ...GIT_ENV, COUNT_FILE: countFile },
    command: ['node', '-e', script],
    runs: () => (existsSync(countFile) ? readFileSync(countFile, 'utf8').split('\n').filter(Boolean).length : 0),
  };
}

describe('worktree dependencies', () => {
  it('links the main checkout’s node_modules when the lockfile is identical, and clean-up leaves it alone', async () => {
    const r = nodeRepo();
    r.write('node_modules/left-pad/index.js', 'module.exports = 1;\n');
    const acts = workspaceActivities();
    const { workspace } = await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('link') });
    const link = join(workspace.worktree, 'node_modules');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(realpathSync(link)).toBe(realpathSync(join(r.path, 'node_modules')));
    expect(readFileSync(join(link, 'left-pad/index.js'), 'utf8')).toBe('module.exports = 1;\n');

    await acts.removeWorkspace({ workspace, deleteBranch: true, deleteBackupRef: true });
    expect(readFileSync(join(r.path, 'node_modules/left-pad/index.js'), 'utf8')).toBe('module.exports = 1;\n');
  });

  it('links a Python .venv when requirements are identical', async () => {
    const r = createRepo({ 'requirements.txt': 'requests==2.32.0\n', '.gitignore': '.venv/\n' });
    repos.push(r);
    r.write('.venv/pyvenv.cfg', 'home = /usr/bin\n');
    const { workspace } = await workspaceActivities().prepareWorkspace({ repoRoot: r.path, runId: runIdFor('venv') });
    expect(readlinkSync(join(workspace.worktree, '.venv'))).toBe(join(realpathSync(r.path), '.venv'));
  });

  it('runs the setup command once per lockfile hash and links its result', async () => {
    const r = nodeRepo();
    const setup = countingSetup();
    writeFileSync(join(r.path, 'kaizen.config.json'), JSON.stringify({ setup: { command: setup.command } }));
    r.commitAll('config');
    const acts = workspaceActivities(setup.env);

    const first = await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('setup1') });
    const second = await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('setup2') });
    expect(setup.runs()).toBe(1);
    for (const { workspace } of [first, second]) {
      expect(readFileSync(join(workspace.worktree, 'node_modules/x/index.js'), 'utf8')).toBe('module.exports=42');
      expect(realpathSync(join(workspace.worktree, 'node_modules'))).toContain(join('.kaizen', 'deps'));
    }
    // Nothing the setup left behind shows up as a change of the user's checkout.
    expect(r.git('status', '--porcelain')).toBe('');

    r.write('package-lock.json', '{"lockfileVersion":3,"packages":{"":{"name":"demo"}}}\n');
    r.commitAll('new lockfile');
    await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('setup3') });
    expect(setup.runs()).toBe(2);
  });

  it('prefers the main checkout’s folder over the setup command when lockfiles match', async () => {
    const r = nodeRepo();
    const setup = countingSetup();
    r.write('kaizen.config.json', JSON.stringify({ setup: { command: setup.command } }));
    r.commitAll('config');
    mkdirSync(join(r.path, 'node_modules'));
    await workspaceActivities(setup.env).prepareWorkspace({ repoRoot: r.path, runId: runIdFor('prefer') });
    expect(setup.runs()).toBe(0);
  });

  it('names the failed setup command and its output, and tries again next time', async () => {
    const r = nodeRepo();
    const failing = ['node', '-e', "console.error('npm ERR! registry unreachable'); process.exit(3)"];
    r.write('kaizen.config.json', JSON.stringify({ setup: { command: failing } }));
    r.commitAll('config');
    const acts = workspaceActivities();
    const error = await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('fail') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SetupFailedError);
    expect((error as Error).message).toMatch(/'node -e .*' failed with exit code 3/);
    expect((error as Error).message).toContain('npm ERR! registry unreachable');
    expect((error as Error).message).toContain('setup.command');
    // No half-built cache is kept as if it were ready.
    const again = await acts.prepareWorkspace({ repoRoot: r.path, runId: runIdFor('fail2') }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(SetupFailedError);
  });

  it('does nothing without a lockfile', async () => {
    const r = createRepo({ 'package.json': '{"name":"demo"}\n' });
    repos.push(r);
    mkdirSync(join(r.path, 'node_modules'));
    const { workspace } = await workspaceActivities().prepareWorkspace({ repoRoot: r.path, runId: runIdFor('nolock') });
    expect(existsSync(join(workspace.worktree, 'node_modules'))).toBe(false);
  });
});
