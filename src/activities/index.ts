// createActivities(deps): every activity the workflows call, one concern per file.
import type { ActivityDeps } from '../contracts/ports.js';
import { createAnalyseActivities } from './analyse/analyse.js';
import { createGenerateActivities } from './generate/generate.js';
import { createTestActivities } from './tests.js';
import { createDeliverActivities } from './workspace/deliver.js';
import { createPullRequestLifeActivities } from './workspace/pull-request-life.js';
import { createWorkspaceActivities } from './workspace/worktree.js';
import { createLedgerActivities } from './ledger.js';
import { createNotifyActivities } from './notify.js';
import { createUndoActivities } from './undo.js';
import { createPresenceActivities } from './presence.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createWorkspaceActivities(deps),
    ...createDeliverActivities(deps),
    ...createPullRequestLifeActivities(deps),
    ...createAnalyseActivities(deps),
    ...createGenerateActivities(deps),
    ...createTestActivities(deps),
    ...createLedgerActivities(deps),
    ...createNotifyActivities(deps),
    ...createUndoActivities(deps),
    ...createPresenceActivities(deps),
  };
}

export type KaizenActivities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from '../contracts/ports.js';
export { createContinuousActivities, type ContinuousActivities, type CycleActivities, type GovernorActivities } from './governor.js';
