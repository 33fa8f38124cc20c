// `npm run bench`: how much longer one autofix improvement takes through Kaizen than the
// same work done by hand, on generated fixture repositories. See scripts/bench/README.md.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs, USAGE, UsageError, type BenchOptions } from './args.js';
import { KAIZEN_HOME, mustRun } from './child.js';
import { buildFixture } from './fixtures/build.js';
import { entryRuns, helpColdStart, nodeFloor, startDev, validateConfig, type DevProcess } from './kaizen.js';
import { formatColdStart, formatHeader, formatMethod, formatRepo, formatTargets, METHOD, type BenchReport, type MachineLoad, type RepoReport } from './report.js';
import { runRepo } from './run-repo.js';
import { spread, summarise } from './summary.js';

function machineLoad(): MachineLoad {
  return { at: new Date().toISOString(), loadavg: loadavg() };
}

async function coldStart(options: BenchOptions): Promise<BenchReport['coldStart']> {
  await helpColdStart(options.entry); // not counted: fills the file cache and tsx's compile cache
  const helpSamplesMs: number[] = [];
  for (let i = 0; i < options.coldStartRuns; i++) helpSamplesMs.push(await helpColdStart(options.entry));
  const floor: number[] = [];
  for (let i = 0; i < 5; i++) floor.push(await nodeFloor());
  return { help: spread(helpSamplesMs), helpSamplesMs, nodeFloor: spread(floor) };
}

async function bench(options: BenchOptions, argv: string[]): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 'kaizen-bench-'));
  const devLog = createWriteStream(join(workDir, 'kaizen-dev.log'));
  const log = (line: string) => console.log(line);
  // The last commit that changed what runs: the bench's own commits do not change Kaizen.
  const commit = (await mustRun(['git', 'log', '-1', '--format=%h', '--', 'src', 'bin', 'assets', 'package-lock.json'], { cwd: KAIZEN_HOME })).stdout.trim();
  const dirty = (await mustRun(['git', 'status', '--porcelain', '--', 'src', 'bin', 'assets'], { cwd: KAIZEN_HOME })).stdout.trim() !== '';
  const header = {
    command: ['npm run bench --', ...argv].join(' ').replace(/ --$/, ''),
    startedAt: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', platform: `${platform()} ${process.arch}`, node: process.version, loadStart: machineLoad(), loadEnd: machineLoad() },
  };
  const runs = entryRuns(options.entry);
  log(formatHeader({ ...header, entry: options.entry, runs: runs.description, commit: dirty ? `${commit} + uncommitted changes` : commit }));
  log(`work folder: ${workDir}${options.keep ? ' (kept)' : ' (removed at the end; --keep keeps it)'}`);

  let dev: DevProcess | undefined;
  // kaizen dev runs in its own process group, so Ctrl-C must stop it from here.
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping kaizen dev…`);
    void (dev?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const cold = await coldStart(options);
    log(formatColdStart(cold));
    dev = await startDev(options.entry, join(workDir, 'temporal.db'), devLog);
    log(`kaizen dev (server and worker) ready in ${(dev.startMs / 1000).toFixed(1)} s on ${dev.address}`);
    const report: BenchReport = {
      version: 1,
      ...header,
      finishedAt: '',
      kaizen: { entry: options.entry, commit: dirty ? `${commit}+dirty` : commit, devStartMs: dev.startMs, compiled: runs.compiled, runs: runs.description },
      coldStart: cold,
      repos: [],
      method: METHOD,
    };
    for (const spec of options.repos) {
      log(`\n${spec.name}: building the fixture…`);
      const fixture = await buildFixture(spec, join(workDir, spec.name, 'template'));
      await validateConfig(options.entry, fixture.dir);
      const loadBefore = machineLoad();
      const samples = await runRepo(fixture, { entry: options.entry, address: dev.address, pairs: options.pairs, improvements: options.improvements, workDir, log });
      const repo: RepoReport = {
        name: spec.name,
        description: spec.description,
        language: spec.language,
        sourceFiles: spec.sourceFiles,
        ...(spec.ratioTarget !== undefined ? { ratioTarget: spec.ratioTarget } : {}),
        suiteMs: fixture.suiteMs,
        pairs: options.pairs,
        improvementsPerPair: options.improvements,
        loadBefore,
        loadAfter: machineLoad(),
        summary: summarise(samples),
        samples,
      };
      report.repos.push(repo);
      log(`\n${formatRepo(repo)}`);
    }
    report.machine.loadEnd = machineLoad();
    report.finishedAt = new Date().toISOString();
    log(`\n${formatTargets(report)}\n\n${formatMethod()}`);
    log(`\nload at end: ${report.machine.loadEnd.loadavg.map((v) => v.toFixed(2)).join(' ')} on ${report.machine.cores} cores`);
    if (options.json) {
      await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
      log(`JSON: ${options.json}`);
    }
  } finally {
    await dev?.stop();
    devLog.end();
    if (!options.keep) await rm(workDir, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
try {
  const options = parseBenchArgs(argv);
  if (options === 'help') console.log(USAGE);
  else await bench(options, argv);
} catch (err) {
  const usage = err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
  console.error(`bench: ${(err as Error).message}${usage ? `\n\n${USAGE}` : ''}`);
  process.exitCode = 1;
}
