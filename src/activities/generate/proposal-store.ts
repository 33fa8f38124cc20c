// Proposal contents live on the worker's disk; workflows carry only the path.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProposalBody, Workspace } from '../../core/types.js';
import { ensureStateDir } from '../state-dir.js';

export function proposalPath(workspace: Workspace): string {
  return join(workspace.stateDir, 'proposals', `${workspace.runId}.json`);
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
