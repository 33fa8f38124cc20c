// `kaizen doctor`: the result of one check, how a report is printed, and the exit code.
// Pure, so the format and the rules are unit-tested without any of the systems checked.
import { KAIZEN_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes.js';

export interface DoctorCheck {
  name: string;
  /** False only for a failure; a warning or a skipped check is still ok. */
  ok: boolean;
  detail: string;
  /** What to do about a failure (or a warning). */
  fix?: string;
  /** Not run: not configured, or something it needs failed first (`detail` says why). */
  skipped?: boolean;
  /** Works, but with a caveat worth knowing. */
  warning?: string;
}

export function passed(name: string, detail: string): DoctorCheck {
  return { name, ok: true, detail };
}

export function warned(name: string, detail: string, warning: string, fix?: string): DoctorCheck {
  return { name, ok: true, detail, warning, ...(fix ? { fix } : {}) };
}

export function failed(name: string, detail: string, fix: string): DoctorCheck {
  return { name, ok: false, detail, fix };
}

export function skipped(name: string, why: string): DoctorCheck {
  return { name, ok: true, detail: why, skipped: true };
}

/** `✔ name: detail`, `✘ name: detail — fix: …`, `! name: warning`, `- name: skipped (why)`. */
export function formatCheck(check: DoctorCheck): string {
  if (check.skipped) return `- ${check.name}: skipped (${check.detail})`;
  if (!check.ok) return `✘ ${check.name}: ${check.detail}${check.fix ? ` — fix: ${check.fix}` : ''}`;
  if (check.warning) return `! ${check.name}: ${check.warning}${check.fix ? ` — fix: ${check.fix}` : ''}`;
  return `✔ ${check.name}: ${check.detail}`;
}

export function formatReport(checks: readonly DoctorCheck[]): string {
  const count = (p: (c: DoctorCheck) => boolean) => checks.filter(p).length;
  const failures = count((c) => !c.ok);
  const warnings = count((c) => c.ok && !c.skipped && c.warning !== undefined);
  const skips = count((c) => c.skipped === true);
  const summary = [
    `${checks.length - failures - skips} passed`,
    ...(warnings ? [`${warnings} with warnings`] : []),
    `${failures} failed`,
    ...(skips ? [`${skips} skipped`] : []),
  ].join(', ');
  return [...checks.map(formatCheck), '', summary].join('\n');
}

export function doctorExitCode(checks: readonly DoctorCheck[]): number {
  return checks.some((c) => !c.ok) ? 1 : 0;
}

/** `git version 2.43.0` (also `2.39.3 (Apple Git-145)`, `2.45.1.windows.1`) → [2, 43, 0]. */
export function parseGitVersion(output: string): [number, number, number] | null {
  const match = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

export function versionAtLeast(version: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < minimum.length; i++) {
    const have = version[i] ?? 0;
    const need = minimum[i] ?? 0;
    if (have !== need) return have > need;
  }
  return true;
}

/** Kaizen's search attributes that are not among `registered`. */
export function missingSearchAttributes(registered: Iterable<string>): string[] {
  const known = new Set(registered);
  return Object.keys(KAIZEN_SEARCH_ATTRIBUTES).filter((name) => !known.has(name));
}

export function searchAttributeCommands(namespace: string, missing: readonly string[]): string[] {
  return missing.map((name) => `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${KAIZEN_SEARCH_ATTRIBUTES[name as keyof typeof KAIZEN_SEARCH_ATTRIBUTES] ?? 'Keyword'}`);
}

/** Runs `work`, or gives `onTimeout()` when it takes longer than `ms`: doctor never hangs. */
export async function withinTimeLimit<T>(ms: number, work: () => Promise<T>, onTimeout: () => T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  try {
    return await Promise.race([work(), late]);
  } finally {
    clearTimeout(timer);
  }
}
