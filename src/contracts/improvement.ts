// Names shared by workflows and clients: signals, queries, search attributes.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Progress } from '../core/types.js';

export const pauseSignal = defineSignal<[]>('pause');
export const resumeSignal = defineSignal<[]>('resume');
export const approveSignal = defineSignal<[{ by?: string }?]>('approve');
export const rejectSignal = defineSignal<[{ reason?: string; by?: string }?]>('reject');
export const progressQuery = defineQuery<Progress>('progress');

export const KaizenRepo = defineSearchAttributeKey('KaizenRepo', SearchAttributeType.KEYWORD);
export const KaizenFile = defineSearchAttributeKey('KaizenFile', SearchAttributeType.KEYWORD);
export const KaizenStep = defineSearchAttributeKey('KaizenStep', SearchAttributeType.KEYWORD);
export const KaizenOutcome = defineSearchAttributeKey('KaizenOutcome', SearchAttributeType.KEYWORD);
export const KaizenStrategy = defineSearchAttributeKey('KaizenStrategy', SearchAttributeType.KEYWORD);

export const DEFAULT_TASK_QUEUE = 'kaizen';
