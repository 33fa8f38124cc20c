// SARIF 2.1 (what ruff, Semgrep, CodeQL and most linters can print) → findings. Pure.
import { relativeTo } from './eslint-report.js';
import type { Finding, Severity } from '../types.js';

export interface SarifParseOptions {
  /** Analyser id from the config, recorded on every finding. */
  analyser: string;
  /** Absolute folders the analyser ran in (worktree as given and its real path). */
  roots: readonly string[];
  /** The analyser has a fixCommand, so Kaizen can fix its findings without an LLM. */
  fixable: boolean;
}

export class SarifError extends Error {}

interface SarifMessage {
  text?: string;
  markdown?: string;
  id?: string;
  arguments?: string[];
}

interface SarifRule {
  id?: string;
  defaultConfiguration?: { level?: string };
  messageStrings?: Record<string, { text?: string }>;
  /** oxlint says per rule what its fixer does: `fixable_fix`, `conditional_fix`, `fixable_suggestion`, `none`, … */
  properties?: { fix?: unknown };
}

interface SarifArtifactLocation {
  uri?: string;
  uriBaseId?: string;
  index?: number;
}

interface SarifResult {
  ruleId?: string;
  ruleIndex?: number;
  rule?: { id?: string; index?: number };
  kind?: string;
  level?: string;
  message?: SarifMessage;
  suppressions?: unknown[];
  locations?: {
    physicalLocation?: {
      artifactLocation?: SarifArtifactLocation;
      region?: { startLine?: number; startColumn?: number; endLine?: number };
    };
  }[];
}

interface SarifRun {
  tool?: { driver?: { rules?: SarifRule[] } };
  originalUriBaseIds?: Record<string, { uri?: string }>;
  artifacts?: { location?: { uri?: string; uriBaseId?: string } }[];
  results?: SarifResult[];
}

/** Parses a SARIF log. Results outside the roots, suppressed or not failures are dropped. */
export function parseSarif(text: string, options: SarifParseOptions): Finding[] {
  let log: unknown;
  try {
    log = JSON.parse(text);
  } catch (err) {
    throw new SarifError(`the output is not JSON (${(err as Error).message}): ${text.slice(0, 200)}`);
  }
  if (typeof log !== 'object' || log === null || !Array.isArray((log as { runs?: unknown }).runs)) {
    throw new SarifError('the output is JSON but not a SARIF log (no "runs" list)');
  }
  const findings: Finding[] = [];
  for (const run of (log as { runs: SarifRun[] }).runs) {
    const rules = run.tool?.driver?.rules ?? [];
    for (const result of run.results ?? []) {
      const finding = toFinding(run, rules, result, options);
      if (finding) findings.push(finding);
    }
  }
  return findings;
}

function toFinding(run: SarifRun, rules: SarifRule[], result: SarifResult, options: SarifParseOptions): Finding | null {
  if (result.kind !== undefined && result.kind !== 'fail') return null;
  if (Array.isArray(result.suppressions) && result.suppressions.length > 0) return null;
  const physical = result.locations?.[0]?.physicalLocation;
  if (!physical?.artifactLocation) return null;
  const file = repoPathOf(run, physical.artifactLocation, options.roots);
  if (file === null) return null;
  const ruleIndex = result.ruleIndex ?? result.rule?.index;
  const rule = ruleIndex !== undefined ? rules[ruleIndex] : undefined;
  const ruleId = result.ruleId ?? result.rule?.id ?? rule?.id ?? 'unknown';
  const ruleMeta = rule ?? rules.find((r) => r.id === ruleId);
  const finding: Finding = {
    file,
    line: physical.region?.startLine ?? 1,
    column: physical.region?.startColumn ?? 1,
    ruleId,
    message: messageText(result.message, ruleMeta) ?? ruleId,
    // SARIF's default level is "warning".
    severity: severityOf(result.level ?? ruleMeta?.defaultConfiguration?.level ?? 'warning'),
    analyser: options.analyser,
    fixable: options.fixable && fixCommandFixes(ruleMeta),
  };
  if (physical.region?.endLine !== undefined) finding.endLine = physical.region.endLine;
  return finding;
}

/**
 * Whether the tool's fix command (which applies safe fixes only) can fix this rule. A tool
 * that says nothing is trusted; one that calls the rule's fix a suggestion, dangerous or none
 * is not, so autofix never targets a finding its fixer would leave in place.
 */
function fixCommandFixes(rule: SarifRule | undefined): boolean {
  const kind = rule?.properties?.fix;
  if (typeof kind !== 'string') return true;
  return kind === 'fixable_fix' || kind === 'conditional_fix' || kind === 'fix';
}

function messageText(message: SarifMessage | undefined, rule: SarifRule | undefined): string | undefined {
  if (!message) return undefined;
  const template = message.text ?? message.markdown ?? (message.id ? rule?.messageStrings?.[message.id]?.text : undefined);
  if (template === undefined) return undefined;
  const args = message.arguments ?? [];
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => args[Number(index)] ?? whole);
}

function severityOf(level: string): Severity {
  if (level === 'error') return 'error';
  if (level === 'warning') return 'warning';
  return 'info';
}

function repoPathOf(run: SarifRun, location: SarifArtifactLocation, roots: readonly string[]): string | null {
  let uri = location.uri;
  let baseId = location.uriBaseId;
  if (uri === undefined && location.index !== undefined) {
    const artifact = run.artifacts?.[location.index]?.location;
    uri = artifact?.uri;
    baseId = baseId ?? artifact?.uriBaseId;
  }
  if (!uri) return null;
  const base = baseId !== undefined ? run.originalUriBaseIds?.[baseId]?.uri : undefined;
  if (!isAbsoluteUri(uri) && base && base.startsWith('file:')) {
    uri = base.endsWith('/') ? base + uri : `${base}/${uri}`;
  }
  if (isAbsoluteUri(uri)) {
    if (!uri.startsWith('file:')) return null;
    return relativeTo(normaliseSegments(decodeURIComponent(new URL(uri).pathname)), roots);
  }
  // Relative to the folder the analyser ran in (or to an unknown base such as %SRCROOT%,
  // which tools set to that folder).
  const relative = normaliseSegments(decodeURIComponent(uri).replace(/\\/g, '/'));
  if (relative.startsWith('/')) return relativeTo(relative, roots);
  if (relative === '' || relative === '..' || relative.startsWith('../')) return null;
  return relative;
}

function isAbsoluteUri(uri: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(uri);
}

/** Resolves `.` and `..` segments; a leading `..` that cannot be resolved is kept. */
function normaliseSegments(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (segment === '..' && absolute) continue;
    else out.push(segment);
  }
  return (absolute ? '/' : '') + out.join('/');
}
