// Files Kaizen never targets or changes with autofix or an LLM fix: tests (test.globs, the
// common runner conventions, and what the test runner's own config says), the runner's config,
// declaration files, generated files (`linguist-generated` in .gitattributes, an `@generated`
// marker), lockfiles and build output. Pure: the activities read the few files this needs.
import { compileGlobs, type PathMatcher } from './globs.js';

/** Test files by the conventions of node --test, jest, vitest, mocha, pytest and Go. */
export const CONVENTIONAL_TEST_GLOBS = [
  '**/*-test.*',
  '**/*_test.*',
  '**/test-*.*',
  '**/test_*.py',
  '**/conftest.py',
  '**/test.{js,cjs,mjs}',
];

/** The test runners' own config files: changing them changes what the tests check. */
export const TEST_RUNNER_CONFIG_GLOBS = [
  '**/jest.config.*',
  '**/vitest.config.*',
  '**/vitest.workspace.*',
  '**/.mocharc*',
  '**/karma.conf.*',
  '**/playwright.config.*',
  '**/cypress.config.*',
  'pytest.ini',
  'tox.ini',
];

export const LOCKFILE_GLOBS = ['**/package-lock.json', '**/npm-shrinkwrap.json', '**/yarn.lock', '**/pnpm-lock.yaml', '**/*.lock', '**/*.lockb', '**/go.sum'];
export const BUILD_OUTPUT_GLOBS = ['**/dist/**', '**/build/**', '**/out/**', '**/coverage/**', '**/.next/**', '**/__pycache__/**', '**/*.min.js', '**/*.map'];

const DECLARATION_FILE = /\.d\.[cm]?ts$/i;
/** How far into a file a generated-file marker is looked for. */
export const GENERATED_MARKER_WINDOW = 2048;

/** The root files whose text says where tests live or what is generated. */
export const PROTECTION_SOURCES = [
  'package.json',
  'jest.config.js',
  'jest.config.cjs',
  'jest.config.mjs',
  'jest.config.ts',
  'jest.config.json',
  'vitest.config.ts',
  'vitest.config.mts',
  'vitest.config.js',
  'vitest.config.mjs',
  'vite.config.ts',
  'vite.config.js',
  'vite.config.mjs',
  '.mocharc.json',
  '.mocharc.jsonc',
  '.mocharc.yml',
  '.mocharc.yaml',
  '.mocharc.js',
  '.mocharc.cjs',
  'pytest.ini',
  'pyproject.toml',
  'setup.cfg',
  '.gitattributes',
];

export interface ProtectedFiles {
  /** Why Kaizen leaves `path` alone, or null when it may target it. */
  reasonFor(path: string): string | null;
  /** A test file (what llm-tests may add to, and no other strategy may change). */
  isTestFile(path: string): boolean;
  /** Globs of test files found in the runner's config, for the record. */
  runnerTestGlobs: string[];
}

/** `sources`: the texts of PROTECTION_SOURCES that exist, by repo-relative path. */
export function protectedFiles(testGlobs: readonly string[], sources: Readonly<Record<string, string>>): ProtectedFiles {
  const runner = runnerTestGlobs(sources);
  const configured = compileGlobs(testGlobs);
  const conventional = compileGlobs([...CONVENTIONAL_TEST_GLOBS, ...runner]);
  const runnerConfig = compileGlobs(TEST_RUNNER_CONFIG_GLOBS);
  const generated = compileGlobs(linguistGeneratedGlobs(sources['.gitattributes'] ?? ''));
  const lockfile = compileGlobs(LOCKFILE_GLOBS);
  const buildOutput = compileGlobs(BUILD_OUTPUT_GLOBS);
  const isTestFile: PathMatcher = (path) => configured(path) || conventional(path);
  return {
    runnerTestGlobs: runner,
    isTestFile,
    reasonFor(path) {
      if (configured(path)) return 'is a test file (test.globs)';
      if (conventional(path)) return runner.length ? "is a test file (the test runner's conventions and config)" : "is a test file (the test runners' conventions)";
      if (runnerConfig(path)) return "is the test runner's config";
      if (DECLARATION_FILE.test(path)) return 'is a declaration file';
      if (generated(path)) return 'is generated (linguist-generated in .gitattributes)';
      if (lockfile(path)) return 'is a lockfile';
      if (buildOutput(path)) return 'is build output';
      return null;
    },
  };
}

/** `@generated`, `Code generated … DO NOT EDIT.`, `auto-generated … do not edit` near the top. */
export function generatedMarker(content: string): string | null {
  const head = content.slice(0, GENERATED_MARKER_WINDOW);
  if (/@generated\b/.test(head)) return 'is generated (an @generated marker)';
  if (/\bgenerated\b[^\n]*\bdo not (edit|modify)\b/i.test(head) || /\bdo not (edit|modify)\b[^\n]*\bgenerated\b/i.test(head)) return 'is generated (a "do not edit" marker)';
  return null;
}

/** Patterns of `.gitattributes` lines with `linguist-generated` (or `=true`), not `-linguist-generated`. */
export function linguistGeneratedGlobs(gitattributes: string): string[] {
  const globs: string[] = [];
  for (const raw of gitattributes.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [pattern, ...attributes] = line.split(/\s+/);
    if (!pattern || !attributes.some((a) => a === 'linguist-generated' || a === 'linguist-generated=true')) continue;
    globs.push(gitPattern(pattern));
  }
  return globs;
}

