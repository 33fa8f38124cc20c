// How clients (a webhook receiver, `kaizen prs`) talk to the workflow that follows one pull request.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { FollowState } from '../core/forge/follow.js';

/** Something happened to the pull request (a webhook): look at it now instead of at the next poll. */
export const pullRequestChangedSignal = defineSignal<[]>('pullRequestChanged');
/** What the workflow last saw and what it waits for. */
export const pullRequestStateQuery = defineQuery<FollowState>('pullRequest');
