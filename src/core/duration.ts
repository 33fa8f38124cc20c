// Durations as written in kaizen.config.json ("90s", "10m", "6h"). Pure, so workflows use it too.

/** What kaizen.config.json accepts as a duration. */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s" → 90000. Accepts 0 for "no wait". */
export function durationMs(value: string | 0): number {
  if (value === 0) return 0;
  const match = DURATION_PATTERN.exec(value);
  if (!match) throw new Error(`invalid duration '${value}'`);
  return Math.round(Number(match[1]) * (UNIT_MS[match[2] as string] as number));
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`;
  return `${(ms / 3_600_000).toFixed(1)}h`;
}
