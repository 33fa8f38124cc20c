// Analysers a repository's config can name instead of spelling out a command: its own
// linter, with its own config and rules, printing SARIF. Their fix commands apply only the
// fixes the tool itself calls safe (Biome's `--write` without `--unsafe`, ruff's `--fix`
// without `--unsafe-fixes`, oxlint's `--fix` without `--fix-suggestions`). Kaizen looks for
// the binary in the worktree's node_modules/.bin, then on PATH, then among the tools `npm ci`
// installed for Kaizen (ruff). A repository whose config names no analysers gets the presets
// of the linters it is configured for (detectAnalyserPresets). Pure.

export const ANALYSER_PRESETS = {
  biome: {
    id: 'biome',
    command: ['biome', 'lint', '--reporter=sarif', '--max-diagnostics=none', '{files}'],
    fixCommand: ['biome', 'lint', '--write', '{file}'],
    include: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'],
  },
  oxlint: {
    id: 'oxlint',
    command: ['oxlint', '--format=sarif', '--no-error-on-unmatched-pattern', '{files}'],
    fixCommand: ['oxlint', '--fix', '{file}'],
    include: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'],
  },
  ruff: {
    id: 'ruff',
    command: ['ruff', 'check', '--output-format', 'sarif', '--exit-zero', '--force-exclude', '{files}'],
    fixCommand: ['ruff', 'check', '--fix', '--exit-zero', '{file}'],
    include: ['**/*.py', '**/*.pyi'],
  },
} as const;

export type AnalyserPresetName = keyof typeof ANALYSER_PRESETS;
export const ANALYSER_PRESET_NAMES = Object.keys(ANALYSER_PRESETS) as [AnalyserPresetName, ...AnalyserPresetName[]];

/** The files that say a repository lints with a preset's tool, in the order presets are tried. */
const PRESET_MARKERS: readonly { preset: AnalyserPresetName; files: readonly string[]; section?: { file: string; pattern: RegExp } }[] = [
  { preset: 'biome', files: ['biome.json', 'biome.jsonc'] },
  { preset: 'oxlint', files: ['.oxlintrc.json'] },
  { preset: 'ruff', files: ['ruff.toml', '.ruff.toml'], section: { file: 'pyproject.toml', pattern: /^\[tool\.ruff(\.|\])/m } },
];

export interface RepoFiles {
  exists(path: string): boolean;
  /** The file's text, or undefined when it cannot be read. */
  text(path: string): string | undefined;
}

/**
 * The presets of the linters a repository is configured for, by their config files at its
 * root: what Kaizen applies when kaizen.config.json names no `analysers`, so a Biome, oxlint
 * or ruff repository is judged by its own rules without a line of Kaizen config.
 */
export function detectAnalyserPresets(repo: RepoFiles): AnalyserPresetName[] {
  return PRESET_MARKERS.filter(({ files, section }) => {
    if (files.some((file) => repo.exists(file))) return true;
    if (!section) return false;
    const text = repo.text(section.file);
    return text !== undefined && section.pattern.test(text);
  }).map(({ preset }) => preset);
}
