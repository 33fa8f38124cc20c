// The workflows Kaizen runs, by name and signature: what clients, the CLI and the governor
// gateway start and wait for, without importing workflow code.
import type { CycleInput, CycleSummary } from '../core/governor/cycle.js';
import type { GovernorInput } from '../core/governor/protocol.js';
import type { FollowPullRequestInput, FollowState } from '../core/forge/follow.js';
import type { ImprovementInput, ImprovementResult } from '../core/types.js';
import type { UndoInput, UndoResult } from '../core/undo/types.js';

export type ImprovementWorkflow = (input: ImprovementInput) => Promise<ImprovementResult>;
export type CycleWorkflow = (input: CycleInput) => Promise<CycleSummary>;
export type GovernorWorkflow = (input: GovernorInput) => Promise<void>;
export type UndoWorkflow = (input: UndoInput) => Promise<UndoResult>;
export type FollowPullRequestWorkflow = (input: FollowPullRequestInput) => Promise<FollowState>;

/** The names the worker registers (the exported function names of src/workflows/index.ts). */
export const WORKFLOW_TYPES = { improvement: 'improvement', cycle: 'cycle', governor: 'governor', undo: 'undo', followPullRequest: 'followPullRequest' } as const;
