// The dev server cannot outlive the process that started it. The server runs in its own
// process group (so a Ctrl-C in the terminal reaches Kaizen, which stops it in order); a tiny
// watchdog process holds the read end of a pipe from its starter. When the starter dies in any
// way — SIGKILL included — the kernel closes the pipe, and the watchdog ends the server's group
// (SIGTERM, then SIGKILL after a grace). It also exits by itself once the group is gone.
import { spawn } from 'node:child_process';

const WATCHDOG = `
const pgid = Number(process.argv[1]);
const grace = Number(process.argv[2]);
const alive = () => { try { process.kill(-pgid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const signal = (s) => { try { process.kill(-pgid, s); } catch {} };
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
setInterval(() => { if (!alive()) process.exit(0); }, 1000);
const end = () => {
  signal('SIGTERM');
  const deadline = Date.now() + grace;
  setInterval(() => {
    if (!alive()) process.exit(0);
    if (Date.now() > deadline) { signal('SIGKILL'); process.exit(0); }
  }, 100);
};
process.stdin.on('end', end);
process.stdin.on('error', end);
process.stdin.resume();
`;

export interface Watchdog {
  /** Ends the watchdog without touching the group (the starter stopped it itself). */
  release(): void;
}

/** Watches this process on behalf of the process group `pgid`; the group ends when this process does. */
export function watchGroup(pgid: number, graceMs: number): Watchdog {
  const child = spawn(process.execPath, ['-e', WATCHDOG, String(pgid), String(graceMs)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    shell: false,
  });
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  // Neither the watchdog nor its pipe keeps this process alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    release() {
      try {
        child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}
