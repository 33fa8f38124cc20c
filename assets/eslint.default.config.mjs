// The rule set Kaizen brings to repositories without an ESLint config of their own.
// Only rules whose fix cannot change behaviour, or that only report (the list and the reason
// for each: eslint.default.rules.mjs); no formatting rules (ESLint 10 has
// none in core) and no type-aware rules (they would need the repo's tsconfig and types).
// Paths in `files` are relative to the working directory (the worktree), because ESLint
// resolves patterns of a config passed with --config against the cwd.
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { JS_RULES, SHARED_RULES, settingsOf, TS_RULES } from './eslint.default.rules.mjs';

const JS_FILES = ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.jsx'];
const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.tsx'];

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
    rules: settingsOf(SHARED_RULES),
  },
  {
    files: JS_FILES,
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
    rules: settingsOf(JS_RULES),
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    files: TS_FILES,
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    // TypeScript itself reports undefined names, so no-undef is for JavaScript only.
    rules: settingsOf(TS_RULES),
  },
];
