// Which run works on which file. A run's slot (budget.ts ActiveSlot) names its file: a cycle's
// candidate at grant time, or the target the run's analysis chose, reserved right after it
// (state.ts handleReserve). Other runs' analyses skip reserved files, so N concurrent runs of
// one repository take N different files. A reservation lives as long as its slot: freed when
// the run reports its end, dropped with the slot's lease when the run vanished (terminated),
// and handed on through continue-as-new with the rest of the state. Pure.
import type { ActiveSlot } from './budget.js';
import type { ReserveAnswer, ReserveRequest } from './protocol.js';

/** Files other runs hold, with the run holding each (slots already pruned of expired leases). */
export function reservedByOthers(active: readonly ActiveSlot[], workflowId: string): { file: string; workflowId: string }[] {
  return active.filter((s) => s.workflowId !== workflowId && s.file !== null).map((s) => ({ file: s.file as string, workflowId: s.workflowId }));
}

/**
 * Reserves the first of `candidates` (best first) no other run holds for the asking run. A
 * repeated request keeps the file it already holds (a retried activity). Without a slot (its
 * lease ran out, or the governor was started afresh) the run gets a free file, unrecorded.
 */
export function reserveFile<S extends ActiveSlot>(active: readonly S[], req: ReserveRequest): { active: S[]; answer: ReserveAnswer } {
  const own = active.find((s) => s.workflowId === req.workflowId);
  if (own?.file && req.candidates.includes(own.file)) return { active: [...active], answer: { file: own.file, reason: `${own.file} is reserved for this run` } };
  const held = new Map(reservedByOthers(active, req.workflowId).map((r) => [r.file, r.workflowId]));
  const index = req.candidates.findIndex((c) => !held.has(c));
  if (index < 0) {
    const taken = req.candidates.slice(0, 3).map((c) => `${c} (${held.get(c)})`);
    const more = req.candidates.length > 3 ? `, and ${req.candidates.length - 3} more` : '';
    const what = req.candidates.length === 1 ? 'the only candidate is' : `all ${req.candidates.length} candidates are`;
    return { active: [...active], answer: { file: null, reason: `${what} being improved by other runs: ${taken.join(', ')}${more}` } };
  }
  const file = req.candidates[index] as string;
  const passed = req.candidates.slice(0, index);
  const reason = index === 0 ? `reserved ${file}` : `reserved ${file}: ${passed.join(', ')} ${passed.length === 1 ? 'is' : 'are'} being improved by other runs`;
  if (!own) return { active: [...active], answer: { file, reason: `${reason} (this run holds no slot, so nothing is recorded)` } };
  return { active: active.map((s) => (s === own ? { ...s, file } : s)), answer: { file, reason } };
}
