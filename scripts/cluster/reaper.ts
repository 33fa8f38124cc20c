// The cluster's processes run in their own process groups, so they survive the process that
// started them. When that owner ends without stopping them (kill -9 of `npm run cluster`, an
// interrupted test run), a small watcher stops them and removes the folder. `stop()` ends the
// watcher first; a detached cluster (`--detach`) has none, as it is meant to outlive its starter.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalGroup } from './processes.js';

// POSIX sh: wait for the owner to go, then each group in the list (pid and first signal per
// line, in stopping order) gets that signal, 10 s, then SIGKILL; then the folder goes.
const WATCHER = `
owner=$1; list=$2; dir=$3
while kill -0 "$owner" 2>/dev/null; do sleep 1; done
if [ -f "$list" ]; then
  while read -r pid signal; do
    kill -"$signal" -"$pid" 2>/dev/null || continue
    i=0
    while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
    kill -KILL -"$pid" 2>/dev/null
  done < "$list"
fi
rm -rf "$dir"
`;

export interface Reaper {
  /** Records the process groups to stop, in stopping order. */
  watch(groups: { pid: number; signal: 'TERM' | 'INT' }[]): void;
  /** Ends the watcher (the owner stops the cluster itself). */
  dismiss(): void;
}

export function startReaper(dir: string, owner = process.pid): Reaper {
  const list = join(dir, 'reaper.pids');
  writeFileSync(list, '');
  const child = spawn('/bin/sh', ['-c', WATCHER, 'kaizen-cluster-reaper', String(owner), list, dir], { detached: true, stdio: 'ignore' });
  child.unref();
  const pid = child.pid;
  return {
    watch(groups) {
      writeFileSync(list, groups.map((g) => `${g.pid} ${g.signal}\n`).join(''));
    },
    dismiss() {
      if (pid !== undefined) signalGroup(pid, 'SIGKILL');
    },
  };
}
