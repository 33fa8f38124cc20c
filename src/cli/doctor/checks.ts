// The checks of `kaizen doctor` that talk to other systems: Temporal (server, namespace,
// search attributes, pollers), git, the LLM endpoint and SMTP. Each returns a DoctorCheck
// and never throws; the caller puts a time limit around each.
import { workerHost } from '../../adapters/worker-host.js';
import { connect } from 'node:net';
import { isGrpcServiceError, type Connection } from '@temporalio/client';
import { checkLlmEndpoint } from '../../adapters/openai-llm.js';
import { runProcess } from '../../adapters/process.js';
import { checkSmtp } from '../../adapters/notifiers/smtp-check.js';
import { connectConnection, TemporalUnreachableError, type TemporalTarget } from '../../adapters/temporal/connection.js';
import {
  failed,
  missingSearchAttributes,
  parseGitVersion,
  passed,
  searchAttributeCommands,
  skipped,
  versionAtLeast,
  warned,
  type DoctorCheck,
} from './report.js';
import { hostQueueFor } from '../../contracts/task-queues.js';

/** temporal.api.enums.v1.TaskQueueType (@temporalio/proto is not a direct dependency). */
const TASK_QUEUE_TYPE = { WORKFLOW: 1, ACTIVITY: 2 } as const;
const GRPC_NOT_FOUND = 5;
export const CALL_TIMEOUT_MS = 5_000;
export const MIN_GIT_VERSION = [2, 25, 0] as const;

export interface TemporalProbe {
  check: DoctorCheck;
  connection?: Connection;
}

export async function checkTemporal(target: TemporalTarget): Promise<TemporalProbe> {
  // gRPC retries a refused connection until its deadline; a plain TCP connect says so at once.
  const refused = await tcpRefusal(target.address, CALL_TIMEOUT_MS);
  if (refused) {
    const unreachable = new TemporalUnreachableError(target.address, new Error(refused));
    return { check: failed('temporal', unreachable.reason, unreachable.fix) };
  }
  let connection: Connection;
  try {
    connection = await connectConnection(target);
  } catch (err) {
    if (err instanceof TemporalUnreachableError) return { check: failed('temporal', err.reason, err.fix) };
    return { check: failed('temporal', `Cannot reach the Temporal server at ${target.address}: ${messageOf(err)}`, 'Check TEMPORAL_ADDRESS and the TLS/API key settings.') };
  }
  try {
    const info = await connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, () => connection.workflowService.getSystemInfo({}));
    return { check: passed('temporal', `${target.address} answers${info.serverVersion ? ` (server ${info.serverVersion})` : ''}`), connection };
  } catch (err) {
    await connection.close().catch(() => undefined);
    return { check: failed('temporal', `${target.address} accepted a connection but did not answer: ${messageOf(err)}`, 'Check that TEMPORAL_ADDRESS is a Temporal frontend (gRPC, usually port 7233) and the TLS/API key settings.') };
  }
}

/** Why a TCP connection to `host:port` fails outright (refused, unknown host), or null. */
function tcpRefusal(address: string, timeoutMs: number): Promise<string | null> {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!match) return Promise.resolve(null);
  return new Promise((resolve) => {
    const socket = connect({ host: match[1], port: Number(match[2]), timeout: timeoutMs });
    const done = (why: string | null) => {
      socket.destroy();
      resolve(why);
    };
    socket.once('connect', () => done(null));
    // A timeout is left to gRPC, which may know a proxy or a slower path.
    socket.once('timeout', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? `${err.code} (${err.message})` : null));
  });
}

export async function checkNamespace(connection: Connection, namespace: string): Promise<DoctorCheck> {
  try {
    await connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, () => connection.workflowService.describeNamespace({ namespace }));
    return passed('namespace', `'${namespace}' exists`);
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) {
      return failed('namespace', `'${namespace}' does not exist`, `Create it with \`temporal operator namespace create --namespace ${namespace}\`, or set TEMPORAL_NAMESPACE (or --namespace) to an existing one.`);
    }
    return failed('namespace', `cannot describe '${namespace}': ${messageOf(err)}`, 'Check that the credentials (TEMPORAL_API_KEY or TLS) may read this namespace.');
  }
}

