// The rule set Kaizen brings to repositories without an ESLint config of their own.
// Mostly automatically fixable, uncontroversial rules; no formatting rules (ESLint 10 has
// none in core) and no type-aware rules (they would need the repo's tsconfig and types).
// Paths in `files` are relative to the working directory (the worktree), because ESLint
// resolves patterns of a config passed with --config against the cwd.
import globals from 'globals';
import tseslint from 'typescript-eslint';

const JS_FILES = ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.jsx'];
const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.tsx'];

// Left out on purpose although fixable: prefer-template, prefer-object-spread, curly,
// no-else-return, no-lonely-if, no-useless-return and prefer-exponentiation-operator. Their
// fixes assume a formatter runs afterwards (`${  x}`, `{ ...a, b}`, stray indentation and
// blank lines), and Kaizen's commits must read like a careful person's.
const sharedRules = {
  'prefer-const': ['warn', { destructuring: 'all' }],
  'no-var': 'warn',
  'object-shorthand': ['warn', 'always', { avoidQuotes: true }],
  'no-useless-rename': 'warn',
  'dot-notation': 'warn',
  eqeqeq: ['warn', 'smart'],
  yoda: 'warn',
  'no-unneeded-ternary': 'warn',
  'operator-assignment': 'warn',
  'prefer-arrow-callback': 'warn',
  'no-extra-boolean-cast': 'warn',
  'no-useless-computed-key': 'warn',
  'no-extra-bind': 'warn',
  'prefer-numeric-literals': 'warn',
  'no-regex-spaces': 'warn',
  'no-useless-concat': 'warn',
  'prefer-rest-params': 'warn',
  'prefer-spread': 'warn',
};

const unusedVarsOptions = {
  args: 'after-used',
  caughtErrors: 'none',
  ignoreRestSiblings: true,
  argsIgnorePattern: '^_',
  varsIgnorePattern: '^_',
};

export default [
  {
    linterOptions: {
      // The repo's own disable comments name rules this config does not enable: reporting
      // (and autofixing) them as unused would delete the user's comments.
      reportUnusedDisableDirectives: 'off',
    },
  },
  {
    files: [...JS_FILES, ...TS_FILES],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
    rules: sharedRules,
  },
  {
    files: JS_FILES,
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
    rules: {
      'no-unused-vars': ['warn', unusedVarsOptions],
      'no-undef': 'error',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    files: TS_FILES,
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // TypeScript itself reports undefined names; the core rule misreads type-only names.
      '@typescript-eslint/no-unused-vars': ['warn', unusedVarsOptions],
    },
  },
];