/** A .gitattributes/.gitignore pattern as a glob from the repository root. */
function gitPattern(pattern: string): string {
  const anchored = pattern.startsWith('/');
  const body = pattern.replace(/^\//, '').replace(/\/$/, '/**');
  return anchored || body.includes('/') ? body : `**/${body}`;
}

/** Where the test runner's config says tests are: jest, vitest, mocha, node --test, ava, pytest. */
export function runnerTestGlobs(sources: Readonly<Record<string, string>>): string[] {
  const globs = new Set<string>();
  const add = (glob: string) => {
    const cleaned = glob.trim().replace(/^<rootDir>\//, '').replace(/^\.\//, '');
    if (cleaned && !cleaned.startsWith('!') && !cleaned.startsWith('/')) globs.add(cleaned);
  };
  const pkg = parseJsonObject(sources['package.json']);
  if (pkg) {
    const jest = record(pkg.jest);
    for (const glob of strings(jest?.testMatch)) add(glob);
    for (const glob of strings(record(pkg.mocha)?.spec)) add(glob);
    for (const glob of strings(record(pkg.ava)?.files)) add(glob);
    const scripts = record(pkg.scripts);
    for (const script of Object.values(scripts ?? {})) if (typeof script === 'string') for (const glob of scriptTestArgs(script)) add(glob);
  }
  for (const [path, text] of Object.entries(sources)) {
    if (/^jest\.config\./.test(path)) for (const glob of arrayLiteral(text, 'testMatch')) add(glob);
    if (/^vitest\.config\./.test(path) || (/^vite\.config\./.test(path) && /\btest\s*:/.test(text))) {
      for (const key of ['include', 'setupFiles', 'globalSetup']) for (const glob of arrayLiteral(text, key)) add(glob);
    }
    if (/^\.mocharc\./.test(path)) {
      const json = parseJsonObject(text);
      const spec = json ? strings(json.spec) : [...arrayLiteral(text, 'spec'), ...yamlValues(text, 'spec')];
      for (const glob of spec) add(glob);
    }
  }
  for (const glob of pytestGlobs(sources)) add(glob);
  return [...globs];
}

/** Paths after `node --test`, `mocha`, `jest`, `vitest run`, `tape` in a script (not options). */
function scriptTestArgs(script: string): string[] {
  const found: string[] = [];
  for (const command of script.split(/&&|\|\||;/)) {
    const words = command.trim().split(/\s+/).map((w) => w.replace(/^['"]|['"]$/g, ''));
    const at = words.findIndex((w, i) => (w === 'node' && words[i + 1] === '--test') || w === 'mocha' || w === 'tape' || w === 'ava');
    if (at < 0) continue;
    for (const word of words.slice(at + 1)) {
      if (word.startsWith('-') || word === 'run') continue;
      if (/[*/]|\.(c|m)?[jt]sx?$/.test(word)) found.push(word.endsWith('/') ? `${word}**` : /[*.]/.test(word.split('/').pop() ?? '') ? word : `${word}/**`);
    }
  }
  return found;
}

function pytestGlobs(sources: Readonly<Record<string, string>>): string[] {
  const sections = [sectionOf(sources['pytest.ini'], 'pytest'), sectionOf(sources['pyproject.toml'], 'tool.pytest.ini_options'), sectionOf(sources['setup.cfg'], 'tool:pytest')];
  const globs: string[] = [];
  for (const section of sections) {
    if (section === null) continue;
    for (const path of iniList(section, 'testpaths')) globs.push(`${path.replace(/\/$/, '')}/**`);
    for (const pattern of iniList(section, 'python_files')) globs.push(`**/${pattern}`);
  }
  return globs;
}

/** The body of `[name]` in an INI or TOML text, or null. */
function sectionOf(text: string | undefined, name: string): string | null {
  if (text === undefined) return null;
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === `[${name}]`);
  if (start < 0) return null;
  const end = lines.findIndex((l, i) => i > start && /^\s*\[/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** `key = a b` (INI), `key = ["a", "b"]` (TOML), or an INI value continued on indented lines. */
function iniList(section: string, key: string): string[] {
  const match = new RegExp(`^\\s*${key}\\s*=\\s*(.*(?:\\n[ \\t]+.*)*)`, 'm').exec(section);
  if (!match) return [];
  const value = (match[1] as string).trim();
  if (value.startsWith('[')) return [...value.matchAll(/["']([^"']+)["']/g)].map((m) => m[1] as string);
  return value.split(/\s+/).filter(Boolean);
}

/** String literals of `key: [ ... ]` (or `key: '...'`) anywhere in a JS/TS config. */
function arrayLiteral(text: string, key: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(new RegExp(`\\b${key}\\s*:\\s*(\\[[^\\]]*\\]|'[^']*'|"[^"]*"|\`[^\`]*\`)`, 'g'))) {
    for (const literal of (match[1] as string).matchAll(/'([^']*)'|"([^"]*)"|`([^`]*)`/g)) out.push((literal[1] ?? literal[2] ?? literal[3]) as string);
  }
  return out;
}

/** `key: value` or `key:` followed by `- value` lines in a small YAML file. */
function yamlValues(text: string, key: string): string[] {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => new RegExp(`^${key}\\s*:`).test(l));
  if (at < 0) return [];
  const inline = (lines[at] as string).replace(new RegExp(`^${key}\\s*:\\s*`), '').trim();
  if (inline) return [inline.replace(/^['"]|['"]$/g, '')];
  const out: string[] = [];
  for (const line of lines.slice(at + 1)) {
    const item = /^\s+-\s+(.+)$/.exec(line);
    if (!item) break;
    out.push((item[1] as string).trim().replace(/^['"]|['"]$/g, ''));
  }
  return out;
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null;
  try {
    return record(JSON.parse(text));
  } catch {
    return null;
  }
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