export async function checkSearchAttributes(connection: Connection, namespace: string): Promise<DoctorCheck> {
  try {
    const existing = await connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, () => connection.operatorService.listSearchAttributes({ namespace }));
    const missing = missingSearchAttributes([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
    if (missing.length === 0) return passed('search-attributes', "Kaizen's five search attributes are registered");
    return failed(
      'search-attributes',
      `missing in '${namespace}': ${missing.join(', ')}`,
      `Start \`kaizen worker\` (it registers them), or run: ${searchAttributeCommands(namespace, missing).join(' && ')}`,
    );
  } catch (err) {
    return failed('search-attributes', `cannot list them: ${messageOf(err)}`, 'Check that the credentials may read the namespace; on Temporal Cloud add them in the namespace settings.');
  }
}

export async function checkWorker(connection: Connection, namespace: string, taskQueue: string, env: NodeJS.ProcessEnv = process.env): Promise<DoctorCheck> {
  const hostQueue = hostQueueFor(taskQueue, workerHost(env));
  const pollers = async (name: string, type: number) => {
    const answer = await connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, () =>
      connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name }, taskQueueType: type }),
    );
    return (answer.pollers ?? []).map((p) => p.identity ?? 'unknown');
  };
  try {
    const shared = await pollers(taskQueue, TASK_QUEUE_TYPE.WORKFLOW);
    const local = await pollers(hostQueue, TASK_QUEUE_TYPE.ACTIVITY);
    if (shared.length === 0) {
      return failed(
        'worker',
        `no worker polls the task queue '${taskQueue}' in '${namespace}'`,
        `Start one: \`kaizen worker\` (or \`kaizen dev\`) with the same TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and KAIZEN_TASK_QUEUE=${taskQueue}.`,
      );
    }
    const detail = `${shared.length} polling '${taskQueue}' (${shared.slice(0, 3).join(', ')})${local.length ? `, ${local.length} polling this host's '${hostQueue}'` : ''}`;
    if (local.length === 0) {
      return warned(
        'worker',
        detail,
        `${detail}; none on this host ('${hostQueue}'): improvements of repositories on this machine need a worker here`,
        'Run `kaizen worker` on this machine too.',
      );
    }
    return passed('worker', detail);
  } catch (err) {
    return failed('worker', `cannot describe the task queue '${taskQueue}': ${messageOf(err)}`, 'Check that the credentials may read the namespace.');
  }
}

export async function checkGit(env: NodeJS.ProcessEnv, cwd: string): Promise<DoctorCheck> {
  const minimum = MIN_GIT_VERSION.join('.');
  const install = `Install git ${minimum} or newer (your package manager, e.g. \`apt-get install git\` / \`brew install git\`, or https://git-scm.com/downloads) and put it on PATH.`;
  try {
    const result = await runProcess(['git', '--version'], { cwd, env, timeoutMs: CALL_TIMEOUT_MS, captureStdoutBytes: 4096, missingBinaryFix: install });
    const version = parseGitVersion(result.stdout);
    if (result.exitCode !== 0 || !version) return failed('git', `\`git --version\` did not work: ${result.outputTail.trim().slice(0, 200)}`, install);
    if (!versionAtLeast(version, MIN_GIT_VERSION)) return failed('git', `git ${version.join('.')} is older than ${minimum} (worktree features Kaizen uses)`, install);
    return passed('git', `git ${version.join('.')}`);
  } catch (err) {
    return failed('git', `git cannot run: ${messageOf(err)}`, install);
  }
}

export async function checkLlm(env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  const result = await checkLlmEndpoint(env, CALL_TIMEOUT_MS);
  switch (result.kind) {
    case 'not_configured':
      return skipped('llm', 'OPENAI_API_KEY and OPENAI_BASE_URL are not set; only the llm strategy needs them, autofix works without');
    case 'unauthorized':
      return failed('llm', `${result.endpoint} refused the credentials (HTTP ${result.status}${result.message ? `: ${result.message}` : ''})`, 'Set OPENAI_API_KEY to a key valid for OPENAI_BASE_URL (the endpoint the key belongs to).');
    case 'http_error':
      return failed('llm', `GET ${result.endpoint}/models answered HTTP ${result.status}${result.message ? `: ${result.message}` : ''}`, 'Check OPENAI_BASE_URL: it should be an OpenAI-compatible API root, usually ending in /v1.');
    case 'unreachable':
      return failed('llm', `cannot reach ${result.endpoint}: ${result.message}`, 'Check OPENAI_BASE_URL and that the server is up and reachable from this machine.');
    case 'ok': {
      const detail = `${result.endpoint} answers${result.modelCount !== null ? ` (${result.modelCount} models)` : ''}`;
      if (result.modelListed === false) {
        return warned('llm', detail, `${detail}, but not with the model '${result.model}'`, 'Set KAIZEN_MODEL (or llm.model in kaizen.config.json) to a model the endpoint lists.');
      }
      return passed('llm', `${detail}${result.modelListed ? `, model '${result.model}' available` : ''}`);
    }
  }
}

export async function checkSmtpServer(env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  const result = await checkSmtp(env, CALL_TIMEOUT_MS);
  switch (result.kind) {
    case 'not_configured':
      return skipped('smtp', 'SMTP_URL and SMTP_HOST are not set; only email notifications need them');
    case 'invalid':
      return failed('smtp', result.message, `Correct ${result.variable}.`);
    case 'auth_failed':
      return failed('smtp', `${result.endpoint} refused the login: ${result.message}`, 'Check SMTP_USER and SMTP_PASSWORD (or the user:password in SMTP_URL).');
    case 'unreachable':
      return failed('smtp', `cannot talk to ${result.endpoint}: ${result.message}`, 'Check SMTP_URL (or SMTP_HOST, SMTP_PORT, SMTP_SECURE) and that the server accepts connections from this machine.');
    case 'ok':
      return passed('smtp', `${result.endpoint} answers${result.login ? ' and accepts the login' : ''}`);
  }
}

export function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
