// A worker's host (the `@host` of its host queue) stands for the disk its worktrees are on.
import { describe, expect, it } from 'vitest';
import { workerHost } from '../../../src/adapters/worker-host.js';

describe('workerHost', () => {
  it('is the machine name with the default Kaizen home, so queues of runs already started stay the same', () => {
    expect(workerHost({}, 'build-7')).toBe('build-7');
  });

  it('tells apart two workers on one machine with their own homes (each has its own mirrors), and not two with the same home', () => {
    const a = workerHost({ KAIZEN_USER_HOME: '/srv/kaizen-a' }, 'build-7');
    const b = workerHost({ KAIZEN_USER_HOME: '/srv/kaizen-b' }, 'build-7');
    expect(a).toMatch(/^build-7~[0-9a-f]{8}$/);
    expect(b).not.toBe(a);
    expect(workerHost({ KAIZEN_USER_HOME: '/srv/kaizen-a/' }, 'build-7')).toBe(a);
  });

  it('is KAIZEN_HOST when set', () => {
    expect(workerHost({ KAIZEN_HOST: 'pod-3', KAIZEN_USER_HOME: '/srv/kaizen-a' }, 'build-7')).toBe('pod-3');
  });
});
