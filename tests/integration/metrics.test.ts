// Kaizen's activity metrics reach the activity's metric meter (Prometheus in a worker) with
// the documented names and tags; `--metrics-port` values become the documented bind addresses.
import { join } from 'node:path';
import type { MetricCounter, MetricGauge, MetricHistogram, MetricMeter, MetricTags } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createGenerateActivities } from '../../src/activities/generate/generate.js';
import { createTestActivities } from '../../src/activities/tests.js';
import { recordLlmTokens } from '../../src/activities/metrics.js';
import { createOpenAiProvider } from '../../src/adapters/openai-llm.js';
import { metricsBindAddress } from '../../src/cli/dev.js';
import { CliError } from '../../src/cli/errors.js';
import { Config } from '../../src/core/config/config.js';
import type { TestRun, Workspace } from '../../src/core/types.js';
import { createRepo, GIT_ENV, type TempRepo } from '../helpers/git-repo.js';
import { answerWithEdits, startScriptedOpenAi, type ScriptedOpenAi } from '../helpers/scripted-openai.js';
import { activityDeps } from '../helpers/activity-deps.js';

interface Sample {
  metric: string;
  kind: 'counter' | 'histogram' | 'gauge';
  value: number;
  tags: MetricTags;
}

/** A MetricMeter that remembers every value it is given. */
function recordingMeter(samples: Sample[]): MetricMeter {
  const metric = <K extends Sample['kind']>(name: string, kind: K) => ({
    name,
    kind,
    valueType: 'int' as const,
    withTags() {
      throw new Error('not used');
    },
  });
  return {
    createCounter: (name) => ({ ...metric(name, 'counter'), add: (value: number, tags: MetricTags = {}) => void samples.push({ metric: name, kind: 'counter', value, tags }) }) as MetricCounter,
    createHistogram: (name) =>
      ({ ...metric(name, 'histogram'), record: (value: number, tags: MetricTags = {}) => void samples.push({ metric: name, kind: 'histogram', value, tags }) }) as MetricHistogram,
    createGauge: (name) => ({ ...metric(name, 'gauge'), set: (value: number, tags: MetricTags = {}) => void samples.push({ metric: name, kind: 'gauge', value, tags }) }) as MetricGauge,
    withTags() {
      throw new Error('not used');
    },
  };
}

let repo: TempRepo | undefined;
let llm: ScriptedOpenAi | undefined;
afterEach(async () => {
  repo?.cleanup();
  await llm?.close();
  repo = undefined;
  llm = undefined;
});

function workspaceOf(path: string): Workspace {
  return {
    runId: 'run-1',
    repoRoot: path,
    worktree: path,
    branch: 'kaizen/run-1',
    backupRef: 'refs/kaizen/backup/run-1',
    targetBranch: 'main',
    baseCommit: '',
    baseTree: '',
    stateDir: join(path, '.kaizen'),
    userDirtyFiles: [],
  };
}

describe('activity metrics', () => {
  it('an LLM proposal counts prompt and completion tokens by model', async () => {
    llm = await startScriptedOpenAi();
    llm.enqueue({ ...answerWithEdits('drop it', [{ path: 'a.js', search: 'let unused = 0;\n', replace: '' }]), usage: { promptTokens: 120, completionTokens: 30 }, model: 'coder-1' });
    repo = createRepo({ 'a.js': 'let unused = 0;\nexport const a = 1;\n' });
    const env = { ...GIT_ENV, OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: 'sk-test' };
    const deps = activityDeps({ llm: createOpenAiProvider(env), env });
    const samples: Sample[] = [];
    const config = Config.parse({ llm: { model: 'coder-1', timeout: '5s' }, test: { required: false } });
    const finding = { file: 'a.js', line: 1, column: 5, ruleId: 'no-unused-vars', message: 'unused', severity: 'warning' as const, analyser: 'eslint', fixable: false };
    await new MockActivityEnvironment(undefined, { metricMeter: recordingMeter(samples) }).run(() =>
      createGenerateActivities(deps).generate({ workspace: workspaceOf(repo!.path), config, target: 'a.js', findings: [finding], strategy: 'llm' }),
    );
    expect(samples).toEqual([
      { metric: 'kaizen_llm_tokens', kind: 'counter', value: 120, tags: expect.objectContaining({ model: 'coder-1', kind: 'prompt' }) },
      { metric: 'kaizen_llm_tokens', kind: 'counter', value: 30, tags: expect.objectContaining({ model: 'coder-1', kind: 'completion' }) },
    ]);
  });

  it('every real test run records its duration by phase and result; a cache hit does not', async () => {
    repo = createRepo({ 'ok.txt': 'x' });
    const deps = activityDeps({ llm: createOpenAiProvider({}) });
    const samples: Sample[] = [];
    const env = new MockActivityEnvironment(undefined, { metricMeter: recordingMeter(samples) });
    const run = (command: string[], phase: 'baseline' | 'verify') =>
      env.run(() => createTestActivities(deps).runTests({ workspace: workspaceOf(repo!.path), config: Config.parse({}), phase, command })) as Promise<TestRun>;
    const green = [process.execPath, '-e', 'setTimeout(() => {}, 50)'];
    expect((await run(green, 'baseline')).passed).toBe(true);
    expect((await run([process.execPath, '-e', 'process.exit(3)'], 'verify')).passed).toBe(false);
    expect((await run(green, 'verify')).cached).toBe(true);
    expect(samples.map((s) => [s.metric, s.kind, s.tags])).toEqual([
      ['kaizen_test_duration', 'histogram', expect.objectContaining({ phase: 'baseline', passed: 'true' })],
      // A red run is run once more before it counts: two runs, two samples.
      ['kaizen_test_duration', 'histogram', expect.objectContaining({ phase: 'verify', passed: 'false' })],
      ['kaizen_test_duration', 'histogram', expect.objectContaining({ phase: 'verify', passed: 'false' })],
    ]);
    expect(samples[0]!.value).toBeGreaterThanOrEqual(50);
  });

  it('records nothing (and does not throw) outside an activity', () => {
    expect(() => recordLlmTokens('m', 1, 1)).not.toThrow();
  });
});

describe('metricsBindAddress', () => {
  it('binds loopback for a bare port, the given host otherwise, and nothing when unset', () => {
    expect(metricsBindAddress('9464')).toBe('127.0.0.1:9464');
    expect(metricsBindAddress('0.0.0.0:9464')).toBe('0.0.0.0:9464');
    expect(metricsBindAddress('[::1]:9464')).toBe('[::1]:9464');
    expect(metricsBindAddress(undefined)).toBeUndefined();
    expect(metricsBindAddress('')).toBeUndefined();
  });

  it('refuses what is not a port', () => {
    expect(() => metricsBindAddress('metrics')).toThrow(CliError);
    expect(() => metricsBindAddress('0.0.0.0:99999')).toThrow(/--metrics-port/);
  });
});
