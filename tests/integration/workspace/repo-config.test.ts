// The config a run gets: kaizen.config.json, with the presets of the linters the repository
// is configured for when the file names no analysers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../../../src/activities/workspace/repo-config.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folderWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kaizen-repo-config-'));
  folders.push(root);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

describe('loadRepoConfig', () => {
  it("applies the repository's own Biome when there is no kaizen.config.json", async () => {
    const config = await loadRepoConfig(folderWith({ 'biome.json': '{}' }));
    expect(config.analysers.map((a) => a.id)).toEqual(['biome']);
    expect(config.analysers[0]?.fixCommand).toEqual(['biome', 'lint', '--write', '{file}']);
  });

  it('adds the detected presets to a config file that names no analysers, keeping its other keys', async () => {
    const config = await loadRepoConfig(folderWith({ '.oxlintrc.json': '{}', 'kaizen.config.json': JSON.stringify({ recentChangeMinutes: 5 }) }));
    expect(config.analysers.map((a) => a.id)).toEqual(['oxlint']);
    expect(config.recentChangeMinutes).toBe(5);
  });

  it('lets the config file decide when it names analysers, [] included', async () => {
    const none = await loadRepoConfig(folderWith({ 'biome.json': '{}', 'kaizen.config.json': JSON.stringify({ analysers: [] }) }));
    expect(none.analysers).toEqual([]);
    const ruffOnly = await loadRepoConfig(folderWith({ 'biome.json': '{}', 'kaizen.config.json': JSON.stringify({ analysers: ['ruff'] }) }));
    expect(ruffOnly.analysers.map((a) => a.id)).toEqual(['ruff']);
  });

  it('detects nothing in a repository without those linters', async () => {
    expect((await loadRepoConfig(folderWith({ 'package.json': '{}' }))).analysers).toEqual([]);
  });
});
