// A Notifier that writes one human-readable line per event (the worker's log).
import type { Notifier } from '../../contracts/ports.js';
import { countsLine, repoName } from '../../core/notifications/common.js';
import { undoIntro } from '../../core/notifications/undo.js';

export function createLogNotifier(write: (line: string) => void = (line) => console.log(line)): Notifier {
  return {
    id: 'log',
    send(event) {
      if (event.kind === 'cycle_summary') {
        write(`kaizen: cycle over ${event.repo}: ${countsLine(event.summary) || 'no improvements'}`);
        return Promise.resolve();
      }
      if (event.kind === 'undo') {
        write(`kaizen: ${undoIntro(event.result, event.result.repo)}`);
        return Promise.resolve();
      }
      if (event.kind === 'paused') {
        write(`kaizen: paused ${repoName(event.repo)} by ${event.by}: ${event.reason}`);
        return Promise.resolve();
      }
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
