// `kaizen doctor [REPO]`: is everything Kaizen needs in place? One line per check with the fix
// for each failure; exit code 1 when any check failed. Every check has a time limit.
import type { TemporalTarget } from '../../adapters/temporal/connection.js';
import { doctorExitCode, failed, formatReport, skipped, withinTimeLimit, type DoctorCheck } from './report.js';
import { checkGit, checkLlm, checkNamespace, checkSearchAttributes, checkSmtpServer, checkTemporal, checkWorker, messageOf, type TemporalProbe } from './checks.js';
import { checkRepository, REPO_CHECKS } from './repo-checks.js';
import { checkFlakyTests, FLAKY_CHECK } from './flaky-check.js';
import { checkUrlRepository } from './url-checks.js';
import { parseRepoUrl, type RepoUrl } from '../../core/repository/remote-url.js';
import { resolveRepo } from '../repo-target.js';
import { printJson, target, taskQueue, type GlobalOptions } from '../common.js';

export interface DoctorOptions {
  target: TemporalTarget;
  taskQueue: string;
  repo?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const TEMPORAL_LIMIT_MS = 12_000;
const CHECK_LIMIT_MS = 8_000;
const REPO_LIMIT_MS = 30_000;
/** A repository given by URL is mirrored first: the first clone of a large one takes a while. */
const URL_REPO_LIMIT_MS = 180_000;

/** A check that cannot hang or throw: too slow or crashed becomes a failure naming the cause. */
function guarded(name: string, ms: number, work: () => Promise<DoctorCheck>, fix: string): Promise<DoctorCheck> {
  return withinTimeLimit(
    ms,
    () => work().catch((err: unknown) => failed(name, `the check itself failed: ${messageOf(err)}`, fix)),
    () => failed(name, `no answer within ${ms / 1000} s`, fix),
  );
}

async function temporalChecks(options: DoctorOptions): Promise<DoctorCheck[]> {
  const { target: t } = options;
  const dependent = ['namespace', 'search-attributes', 'worker'];
  const probe: TemporalProbe = await withinTimeLimit(
    TEMPORAL_LIMIT_MS,
    () => checkTemporal(t),
    () => ({ check: failed('temporal', `${t.address} gave no answer within ${TEMPORAL_LIMIT_MS / 1000} s`, `Check that ${t.address} is a reachable Temporal frontend; start one with 'kaizen dev'.`) }),
  );
  const { check: first, connection } = probe;
  if (!first.ok || !connection) return [first, ...dependent.map((name) => skipped(name, 'Temporal is not reachable'))];
  try {
    const fix = `Check the connection to ${t.address}.`;
    const namespace = await guarded('namespace', CHECK_LIMIT_MS, () => checkNamespace(connection, t.namespace), fix);
    if (!namespace.ok) return [first, namespace, ...dependent.slice(1).map((name) => skipped(name, `namespace '${t.namespace}' is not usable`))];
    return [
      first,
      namespace,
      await guarded('search-attributes', CHECK_LIMIT_MS, () => checkSearchAttributes(connection, t.namespace), fix),
      await guarded('worker', CHECK_LIMIT_MS, () => checkWorker(connection, t.namespace, options.taskQueue, options.env), fix),
    ];
  } finally {
    await connection.close().catch(() => undefined);
  }
}

async function localChecks(options: DoctorOptions): Promise<DoctorCheck[]> {
  const gitCheck = await guarded('git', CHECK_LIMIT_MS, () => checkGit(options.env, options.cwd), 'Install git 2.25 or newer and put it on PATH.');
  if (!gitCheck.ok) return [gitCheck, ...REPO_CHECKS.map((name) => skipped(name, 'git is not usable'))];
  const rest = (why: string) => REPO_CHECKS.slice(1).map((name) => skipped(name, why));
  const url = options.repo !== undefined ? await urlOf(options.repo, options.env) : null;
  const limitMs = url ? URL_REPO_LIMIT_MS : REPO_LIMIT_MS;
  const repo = await withinTimeLimit(
    limitMs,
    () =>
      (url ? checkUrlRepository({ repo: url, env: options.env }) : checkRepository({ ...(options.repo !== undefined ? { repo: options.repo } : {}), cwd: options.cwd, env: options.env })).catch((err: unknown) => [
        failed('repo', `the check itself failed: ${messageOf(err)}`, 'Check that the repository is readable by this user.'),
        ...rest('the repository check failed'),
      ]),
    () => [
      failed('repo', `no answer within ${limitMs / 1000} s`, url ? 'Check that the remote answers (git ls-remote URL); the mirror of a very large repository may need another try.' : 'Check that git works in the repository (a huge checkout or a held lock?).'),
      ...rest('the repository check timed out'),
    ],
  );
  return [gitCheck, ...repo];
}

/** REPO as a clone URL (a folder here of that name wins, as everywhere else), else null. */
async function urlOf(repo: string, env: NodeJS.ProcessEnv): Promise<RepoUrl | null> {
  const ref = await resolveRepo(repo, env);
  return ref.remote ? parseRepoUrl(ref.repoRoot) : null;
}

/** Every check, in the documented order; independent groups run at the same time. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorCheck[]> {
  const [temporal, local, llm, smtp] = await Promise.all([
    temporalChecks(options),
    localChecks(options),
    guarded('llm', CHECK_LIMIT_MS, () => checkLlm(options.env), 'Check OPENAI_BASE_URL and the network.'),
    guarded('smtp', CHECK_LIMIT_MS, () => checkSmtpServer(options.env), 'Check SMTP_URL (or SMTP_HOST, SMTP_PORT) and the network.'),
  ]);
  return [...temporal, ...local, await flakyTests(options, temporal, local), llm, smtp];
}

/** Needs the governor to answer a query (so a worker) and a repository on this machine. */
async function flakyTests(options: DoctorOptions, temporal: DoctorCheck[], local: DoctorCheck[]): Promise<DoctorCheck> {
  const worker = temporal.find((c) => c.name === 'worker');
  const repo = local.find((c) => c.name === 'repo');
  if (!worker?.ok || worker.skipped) return skipped(FLAKY_CHECK, 'no worker answers the governor');
  if (!repo?.ok || repo.skipped) return skipped(FLAKY_CHECK, 'no repository');
  const repoPath = options.repo ?? options.cwd;
  return guarded(FLAKY_CHECK, CHECK_LIMIT_MS, () => checkFlakyTests(options.target, repoPath, options.env), 'Check that a worker polls the task queue.');
}

export interface DoctorCommandOptions extends GlobalOptions {
  json?: boolean;
}

export async function doctorCommand(repo: string | undefined, opts: DoctorCommandOptions): Promise<number> {
  const checks = await runDoctor({
    target: target(opts),
    taskQueue: taskQueue(),
    ...(repo !== undefined ? { repo } : {}),
    cwd: process.cwd(),
    env: process.env,
  });
  if (opts.json) printJson(checks);
  else process.stdout.write(`${formatReport(checks)}\n`);
  return doctorExitCode(checks);
}
