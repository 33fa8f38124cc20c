// How clients follow a running undo: its progress query.
import { defineQuery } from '@temporalio/workflow';
import type { UndoItem } from '../core/undo/types.js';

export interface UndoProgress {
  /** What it is doing now ('done' at the end). */
  current: string;
  /** Each change dealt with so far, newest first as undone. */
  items: UndoItem[];
  /** Timestamped notes, oldest first. */
  notes: string[];
}

export const undoProgressQuery = defineQuery<UndoProgress>('undoProgress');
