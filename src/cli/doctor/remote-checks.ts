// The delivery checks of `kaizen doctor REPO`: can the worker reach the remote push and pr
// modes deliver to (with the token it would send), and may that token push, open and merge
// pull requests on the forge? Each missing permission is named with the fix.
import { remoteAccess } from '../../activities/workspace/deliver.js';
import { currentBranch, runGit, type GitContext } from '../../adapters/git.js';
import type { Config } from '../../core/config/config.js';
import { forgeSettings } from '../../core/config/environment.js';
import { RemoteMissingError } from '../../core/forge/errors.js';
import { gitDetail, pushRefusalOf, refusalFix } from '../../core/forge/push-failure.js';
import { describeRemote, FORGE_NAMES, forgeTarget, type ForgeKind } from '../../core/forge/target.js';
import type { ForgeAccess } from '../../core/forge/types.js';
import type { ForgeConnector } from '../../contracts/ports.js';
import { failed, passed, skipped, warned, type DoctorCheck } from './report.js';
import { messageOf } from './checks.js';

export const REMOTE_CHECKS = ['remote', 'forge'] as const;

/** What the token needs on each forge, as the README's "Pull requests" table says. */
const TOKEN_NEEDS: Record<ForgeKind, string> = {
  github: 'a fine-grained token with Contents and Pull requests: Read and write on the repository (classic: the repo scope), from an account with write access',
  gitlab: 'a token with the api and write_repository scopes, from an account that is at least Developer in the project (Maintainer to merge into a protected branch)',
  gitea: 'a token with write:repository (and write:issue for labels), from an account with write access to the repository',
};

export interface RemoteCheckOptions {
  root: string;
  config: Config;
  env: NodeJS.ProcessEnv;
  /** Tests pass a connector; by default the real adapters (octokit, gitbeaker, fetch). */
  forges?: ForgeConnector;
  /** `root` is Kaizen's mirror of a repository given by URL: every mode delivers to its remote (merge pushes the fast-forward). */
  mirror?: boolean;
}

export async function checkRemote(options: RemoteCheckOptions): Promise<DoctorCheck[]> {
  const { root, config, env } = options;
  const delivers = options.mirror === true || config.mode === 'push' || config.mode === 'pr';
  const ctx: GitContext = { cwd: root, env };
  let access: Awaited<ReturnType<typeof remoteAccess>>;
  try {
    access = await remoteAccess({ env }, ctx, config.remote, config.forge);
  } catch (err) {
    if (!(err instanceof RemoteMissingError)) throw err;
    const why = `${root} has no git remote '${config.remote}'`;
    if (!delivers) return [skipped('remote', `${why}: only modes push and pr need one`), skipped('forge', 'no remote')];
    return [failed('remote', `${why}, and mode ${config.mode} pushes there`, `Add it (git remote add ${config.remote} URL) or set "remote" in kaizen.config.json to an existing one.`), skipped('forge', 'no remote')];
  }
  const shown = options.mirror ? describeRemote(access.url) : `${config.remote} (${describeRemote(access.url)})`;
  const branch = config.targetBranch ?? (await currentBranch(ctx)) ?? 'main';
  const listed = await runGit(ctx, ['ls-remote', '--heads', config.remote, `refs/heads/${branch}`], { env: { ...env, ...access.env, GIT_TERMINAL_PROMPT: '0' } });
  if (listed.exitCode !== 0) {
    const output = listed.stderr || listed.stdout;
    const refusal = pushRefusalOf(output);
    const suggested = access.kind ? forgeSettings({}, access.kind).tokenVariable : undefined;
    if (refusal) {
      const fix = refusalFix(refusal, { branch, remote: shown, tokenVariable: access.tokenVariable, suggestedVariable: suggested });
      return [failed('remote', `${shown} refuses this worker (${refusal}): git said "${gitDetail(output, access.secrets)}"`, `${fix}.`), skipped('forge', 'the remote is not reachable')];
    }
    return [failed('remote', `${shown} does not answer: ${gitDetail(output, access.secrets)}`, 'Check the URL, the network and that the host is up; git itself must reach it from the worker.'), skipped('forge', 'the remote is not reachable')];
  }
  const tip = listed.stdout.split('\n').find((line) => line.endsWith(`\trefs/heads/${branch}`))?.split('\t')[0];
  const remoteCheck = tip
    ? passed('remote', `${shown} answers${access.tokenVariable ? ` with ${access.tokenVariable}` : ''}; ${branch} is at ${tip.slice(0, 8)} there`)
    : warned('remote', `${shown} answers`, `it has no branch ${branch}`, `Push ${branch} there first (git push ${config.remote} ${branch}): push and pr modes deliver only changes whose base is on the remote.`);
  return [remoteCheck, await checkForge(options, access.url, access.kind, delivers)];
}

async function checkForge(options: RemoteCheckOptions, url: string, kind: ForgeKind | null, delivers: boolean): Promise<DoctorCheck> {
  const { config, env } = options;
  const pr = config.mode === 'pr';
  if (!kind) {
    const why = `Kaizen cannot tell which forge ${describeRemote(url)} is on`;
    return pr ? failed('forge', why, 'Set "forge.kind" (github, gitlab or gitea) in kaizen.config.json, and "forge.repo" when the URL does not name the repository.') : skipped('forge', `${why}; only mode pr needs it (set "forge.kind")`);
  }
  const settings = forgeSettings(env, kind);
  if (!settings.token) {
    const why = `${settings.tokenVariable} is not set`;
    const fix = `Set ${settings.tokenVariable} in the worker's environment to ${TOKEN_NEEDS[kind]}.`;
    if (pr) return failed('forge', `${why}: mode pr cannot open pull requests on ${FORGE_NAMES[kind]}`, fix);
    return delivers ? warned('forge', why, 'push uses git\'s own credentials; mode pr would need the token', fix) : skipped('forge', `${why}; only mode pr needs it`);
  }
  let granted: ForgeAccess;
  let repo: string;
  try {
    const target = forgeTarget(url, kind, { ...(config.forge.repo ? { repo: config.forge.repo } : {}), ...(settings.apiUrl ? { apiUrl: settings.apiUrl } : {}), apiUrlVariable: settings.apiUrlVariable });
    repo = target.repo;
    const connect = options.forges ?? (await import('../../adapters/forges/index.js')).connectForge;
    granted = await connect(target, { token: settings.token, variable: settings.tokenVariable }).access();
  } catch (err) {
    return failed('forge', `${FORGE_NAMES[kind]} did not answer for ${settings.tokenVariable}: ${messageOf(err)}`, `Check ${settings.tokenVariable}, ${settings.apiUrlVariable} and "forge" in kaizen.config.json.`);
  }
  const missing = [!granted.push && 'push kaizen/* branches', !granted.openPullRequests && 'open pull requests', granted.merge === false && config.forge.autoMerge === true && 'merge them (forge.autoMerge)'].filter((m): m is string => typeof m === 'string');
  const role = `${settings.tokenVariable} has the role ${granted.role} on ${repo}`;
  if (missing.length) return failed('forge', `${role}: it may not ${missing.join(', ')}`, `Give it ${TOKEN_NEEDS[kind]}.`);
  const merge = granted.merge === null ? "; whether it may merge is up to the target branch's protection" : '';
  return passed('forge', `${role}: it may push, open pull requests and merge${merge}`);
}
