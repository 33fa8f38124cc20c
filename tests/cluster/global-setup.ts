// Builds the pinned Temporal server the first time (several CPU-minutes; later runs reuse
// .tools/), so each test file only pays for starting its own cluster.
import type { TestProject } from 'vitest/node';
import { ensureServerBuilt, formatSeconds, type BuildInfo } from '../../scripts/cluster/build-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    serverBuild: BuildInfo & { reused: boolean };
  }
}

export async function setup(project: TestProject): Promise<void> {
  const build = await ensureServerBuilt((line) => console.log(`cluster tests: ${line}`));
  console.log(`cluster tests: Temporal server ${build.version} ${build.reused ? 'reused' : 'built'} (the build took ${formatSeconds(build.seconds)})`);
  project.provide('serverBuild', build);
}
