// An undo run's live view: the progress query, the Web UI's one-line details and the search
// attributes (KaizenRepo, KaizenStep, KaizenOutcome), kept in one place.
import { setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { undoProgressQuery, type UndoProgress } from '../../contracts/undo.js';
import { KaizenOutcome, KaizenRepo, KaizenStep } from '../../contracts/search-attributes.js';
import { repoName } from '../../core/repository/key.js';
import { overallOutcome } from '../../core/undo/plan.js';
import type { UndoItem } from '../../core/undo/types.js';

export class UndoView {
  private readonly state: UndoProgress = { current: 'starting', items: [], notes: [] };

  constructor(private repo: string) {
    setHandler(undoProgressQuery, () => this.state);
    upsertSearchAttributes([{ key: KaizenRepo, value: repoName(repo) }]);
  }

  located(repo: string): void {
    this.repo = repo;
    upsertSearchAttributes([{ key: KaizenRepo, value: repoName(repo) }]);
  }

  /** A step: `prepare`, `verify`, `integrate` … (the KaizenStep attribute) with what it does. */
  step(step: string, what: string): void {
    this.state.current = what;
    upsertSearchAttributes([{ key: KaizenStep, value: step }]);
    this.note(what);
  }

  note(message: string): void {
    this.state.notes.push(`${new Date().toISOString()} ${message}`);
    this.refresh();
  }

  add(item: UndoItem): void {
    this.state.items.push(item);
    this.note(`${item.undoes}: ${item.outcome}: ${item.reason}`);
  }

  get items(): UndoItem[] {
    return this.state.items;
  }

  finish(): void {
    this.state.current = 'done';
    upsertSearchAttributes([
      { key: KaizenStep, value: 'done' },
      { key: KaizenOutcome, value: overallOutcome(this.state.items) },
    ]);
    this.refresh();
  }

  private refresh(): void {
    const done = this.state.items.map((i) => `- ${i.undoes}: **${i.outcome}** ${i.commit ? `(revert ${i.commit.slice(0, 8)}) ` : ''}${i.reason}`);
    setCurrentDetails([`**Undo in ${repoName(this.repo)}**: ${this.state.current}`, ...done.slice(-20)].join('\n'));
  }
}
