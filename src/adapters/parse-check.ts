// Does new content still parse as its language? Syntax only (no type check), so it is fast
// enough to run on every proposal before anything is written.
import { extname } from 'node:path';
import ts from 'typescript';

export type ParseCheck = { ok: true } | { ok: false; message: string };

const SCRIPT_KINDS: Record<string, ts.ScriptKind> = {
  '.js': ts.ScriptKind.JS,
  '.mjs': ts.ScriptKind.JS,
  '.cjs': ts.ScriptKind.JS,
  '.jsx': ts.ScriptKind.JSX,
  '.ts': ts.ScriptKind.TS,
  '.mts': ts.ScriptKind.TS,
  '.cts': ts.ScriptKind.TS,
  '.tsx': ts.ScriptKind.TSX,
};

export function checkParses(path: string, content: string): ParseCheck {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') {
    try {
      JSON.parse(content);
      return { ok: true };
    } catch (err) {
      return { ok: false, message: `${path} is not valid JSON: ${(err as Error).message}` };
    }
  }
  const scriptKind = SCRIPT_KINDS[extension];
  if (scriptKind === undefined) return { ok: true };
  const diagnostics = syntaxDiagnostics(path, content, scriptKind);
  const first = diagnostics[0];
  if (!first) return { ok: true };
  return { ok: false, message: formatDiagnostic(path, first) + (diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '') };
}

function syntaxDiagnostics(path: string, content: string, scriptKind: ts.ScriptKind): readonly ts.Diagnostic[] {
  const source = ts.createSourceFile(path, content, ts.ScriptTarget.Latest, false, scriptKind);
  // `parseDiagnostics` is internal to TypeScript but stable for years and costs no second
  // parse; should it ever go away, transpileModule reports the same syntax errors.
  const internal = (source as unknown as { parseDiagnostics?: unknown }).parseDiagnostics;
  if (Array.isArray(internal)) return internal as ts.Diagnostic[];
  const transpiled = ts.transpileModule(content, { fileName: path, reportDiagnostics: true, compilerOptions: { allowJs: true } });
  return transpiled.diagnostics ?? [];
}

function formatDiagnostic(path: string, diagnostic: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  if (diagnostic.file && diagnostic.start !== undefined) {
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${path}:${line + 1}:${character + 1}: ${text}`;
  }
  return `${path}: ${text}`;
}
