// Kaizen's own lint gate (`npm run lint`, part of `npm test`): type-aware rules for promises
// and thrown values, and the adapters that alone may import child_process and openai. The
// floors and the workflow-safe rule are checked by dependency-cruiser
// (.dependency-cruiser.cjs, .dependency-cruiser-bundle.cjs).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.kaizen/**', '.tools/**', 'examples/**', 'tests/fixtures/**', 'assets/**', '.dependency-cruiser*.cjs'] },
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
            { name: 'openai', message: 'Use src/adapters/openai-llm.ts.' },
          ],
        },
      ],
    },
  },
  {
    // The adapters that own those dependencies, and tests and scripts that set up real repos.
    files: ['src/adapters/process.ts', 'src/adapters/temporal/dev-server.ts', 'src/adapters/temporal/watchdog.ts', 'src/adapters/openai-llm.ts', 'src/cli/demo.ts', 'tests/**', 'scripts/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // One module reads the environment: everything else asks src/core/config/environment.ts.
    files: ['src/**/*.ts'],
    ignores: ['src/core/config/environment.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          "MemberExpression[object.object.name='process'][object.property.name='env']",
          "MemberExpression[object.name=/^env$/][property.name=/^[A-Z][A-Z0-9_]+$/]:not(AssignmentExpression > MemberExpression.left)",
          "MemberExpression[object.property.name='env'][property.name=/^[A-Z][A-Z0-9_]+$/]",
          "MemberExpression[object.name=/^env$/][computed=true]:not(UnaryExpression[operator='delete'] > MemberExpression)",
          "MemberExpression[object.property.name='env'][computed=true]",
        ].map((selector) => ({ selector, message: 'Read environment variables through src/core/config/environment.ts (the one module that names them).' })),
      ],
    },
  },
  {
    // The bin is CommonJS so `kaizen` starts without Node's ESM loader (bin/kaizen.cjs).
    files: ['bin/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
