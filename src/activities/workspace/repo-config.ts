// Loads <repo>/kaizen.config.json (or the defaults, with the analyser presets the repository
// is configured for) and applies command-line overrides.
// Shared by prepareWorkspace and `kaizen config show`.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectAnalyserPresets, type RepoFiles } from '../../core/analysis/presets.js';
import { CONFIG_FILE, parseConfigText, validateConfig, withOverrides, type Config, type ConfigInput } from '../../core/config/config.js';
import { ConfigInvalidError } from '../../core/errors.js';

export const OVERRIDES_SOURCE = 'command-line options';

export async function loadRepoConfig(repoRoot: string, overrides?: ConfigInput): Promise<Config> {
  const path = join(repoRoot, CONFIG_FILE);
  let text: string | null = null;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new ConfigInvalidError(path, [`(file): cannot be read (${code ?? String(err)}); make it readable by the Kaizen worker`]);
  }
  // A repository configured for Biome, oxlint or ruff is analysed by them unless the file says otherwise.
  const detected = detectAnalyserPresets(filesAt(repoRoot));
  const fallback: ConfigInput = detected.length > 0 ? { analysers: detected } : {};
  const parsed = text === null ? validateConfig(fallback) : parseConfigText(text, fallback);
  if (!parsed.ok) throw new ConfigInvalidError(path, parsed.problems);
  if (!overrides) return parsed.config;
  const merged = withOverrides(parsed.config, overrides);
  if (!merged.ok) throw new ConfigInvalidError(OVERRIDES_SOURCE, merged.problems);
  return merged.config;
}

function filesAt(root: string): RepoFiles {
  return {
    exists: (path) => existsSync(join(root, path)),
    text: (path) => {
      try {
        return readFileSync(join(root, path), 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}
