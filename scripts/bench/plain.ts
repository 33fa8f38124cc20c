// The plain side: plain-improvement.sh as one child process, timed like Kaizen's command.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild, type ChildResult } from './child.js';

export const PLAIN_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'plain-improvement.sh');

export interface PlainRun {
  child: ChildResult;
  /** Milliseconds per step (worktree, lint, test, commit, merge, cleanup), from the script's marks. */
  steps: Record<string, number>;
}

export async function plainImprovement(repo: string, file: string, id: string): Promise<PlainRun> {
  const child = await runChild(['bash', PLAIN_SCRIPT, repo, file, id], { timeoutMs: 15 * 60_000 });
  return { child, steps: stepsFromMarks(child.stdout) };
}

/** "step seconds" lines → the time from each mark to the next. */
export function stepsFromMarks(stdout: string): Record<string, number> {
  const marks = stdout
    .split('\n')
    .map((line) => /^(\w+) (\d+(?:\.\d+)?)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ step: match[1] ?? '', at: Number(match[2]) * 1000 }));
  const steps: Record<string, number> = {};
  for (let i = 0; i + 1 < marks.length; i++) {
    const mark = marks[i];
    const next = marks[i + 1];
    if (mark && next) steps[mark.step] = next.at - mark.at;
  }
  return steps;
}
