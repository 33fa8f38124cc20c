// Shared set-up of the workspace tests: fake deps around real git, proposals on disk.
import { createHash } from 'node:crypto';
import type { ActivityDeps } from '../../../src/contracts/ports.js';
import { writeProposalBody } from '../../../src/activities/generate/proposal-store.js';
import { createWorkspaceActivities } from '../../../src/activities/workspace/worktree.js';
import type { Proposal, Workspace } from '../../../src/core/types.js';
import { activityDeps } from '../../helpers/activity-deps.js';
import { GIT_ENV } from '../../helpers/git-repo.js';

export function fakeDeps(env: NodeJS.ProcessEnv = GIT_ENV): ActivityDeps {
  return activityDeps({ env });
}

export function workspaceActivities(env?: NodeJS.ProcessEnv) {
  return createWorkspaceActivities(fakeDeps(env));
}

/** A proposal whose body is on disk, as generate would leave it. */
export async function proposalFor(workspace: Workspace, files: Record<string, string>): Promise<Proposal> {
  const proposalPath = await writeProposalBody(workspace, {
    files: Object.entries(files).map(([path, content]) => ({ path, content })),
  });
  return {
    strategy: 'autofix',
    proposalPath,
    files: Object.keys(files),
    summary: 'test proposal',
    linesAdded: 1,
    linesRemoved: 1,
    diffExcerpt: '',
    targets: [],
  };
}

export function runIdFor(name: string): string {
  return createHash('sha256').update(name + Math.random()).digest('hex').slice(0, 8);
}
