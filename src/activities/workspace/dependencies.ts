// A fresh worktree lacks the ignored folders its tests need (node_modules, .venv). Where the
// lockfiles match the main checkout, its folder is linked; otherwise the configured setup
// command runs once per lockfile hash in <stateDir>/deps/<hash>/ and that result is linked.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { entryExists, isDirectory } from './common.js';
import { join } from 'node:path';
import { durationMs, splitCommand, type Config } from '../../core/config/config.js';
import { SetupFailedError } from '../../core/errors.js';
import { runProcess } from '../../adapters/process.js';
import { activityContext } from '../context.js';
import { withFileLock } from './file-lock.js';
import { ensureStateDir } from '../state-dir.js';

interface Ecosystem {
  /** The ignored folder a worktree needs. */
  folder: string;
  isLockfile(name: string): boolean;
  /** Other root files the setup command needs next to the lockfile. */
  manifests: string[];
}

const ECOSYSTEMS: Ecosystem[] = [
  {
    folder: 'node_modules',
    isLockfile: (name) => ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'].includes(name),
    manifests: ['package.json', '.npmrc', '.yarnrc', '.yarnrc.yml', 'pnpm-workspace.yaml'],
  },
  {
    folder: '.venv',
    isLockfile: (name) => /^requirements.*\.txt$/.test(name) || name === 'poetry.lock' || name === 'uv.lock',
    manifests: ['pyproject.toml', '.python-version'],
  },
];

const READY_MARKER = '.kaizen-ready';

export interface LinkedFolder {
  folder: string;
  /** Absolute path the worktree's folder links to. */
  target: string;
  via: 'main-checkout' | 'setup-cache';
}

export interface DependencyReport {
  linked: LinkedFolder[];
  /** The setup command ran now (false when a cached result was reused or none was needed). */
  setupRan: boolean;
  /** Folders that could not be prepared: lockfiles differ and no setup command is configured. */
  missing: string[];
}

export interface DependencyInput {
  repoRoot: string;
  worktree: string;
  stateDir: string;
  config: Config;
  env: NodeJS.ProcessEnv;
}

export async function prepareDependencies(input: DependencyInput): Promise<DependencyReport> {
  const report: DependencyReport = { linked: [], setupRan: false, missing: [] };
  const rootFiles = await readdir(input.worktree);
  const pending: { ecosystem: Ecosystem; lockfiles: string[] }[] = [];
  for (const ecosystem of ECOSYSTEMS) {
    const lockfiles = rootFiles.filter((name) => ecosystem.isLockfile(name)).sort();
    if (lockfiles.length === 0) continue;
    const linkPath = join(input.worktree, ecosystem.folder);
    // Already there: a retried prepare, or a repository that commits the folder.
    if (await entryExists(linkPath)) continue;
    const mainFolder = join(input.repoRoot, ecosystem.folder);
    if ((await isDirectory(mainFolder)) && (await sameFiles(input.repoRoot, input.worktree, lockfiles))) {
      await symlink(mainFolder, linkPath, 'dir');
      report.linked.push({ folder: ecosystem.folder, target: mainFolder, via: 'main-checkout' });
    } else {
      pending.push({ ecosystem, lockfiles });
    }
  }
  if (pending.length === 0) return report;
  const command = input.config.setup.command;
  if (command === undefined) {
    report.missing = pending.map((p) => p.ecosystem.folder);
    return report;
  }

  const argv = splitCommand(command);
  const hash = await lockfileHash(input.worktree, pending.flatMap((p) => p.lockfiles), argv);
  const depsDir = join(input.stateDir, 'deps');
  const cacheDir = join(depsDir, hash);
  await ensureStateDir(input.stateDir, 'deps');
  const timeoutMs = durationMs(input.config.setup.timeout);
  const ctx = activityContext();
  await withFileLock(
    join(depsDir, `${hash}.lock`),
    { staleMs: timeoutMs + 60_000, waitMs: timeoutMs + 60_000, pollMs: 500, ...(ctx ? { onWait: () => ctx.heartbeat(), signal: ctx.cancellationSignal } : {}) },
    async () => {
      if (await entryExists(join(cacheDir, READY_MARKER))) return;
      // Left by a run that crashed or failed half-way: start again from nothing.
      await rm(cacheDir, { recursive: true, force: true });
      await mkdir(cacheDir, { recursive: true });
      for (const { ecosystem, lockfiles } of pending) {
        for (const name of [...lockfiles, ...ecosystem.manifests]) {
          if (await entryExists(join(input.worktree, name))) await copyFile(join(input.worktree, name), join(cacheDir, name));
        }
      }
      const result = await runProcess(argv, {
        cwd: cacheDir,
        recordFor: input.worktree,
        env: input.env,
        timeoutMs,
        logPath: join(depsDir, `${hash}.log`),
        missingBinaryFix: `Install it, or change "setup.command" in kaizen.config.json.`,
        ...(ctx ? { signal: ctx.cancellationSignal, onHeartbeat: () => ctx.heartbeat() } : {}),
      });
      if (result.exitCode !== 0 || result.timedOut || result.aborted) {
        await rm(cacheDir, { recursive: true, force: true });
        if (result.aborted) ctx?.cancellationSignal.throwIfAborted();
        throw new SetupFailedError(argv, result.exitCode, result.timedOut, result.outputTail);
      }
      report.setupRan = true;
      await writeFile(join(cacheDir, READY_MARKER), `${new Date().toISOString()}\n`);
    },
  );

  for (const { ecosystem } of pending) {
    const built = join(cacheDir, ecosystem.folder);
    if (await isDirectory(built)) {
      await symlink(built, join(input.worktree, ecosystem.folder), 'dir');
      report.linked.push({ folder: ecosystem.folder, target: built, via: 'setup-cache' });
    } else {
      report.missing.push(ecosystem.folder);
    }
  }
  return report;
}

async function lockfileHash(folder: string, lockfiles: string[], command: string[]): Promise<string> {
  const hash = createHash('sha256');
  // The command is part of the key: a different setup command gives a different result.
  hash.update(JSON.stringify(command));
  for (const name of lockfiles) {
    hash.update(`\0${name}\0`);
    hash.update(await readFile(join(folder, name)));
  }
  return hash.digest('hex');
}

async function sameFiles(a: string, b: string, names: string[]): Promise<boolean> {
  for (const name of names) {
    const [left, right] = await Promise.all([readFile(join(a, name)).catch(() => null), readFile(join(b, name)).catch(() => null)]);
    if (!left || !right || !left.equals(right)) return false;
  }
  return true;
}


