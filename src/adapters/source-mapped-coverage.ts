// V8 coverage of code that ran transformed (TypeScript through tsx, or anything a loader
// compiled) mapped back to the lines of the file on disk, with v8-to-istanbul (the converter c8
// uses). Node writes each transformed module's source map and the line lengths of the code that
// ran into the coverage file's `source-map-cache`; as c8 does, a stand-in of those lengths is
// the generated source, and the file on disk the original.
import v8ToIstanbul from 'v8-to-istanbul';
import type { V8ScriptCoverage } from '../core/change/line-coverage.js';

/** The source map input v8-to-istanbul takes (its own copy of trace-mapping's type). */
type SourceMapInput = Extract<NonNullable<Parameters<typeof v8ToIstanbul>[2]>, { sourceMap: unknown }>['sourceMap']['sourcemap'];

/** One entry of a coverage file's `source-map-cache`. */
export interface SourceMapCacheEntry {
  lineLengths: number[];
  /** The source map (version 3), as Node parsed it. */
  data: object;
}

/** One process's coverage of a transformed script, with the source map it ran under. */
export interface MappedScript {
  script: V8ScriptCoverage;
  sourceMap: SourceMapCacheEntry;
}

/**
 * Per 1-based line of the original file: the highest count any process reported for it
 * (v8-to-istanbul gives every line the count of the innermost range it maps into).
 */
export async function mappedLineHits(path: string, originalSource: string, runs: readonly MappedScript[]): Promise<Map<number, number>> {
  const hits = new Map<number, number>();
  for (const run of runs) {
    const source = run.sourceMap.lineLengths.map((length) => '.'.repeat(length)).join('\n');
    const converter = v8ToIstanbul(path, 0, { source, originalSource, sourceMap: { sourcemap: run.sourceMap.data as SourceMapInput } });
    try {
      await converter.load();
      converter.applyCoverage(run.script.functions.map((f) => ({ functionName: f.functionName, ranges: f.ranges, isBlockCoverage: true })));
      for (const file of Object.values(converter.toIstanbul())) {
        for (const [id, location] of Object.entries(file.statementMap)) {
          const line = location.start.line;
          hits.set(line, Math.max(hits.get(line) ?? 0, file.s[id] ?? 0));
        }
      }
    } finally {
      converter.destroy();
    }
  }
  return hits;
}
