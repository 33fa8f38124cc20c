import { describe, expect, it } from 'vitest';
import { ANALYSER_PRESETS } from '../../../src/core/analysis/presets.js';
import { validateConfig } from '../../../src/core/config/config.js';

describe('analyser presets in kaizen.config.json', () => {
  it('expand a name into the tool\'s SARIF command and its safe-fix command, beside spelled-out analysers', () => {
    const result = validateConfig({ analysers: ['ruff', 'biome', { id: 'semgrep', command: 'semgrep scan --sarif' }] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.analysers.map((a) => a.id)).toEqual(['ruff', 'biome', 'semgrep']);
    expect(result.config.analysers[0]).toMatchObject({ command: [...ANALYSER_PRESETS.ruff.command], fixCommand: [...ANALYSER_PRESETS.ruff.fixCommand], include: ['**/*.py', '**/*.pyi'], timeout: '5m' });
    expect(result.config.analysers[1]?.fixCommand).not.toContain('--unsafe');
  });

  it('name the presets when an entry is neither a preset nor an analyser', () => {
    const result = validateConfig({ analysers: ['pylint'] });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('expected a preset (biome, oxlint, ruff) or');
  });
});
