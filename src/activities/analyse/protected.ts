// Which files of a worktree Kaizen leaves alone (core/analysis/protected-files.ts): the few
// root files that say where tests live or what is generated are read here, and a candidate's
// first lines are read for an `@generated` marker.
import { lstat, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testGlobsOf, type Config } from '../../core/config/config.js';
import { GENERATED_MARKER_WINDOW, generatedMarker, PROTECTION_SOURCES, protectedFiles, type ProtectedFiles } from '../../core/analysis/protected-files.js';

/** Larger root files are not read for test globs (a config is small). */
const MAX_SOURCE_BYTES = 256 * 1024;

export async function loadProtectedFiles(worktree: string, config: Pick<Config, 'test' | 'llm'>): Promise<ProtectedFiles> {
  const sources: Record<string, string> = {};
  for (const name of PROTECTION_SOURCES) {
    const path = join(worktree, name);
    const stats = await lstat(path).catch(() => null);
    if (!stats?.isFile() || stats.size > MAX_SOURCE_BYTES) continue;
    const text = await readFile(path, 'utf8').catch(() => null);
    if (text !== null) sources[name] = text;
  }
  return protectedFiles(testGlobsOf(config), sources);
}

/** Why a file is generated, from a marker in its first bytes; null when it has none (or cannot be read). */
export async function generatedReason(worktree: string, file: string): Promise<string | null> {
  const handle = await open(join(worktree, file), 'r').catch(() => null);
  if (!handle) return null;
  try {
    const buffer = Buffer.alloc(GENERATED_MARKER_WINDOW);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return generatedMarker(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

/** Path rules first, then the marker: why Kaizen may not change `file`, or null. */
export async function protectionReason(worktree: string, protection: ProtectedFiles, file: string): Promise<string | null> {
  return protection.reasonFor(file) ?? (await generatedReason(worktree, file));
}
