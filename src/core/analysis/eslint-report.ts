// ESLint's `--format json` output → findings, plus the fixed source of `--fix-dry-run`.
// Pure: the adapter runs ESLint, this turns what it printed into Kaizen's vocabulary.
import type { Finding, Severity } from '../types.js';

export const ESLINT_ANALYSER = 'eslint';
/** ruleId of a file ESLint could not parse. */
export const PARSE_ERROR_RULE = 'parse-error';
/** ruleId of ESLint's own reports about comments (e.g. an unused eslint-disable directive). */
export const ESLINT_COMMENT_RULE = 'eslint-comment';

export interface EslintFileReport {
  /** Repo-relative POSIX path. */
  file: string;
  findings: Finding[];
  /** The fixed source (only with --fix / --fix-dry-run, only when a fix applied). */
  output?: string;
}

interface RawMessage {
  ruleId?: string | null;
  fatal?: boolean;
  severity?: number;
  message?: string;
  line?: number;
  column?: number;
  endLine?: number;
  fix?: unknown;
  suggestions?: unknown[];
}

interface RawResult {
  filePath: string;
  messages: RawMessage[];
  output?: string;
}

export class EslintReportError extends Error {}

/**
 * Parses ESLint's JSON report. `roots` are the absolute folders ESLint ran in (the worktree
 * as given and its real path): file paths are made relative to the first that contains them;
 * results outside every root are dropped.
 */
export function parseEslintReport(json: string, roots: readonly string[]): EslintFileReport[] {
  return reportsOfResults(parseJsonReport(json), roots);
}

/** The same for results already parsed (ESLint's API answers, as the JSON formatter would print them). */
export function reportsOfResults(raw: unknown, roots: readonly string[]): EslintFileReport[] {
  if (!Array.isArray(raw)) throw new EslintReportError('ESLint printed JSON that is not a list of file results');
  const reports: EslintFileReport[] = [];
  for (const item of raw) {
    if (!isRawResult(item)) throw new EslintReportError('ESLint printed a file result without filePath and messages');
    const file = relativeTo(item.filePath, roots);
    if (file === null) continue;
    const findings = item.messages.flatMap((m) => toFinding(file, m));
    const report: EslintFileReport = { file, findings };
    if (typeof item.output === 'string') report.output = item.output;
    reports.push(report);
  }
  return reports;
}

/** The JSON formatter prints one line; plugins that log on load may print lines before it. */
function parseJsonReport(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const lastLine = text.trimEnd().split('\n').at(-1) ?? '';
    if (lastLine.startsWith('[')) {
      try {
        return JSON.parse(lastLine);
      } catch {
        // Fall through to the error about the whole output.
      }
    }
    throw new EslintReportError(`ESLint did not print a JSON report (${(err as Error).message}): ${text.slice(0, 200)}`);
  }
}

function toFinding(file: string, message: RawMessage): Finding[] {
  const text = message.message ?? '';
  if (message.fatal) {
    return [
      {
        file,
        line: message.line ?? 1,
        column: message.column ?? 1,
        ruleId: PARSE_ERROR_RULE,
        message: text,
        severity: 'error',
        analyser: ESLINT_ANALYSER,
        fixable: false,
        fatal: true,
      },
    ];
  }
  // The two reports that describe ESLint's setup, not the code: a file a repo config
  // ignores (older ESLint without --no-warn-ignored), and a disable comment naming a rule
  // of a plugin the active config does not load (always the case with Kaizen's own rules).
  if (!message.ruleId && text.startsWith('File ignored')) return [];
  if (message.ruleId && /^Definition for rule '.*' was not found\.?$/.test(text)) return [];
  const finding: Finding = {
    file,
    line: message.line ?? 1,
    column: message.column ?? 1,
    ruleId: message.ruleId || ESLINT_COMMENT_RULE,
    message: text,
    severity: severityOf(message.severity),
    analyser: ESLINT_ANALYSER,
    fixable: message.fix !== undefined && message.fix !== null,
  };
  if (message.endLine !== undefined) finding.endLine = message.endLine;
  if (Array.isArray(message.suggestions) && message.suggestions.length > 0) finding.hasSuggestions = true;
  return [finding];
}

function severityOf(severity: number | undefined): Severity {
  if (severity === 2) return 'error';
  if (severity === 1) return 'warning';
  return 'info';
}

function isRawResult(value: unknown): value is RawResult {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.filePath === 'string' && Array.isArray(record.messages);
}

/** `root/sub/file.js` → `sub/file.js`; null when the path is under none of the roots. */
export function relativeTo(absolutePath: string, roots: readonly string[]): string | null {
  const path = absolutePath.replace(/\\/g, '/');
  for (const root of roots) {
    const prefix = `${root.replace(/\\/g, '/').replace(/\/+$/, '')}/`;
    if (path.startsWith(prefix) && path.length > prefix.length) return path.slice(prefix.length);
  }
  return null;
}
