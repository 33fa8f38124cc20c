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
  return configFromText(text, path, overrides, presetFallback(filesAt(repoRoot)));
}

/** A repository configured for Biome, oxlint or ruff is analysed by them unless its config file says otherwise. */
export function presetFallback(files: RepoFiles): ConfigInput {
  const detected = detectAnalyserPresets(files);
  return detected.length > 0 ? { analysers: detected } : {};
}

/** The config a file's text (null: no file) gives over `fallback`, with command-line overrides; `path` names it in errors. */
export function configFromText(text: string | null, path: string, overrides?: ConfigInput, fallback: ConfigInput = {}): Config {
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
