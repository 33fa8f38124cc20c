// Kaizen's own lint gate (`npm run lint`, part of `npm test`): type-aware rules for promises
// and thrown values, and import boundaries that keep side effects in their adapters and
// workflow code deterministic.
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'process', 'stream', 'timers', 'worker_threads'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.kaizen/**', '.tools/**', 'examples/**', 'tests/fixtures/**', 'assets/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'node:child_process', message: 'Run processes through src/adapters/process.ts (no shell, time limit, process-group kill).' },
            { name: 'child_process', message: 'Run processes through src/adapters/process.ts.' },
            { name: 'simple-git', message: 'Use src/adapters/git.ts.' },
            { name: 'openai', message: 'Use src/adapters/openai-llm.ts.' },
          ],
        },
      ],
    },
  },
  {
    // The adapters that own those dependencies, and tests and scripts that set up real repos.
    files: ['src/adapters/process.ts', 'src/adapters/temporal/dev-server.ts', 'src/adapters/git.ts', 'src/adapters/openai-llm.ts', 'src/cli/demo.ts', 'tests/**', 'scripts/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...NODE_BUILTINS.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins.' })),
            { name: '@temporalio/client', message: 'Workflows cannot use the client.' },
            { name: '@temporalio/worker', message: 'Workflows cannot use the worker package.' },
            { name: '@temporalio/activity', message: 'Workflows cannot use the activity package.' },
            { name: 'zod', message: 'Keep zod out of the workflow bundle; import config types only.' },
          ],
          patterns: [{ group: ['../activities/*', '!../activities/index.js'], message: 'Import activity types only, through ../activities/index.js.' }],
        },
      ],
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
