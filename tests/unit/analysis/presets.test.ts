import { describe, expect, it } from 'vitest';
import { detectAnalyserPresets, type RepoFiles } from '../../../src/core/analysis/presets.js';

function repo(files: Record<string, string>): RepoFiles {
  return { exists: (path) => path in files, text: (path) => files[path] };
}

describe('detectAnalyserPresets', () => {
  it('finds the linters a repository is configured for by their config files', () => {
    expect(detectAnalyserPresets(repo({ 'biome.json': '{}' }))).toEqual(['biome']);
    expect(detectAnalyserPresets(repo({ 'biome.jsonc': '{}' }))).toEqual(['biome']);
    expect(detectAnalyserPresets(repo({ '.oxlintrc.json': '{}' }))).toEqual(['oxlint']);
    expect(detectAnalyserPresets(repo({ 'ruff.toml': '' }))).toEqual(['ruff']);
    expect(detectAnalyserPresets(repo({ '.ruff.toml': '' }))).toEqual(['ruff']);
  });

  it('takes ruff from pyproject.toml only when it has a [tool.ruff] table', () => {
    expect(detectAnalyserPresets(repo({ 'pyproject.toml': '[project]\nname = "shop"\n\n[tool.ruff.lint]\nselect = ["F"]\n' }))).toEqual(['ruff']);
    expect(detectAnalyserPresets(repo({ 'pyproject.toml': '[tool.ruff]\nline-length = 100\n' }))).toEqual(['ruff']);
    expect(detectAnalyserPresets(repo({ 'pyproject.toml': '[project]\nname = "shop"\n[tool.ruffian]\n' }))).toEqual([]);
    expect(detectAnalyserPresets(repo({ 'pyproject.toml': '[tool.black]\n# [tool.ruff] later\n' }))).toEqual([]);
  });

  it('keeps every linter of a repository that uses several, and none for a plain one', () => {
    expect(detectAnalyserPresets(repo({ 'biome.json': '{}', 'ruff.toml': '' }))).toEqual(['biome', 'ruff']);
    expect(detectAnalyserPresets(repo({ 'package.json': '{}', 'eslint.config.js': '' }))).toEqual([]);
  });
});
