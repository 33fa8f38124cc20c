// Which repo paths Kaizen leaves alone (DEFAULT_EXCLUDES plus the config's `exclude`) and
// which an analyser reads (its `include`). Paths are repo-relative POSIX paths.
import picomatch from 'picomatch';
import { DEFAULT_EXCLUDES, type Config } from '../config/config.js';

export type PathMatcher = (path: string) => boolean;

/**
 * Compiles globs into one matcher. Like .gitignore, a pattern that matches a folder also
 * matches everything below it, so `exclude: ["legacy"]` leaves all of `legacy/` alone.
 * Dot files match (`**\/.env` must catch `.env`).
 */
export function compileGlobs(globs: readonly string[]): PathMatcher {
  if (globs.length === 0) return () => false;
  const matches = picomatch([...globs], { dot: true });
  return (path: string) => {
    const normalised = normalisePath(path);
    if (matches(normalised)) return true;
    const parts = normalised.split('/');
    for (let i = parts.length - 1; i > 0; i--) {
      if (matches(parts.slice(0, i).join('/'))) return true;
    }
    return false;
  };
}

/** A matcher for the built-in excludes plus `config.exclude`; compile once for many paths. */
export function compileExcludes(config: Pick<Config, 'exclude'>): PathMatcher {
  return compileGlobs([...DEFAULT_EXCLUDES, ...config.exclude]);
}

export function isExcluded(path: string, config: Pick<Config, 'exclude'>): boolean {
  return compileExcludes(config)(path);
}

function normalisePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}
