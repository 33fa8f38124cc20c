// A Notifier that writes one human-readable line per improvement (the worker's log).
import type { Notifier } from '../activities/deps.js';

export function createLogNotifier(write: (line: string) => void = (line) => console.log(line)): Notifier {
  return {
    id: 'log',
    send(event) {
      const { result } = event;
      // A proposal is found by its branch, a landed change by its commit.
      const where = [
        result.outcome !== 'applied' && result.branch ? `branch ${result.branch}` : null,
        result.commit ? `commit ${result.commit.slice(0, 12)}` : null,
      ].filter((part): part is string => part !== null);
      const reason = result.reason.replace(/\s+/g, ' ').trim();
      const subject = `kaizen: ${result.outcome} ${result.file ?? '(no file)'} in ${result.repo}`;
      write(`${subject}: ${reason}${where.length ? ` (${where.join(', ')})` : ''}`);
      return Promise.resolve();
    },
  };
}
