// createActivities(deps): every activity the workflows call, one concern per file.
import type { ActivityDeps } from './deps.js';
import { createAnalyseActivities } from './analyse.js';
import { createGenerateActivities } from './generate.js';
import { createTestActivities } from './tests.js';
import { createWorkspaceActivities } from './workspace.js';
import { createLedgerActivities } from './ledger.js';
import { createNotifyActivities } from './notify.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createWorkspaceActivities(deps),
    ...createAnalyseActivities(deps),
    ...createGenerateActivities(deps),
    ...createTestActivities(deps),
    ...createLedgerActivities(deps),
    ...createNotifyActivities(deps),
  };
}

export type KaizenActivities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps.js';
export { createContinuousActivities, type ContinuousActivities, type CycleActivities, type GovernorActivities } from './continuous.js';
