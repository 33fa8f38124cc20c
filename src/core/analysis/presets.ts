// Analysers a repository's config can name instead of spelling out a command: its own
// linter, with its own config and rules, printing SARIF. Their fix commands apply only the
// fixes the tool itself calls safe (Biome's `--write` without `--unsafe`, ruff's `--fix`
// without `--unsafe-fixes`). Kaizen looks for the binary in the worktree's node_modules/.bin,
// then on PATH, then among the tools `npm ci` installed for Kaizen (ruff). Pure data.

export const ANALYSER_PRESETS = {
  biome: {
    id: 'biome',
    command: ['biome', 'lint', '--reporter=sarif', '--max-diagnostics=none', '{files}'],
    fixCommand: ['biome', 'lint', '--write', '{file}'],
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
