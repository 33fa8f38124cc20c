// `npm run cluster:build`: builds the pinned Temporal server and temporal-sql-tool from the Go
// module proxy into .tools/temporal-server-<version>/, with the PostgreSQL schema files next
// to them (where the admin-tools image keeps them). Skips when already built. The build is
// CPU-heavy (several CPU-minutes), so it runs at low priority.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { GO_TOOLCHAIN, SERVER_TOOLS_DIR, serverTools, TEMPORAL_SERVER_MODULE, TEMPORAL_SERVER_PACKAGES, TEMPORAL_SERVER_VERSION } from './versions.js';

const run = promisify(execFile);

export interface BuildInfo {
  version: string;
  goToolchain: string;
  /** Wall-clock seconds the build took on the machine that made it. */
  seconds: number;
  builtAt: string;
}

export class ServerBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerBuildError';
  }
}

/** The build's record when the binaries are complete; null when they must be built. */
export function readBuildInfo(): BuildInfo | null {
  if (!existsSync(serverTools.buildInfo) || !existsSync(serverTools.server) || !existsSync(serverTools.sqlTool)) return null;
  const info = JSON.parse(readFileSync(serverTools.buildInfo, 'utf8')) as BuildInfo;
  return info.version === TEMPORAL_SERVER_VERSION ? info : null;
}

/** Builds unless already built; returns the build record either way. */
export async function ensureServerBuilt(log: (line: string) => void = console.log): Promise<BuildInfo & { reused: boolean }> {
  const existing = readBuildInfo();
  if (existing) return { ...existing, reused: true };

  const go = await goVersion();
  log(`Building Temporal server ${TEMPORAL_SERVER_VERSION} and temporal-sql-tool with ${GO_TOOLCHAIN} (found ${go}); this takes several CPU-minutes, once.`);
  const started = Date.now();
  // A private folder per build, renamed into place when complete: a build that is stopped or
  // races another one never leaves a half-filled tools folder behind.
  const partial = `${SERVER_TOOLS_DIR}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    const packages = Object.values(TEMPORAL_SERVER_PACKAGES).map((pkg) => `${pkg}@v${TEMPORAL_SERVER_VERSION}`);
    await goInstall(packages, partial);
    // `go install` names binaries after their package folder (server, sql).
    for (const [name, pkg] of Object.entries(TEMPORAL_SERVER_PACKAGES)) renameSync(join(partial, pkg.split('/').at(-1)!), join(partial, name));
    const moduleDir = join(await goEnv('GOMODCACHE'), `${TEMPORAL_SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`);
    cpSync(join(moduleDir, 'schema', 'postgresql'), join(partial, 'schema', 'postgresql'), { recursive: true });
    makeWritable(join(partial, 'schema')); // The module cache is read-only; a rebuild must be able to delete the copy.
    const info: BuildInfo = { version: TEMPORAL_SERVER_VERSION, goToolchain: GO_TOOLCHAIN, seconds: Math.round((Date.now() - started) / 1000), builtAt: new Date().toISOString() };
    writeFileSync(join(partial, 'build.json'), `${JSON.stringify(info, null, 2)}\n`);
    if (readBuildInfo()) return { ...readBuildInfo()!, reused: true }; // Another build finished first.
    rmSync(SERVER_TOOLS_DIR, { recursive: true, force: true });
    renameSync(partial, SERVER_TOOLS_DIR);
    log(`Built Temporal server ${TEMPORAL_SERVER_VERSION} into ${SERVER_TOOLS_DIR} in ${formatSeconds(info.seconds)}.`);
    return { ...info, reused: false };
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

function makeWritable(path: string): void {
  const stat = statSync(path);
  chmodSync(path, stat.mode | 0o200);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

export function formatSeconds(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}

function goEnvironment(gobin?: string): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, ...(gobin ? { GOBIN: gobin } : {}) };
}

async function goVersion(): Promise<string> {
  try {
    const { stdout } = await run('go', ['version'], { env: { ...process.env, GOTOOLCHAIN: 'local' } });
    return stdout.trim().split(' ')[2] ?? stdout.trim();
  } catch {
    throw new ServerBuildError(
      `Go is not installed (no 'go' on PATH). Install Go 1.21 or newer (Debian: apt-get install golang-go); GOTOOLCHAIN=${GO_TOOLCHAIN} then fetches the toolchain the Temporal server needs.`,
    );
  }
}

async function goEnv(name: string): Promise<string> {
  const { stdout } = await run('go', ['env', name], { env: goEnvironment() });
  return stdout.trim();
}

/** `nice -n 15 go install PACKAGES` with the output shown as it comes. */
function goInstall(packages: string[], gobin: string): Promise<void> {
  const command = existsSync('/usr/bin/nice') || existsSync('/bin/nice') ? ['nice', '-n', '15', 'go'] : ['go'];
  const [file, ...args] = [...command, 'install', ...packages];
  return new Promise((resolve, reject) => {
    const child = spawn(file!, args, { env: goEnvironment(gobin), stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (err) => reject(new ServerBuildError(`Could not run ${file}: ${err.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new ServerBuildError(
            `'GOTOOLCHAIN=${GO_TOOLCHAIN} go install ${packages.join(' ')}' failed (${signal ?? `exit code ${code}`}). ` +
              'The output above names the cause; the module proxy must be reachable (GOPROXY) the first time.',
          ),
        );
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const info = await ensureServerBuilt();
    if (info.reused) console.log(`Temporal server ${info.version} is already built in ${SERVER_TOOLS_DIR} (the build took ${formatSeconds(info.seconds)} on ${info.builtAt}).`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
