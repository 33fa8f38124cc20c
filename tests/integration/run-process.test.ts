// runProcess with real processes: stdout and stderr kept apart and whole, a silence limit that
// ends the whole group, and a leftover that left the group and holds the pipes not waited for.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { procStat } from '../../src/adapters/process-groups.js';
import { runProcess } from '../../src/adapters/process.js';

const dirs: string[] = [];
const pids: number[] = [];
afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-run-'));
  dirs.push(dir);
  return dir;
}

/** A zombie is dead, only not reaped yet (in a container perhaps never). */
function alive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== null && stat.state !== 'Z';
}

describe('runProcess', () => {
  it('talks to a process as it runs: input piped as it comes, stdout handed over and kept out of the tail', async () => {
    const input = new PassThrough();
    const answers: string[] = [];
    const running = runProcess(['sh', '-c', 'while read line; do echo "got $line"; done; echo bye >&2'], {
      cwd: folder(),
      timeoutMs: 30_000,
      input,
      onStdout: (chunk) => {
        answers.push(chunk.toString('utf8'));
        // Each answer asks the next question, as a session does.
        if (answers.join('').includes('got one\n') && !answers.join('').includes('got two')) input.end('two\n');
      },
    });
    input.write('one\n');
    const result = await running;
    expect(answers.join('')).toBe('got one\ngot two\n');
    expect(result.exitCode).toBe(0);
    expect(result.outputTail).toBe('bye\n');
    expect(result.stdout).toBe('');
  });

  it('keeps stdout and stderr apart and whole when asked, and a tail of both', async () => {
    const result = await runProcess(['sh', '-c', "head -c 200000 /dev/zero | tr '\\0' x; echo warn >&2"], {
      cwd: folder(),
      timeoutMs: null,
      captureStdoutBytes: Number.POSITIVE_INFINITY,
      captureStderrBytes: Number.POSITIVE_INFINITY,
      tailChars: 10,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('x'.repeat(200_000));
    expect(result.stderr).toBe('warn\n');
    expect(result.stdoutTruncated).toBe(false);
    expect(result.outputTail).toHaveLength(10);
  });

  it('ends the whole group of a command that prints nothing for the silence limit', async () => {
    // The shell prints its child's pid, then waits on it in silence.
    const result = await runProcess(['sh', '-c', 'sleep 30 & echo $!; wait'], { cwd: folder(), timeoutMs: 60_000, silenceTimeoutMs: 300, captureStdoutBytes: 100 });
    const sleeper = Number(result.stdout.trim());
    pids.push(sleeper);
    expect(result.silent).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(result.signal).toBe('SIGTERM');
    expect(alive(sleeper)).toBe(false);
  });

  it('a command that keeps printing is not silent', async () => {
    const result = await runProcess(['sh', '-c', 'for i in 1 2 3 4 5 6; do echo $i; sleep 0.1; done'], { cwd: folder(), timeoutMs: 60_000, silenceTimeoutMs: 400 });
    expect(result.silent).toBe(false);
    expect(result.exitCode).toBe(0);
  });

  it('does not wait for ever on a process that left the group and holds the output open', async () => {
    const result = await runProcess(['sh', '-c', 'setsid sleep 30 & echo $!'], { cwd: folder(), timeoutMs: 60_000, silenceTimeoutMs: 300, captureStdoutBytes: 100 });
    pids.push(Number(result.stdout.trim()));
    expect(result.silent).toBe(true);
    expect(result.exitCode).toBe(0);
  });
});
