// Incremental analysis for cycles: findings are cached per analysed commit, and the next cycle
// re-analyses only the files changed since then. Pure: the activity reads git and the disk.
import type { Finding } from '../types.js';

export const FINDINGS_CACHE_VERSION = 1;

export interface FindingsCacheFile {
  version: number;
  commit: string;
  /** Hash of everything besides the files that decides the findings (analysers, excludes, Kaizen's version). */
  configKey: string;
  /** Files analysed at that commit (with or without findings). */
  files: string[];
  findings: Finding[];
}

/**
 * Files whose change can change the findings of OTHER files (analyser configs, dependency
 * versions): any of them changed means a full analysis.
 */
const INVALIDATING = [
  /(^|\/)eslint\.config\.[cm]?[jt]s$/,
  /(^|\/)\.eslintrc(\.[a-z]+)?$/,
  /(^|\/)\.eslintignore$/,
  /(^|\/)package\.json$/,
  /(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?)$/,
  /(^|\/)tsconfig(\.[\w-]+)?\.json$/,
  /(^|\/)kaizen\.config\.json$/,
  /(^|\/)(pyproject\.toml|ruff\.toml|\.ruff\.toml|setup\.cfg|\.semgrep\.ya?ml)$/,
  /(^|\/)(biome\.jsonc?|\.oxlintrc\.json)$/,
  // What says which files are tests or generated (never analysed).
  /(^|\/)((jest|vitest|vite)\.config\.[cm]?[jt]s|jest\.config\.json|\.mocharc(\.[a-z]+)?|pytest\.ini|\.gitattributes)$/,
];

export function invalidatesCache(path: string): boolean {
  return INVALIDATING.some((re) => re.test(path));
}

export interface IncrementalPlan {
  /** Files the analysers must run on. */
  reanalyse: string[];
  /** Findings kept from the cache (files unchanged since its commit). */
  reused: Finding[];
  /** The commit reused, or null for a full analysis. */
  reusedFrom: string | null;
  /** Why a full analysis was needed, when it was. */
  fullBecause?: string;
}

export interface PlanInput {
  cache: FindingsCacheFile | null;
  configKey: string;
  /** Files that may be analysed now (tracked, read by an analyser, not excluded, small enough). */
  eligible: readonly string[];
  /** Files changed between the cache's commit and now; null when git could not tell. */
  changed: readonly string[] | null;
}

export function planIncremental(input: PlanInput): IncrementalPlan {
  const full = (why: string): IncrementalPlan => ({ reanalyse: [...input.eligible], reused: [], reusedFrom: null, fullBecause: why });
  const { cache } = input;
  if (!cache) return full('no earlier analysis');
  if (cache.version !== FINDINGS_CACHE_VERSION) return full('the cache is from another Kaizen version');
  if (cache.configKey !== input.configKey) return full('the analyser configuration changed');
  if (input.changed === null) return full(`the cached commit ${cache.commit.slice(0, 8)} is no longer known`);
  const invalidating = input.changed.find(invalidatesCache);
  if (invalidating) return full(`${invalidating} changed`);
  const changed = new Set(input.changed);
  const known = new Set(cache.files);
  const reanalyse = input.eligible.filter((f) => changed.has(f) || !known.has(f));
  const again = new Set(reanalyse);
  const eligible = new Set(input.eligible);
  const reused = cache.findings.filter((f) => eligible.has(f.file) && !again.has(f.file));
  return { reanalyse, reused, reusedFrom: cache.commit };
}

/** Reads a cache file's JSON; anything unexpected is no cache at all (the next analysis is full). */
export function parseFindingsCache(text: string): FindingsCacheFile | null {
  try {
    const value = JSON.parse(text) as Partial<FindingsCacheFile>;
    if (typeof value.commit !== 'string' || typeof value.configKey !== 'string' || !Array.isArray(value.files) || !Array.isArray(value.findings)) return null;
    return { version: Number(value.version), commit: value.commit, configKey: value.configKey, files: value.files, findings: value.findings };
  } catch {
    return null;
  }
}
