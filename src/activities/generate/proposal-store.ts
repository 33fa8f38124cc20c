// Proposal contents live on the worker's disk; workflows carry only the path.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProposalBody, Workspace } from '../../core/types.js';
import { ensureStateDir } from '../state-dir.js';

export function proposalPath(workspace: Workspace): string {
  return join(workspace.stateDir, 'proposals', `${workspace.runId}.json`);
}

/** Where analyse leaves an ESLint fix it prepared for generate (prepared-fix.ts). */
export function preparedFixPath(workspace: Workspace): string {
  return join(workspace.stateDir, 'proposals', `${workspace.runId}.eslint-fix.json`);
}

/** The run's files here are spent once its worktree goes: nothing reads them afterwards. */
export async function removeProposalFiles(workspace: Workspace): Promise<void> {
  await Promise.all([proposalPath(workspace), preparedFixPath(workspace)].map((path) => rm(path, { force: true })));
}

export async function writeProposalBody(workspace: Workspace, body: ProposalBody): Promise<string> {
  const path = proposalPath(workspace);
  await ensureStateDir(workspace.stateDir, 'proposals');
  await writeFile(path, JSON.stringify(body));
  return path;
}

export async function readProposalBody(path: string): Promise<ProposalBody> {
  return JSON.parse(await readFile(path, 'utf8')) as ProposalBody;
}
