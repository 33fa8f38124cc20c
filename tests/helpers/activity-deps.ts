// The one way tests build ActivityDeps: real git and Kaizen's own ESLint, no LLM unless a
// test asks for one (`llm: createOpenAiProvider(env)` against a scripted server), and
// anything else a test overrides.
import type { ActivityDeps } from '../../src/contracts/ports.js';
import { GIT_ENV } from './git-repo.js';
import { KAIZEN_ROOT } from './paths.js';

/** An LlmProvider for tests that must never reach a model. */
export const NO_LLM: ActivityDeps['llm'] = {
  client() {
    throw new Error('this test never calls the LLM');
  },
  defaultModel: () => 'none',
};

export function activityDeps(overrides: Partial<ActivityDeps> = {}): ActivityDeps {
  return { hostQueue: 'test-host', kaizenHome: KAIZEN_ROOT, llm: NO_LLM, notifiers: [], env: GIT_ENV, ...overrides };
}
