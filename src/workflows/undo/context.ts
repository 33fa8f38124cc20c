// What one revert's steps share: the request, the repository, the runner, the governor link
// and the live view; and where a revert landed.
import type { PullRequestLink } from '../../core/types.js';
import type { UndoInput } from '../../core/undo/types.js';
import type { GovernorLink } from '../improvement/governor-link.js';
import type { StepRunner } from '../improvement/step-runner.js';
import type { UndoView } from './view.js';

export interface RevertLanding {
  kind: 'applied' | 'proposed';
  commit: string;
  branch?: string;
  pullRequest?: PullRequestLink;
  reason: string;
}

export interface RevertContext {
  input: UndoInput;
  repoRoot: string;
  undoWorkflowId: string;
  runner: StepRunner;
  governor: GovernorLink | undefined;
  view: UndoView;
}

