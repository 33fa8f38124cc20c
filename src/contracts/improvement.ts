// How clients talk to a running improvement: its signals and its progress query.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Progress } from '../core/improvement/progress.js';

export const pauseSignal = defineSignal<[]>('pause');
export const resumeSignal = defineSignal<[]>('resume');
export const approveSignal = defineSignal<[{ by?: string }?]>('approve');
export const rejectSignal = defineSignal<[{ reason?: string; by?: string }?]>('reject');
export const progressQuery = defineQuery<Progress>('progress');
