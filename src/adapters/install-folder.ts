// Kaizen's own install folder (the one with its package.json): home of the bundled ESLint
// config, the sample repository and the tools `npm ci` installs. Found from this module's
// location, so it is right from src/ (tsx) and from a compiled dist/ alike.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function nearestPackageFolder(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) return start;
  }
}

export const KAIZEN_HOME = nearestPackageFolder(dirname(fileURLToPath(import.meta.url)));
