// The syntactic scope of a finding: the lines an edit meant to fix it may touch. For JS/TS it
// comes from the TypeScript parser: the innermost statement around the finding (`llm`), the
// enclosing function (`llm-error-handling`, which may need the function to await or return),
// or the flagged function itself (`llm-complexity`). Other languages get the paragraph of
// code around the finding (up to the blank lines on either side). Pure.
import ts from 'typescript';
import { functionName, isFunctionLike, lineOf, parseSource } from '../analysis/code-scan.js';
import type { Finding } from '../types.js';
import { splitLines } from './hunks.js';

export type ScopeLevel = 'statement' | 'function' | 'flagged-function';

export interface Scope {
  /** 1-based, inclusive lines of the old text. */
  from: number;
  to: number;
  /** What the scope is, e.g. `statement at line 3` or `function total`. */
  label: string;
  finding: Finding;
}

/** Paragraphs of unparsed languages are capped at this many lines on each side of the finding. */
export const PARAGRAPH_RADIUS = 20;

const STATEMENT_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.VariableStatement,
  ts.SyntaxKind.ExpressionStatement,
  ts.SyntaxKind.ReturnStatement,
  ts.SyntaxKind.IfStatement,
  ts.SyntaxKind.ForStatement,
  ts.SyntaxKind.ForInStatement,
  ts.SyntaxKind.ForOfStatement,
  ts.SyntaxKind.WhileStatement,
  ts.SyntaxKind.DoStatement,
  ts.SyntaxKind.SwitchStatement,
  ts.SyntaxKind.ThrowStatement,
  ts.SyntaxKind.TryStatement,
  ts.SyntaxKind.LabeledStatement,
  ts.SyntaxKind.BreakStatement,
  ts.SyntaxKind.ContinueStatement,
  ts.SyntaxKind.DebuggerStatement,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.ModuleDeclaration,
  ts.SyntaxKind.ImportDeclaration,
  ts.SyntaxKind.ImportEqualsDeclaration,
  ts.SyntaxKind.ExportDeclaration,
  ts.SyntaxKind.ExportAssignment,
  ts.SyntaxKind.PropertyDeclaration,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
]);

/** The scope of each finding at the given level (findings outside the text get their own lines). */
export function findingScopes(path: string, content: string, findings: readonly Finding[], level: ScopeLevel): Scope[] {
  const source = parseSource(path, content);
  const lines = splitLines(content);
  return findings.map((finding) => {
    const first = Math.max(1, finding.line);
    const last = Math.max(first, finding.endLine ?? first);
    const found = source ? astScope(source, first, last, level) : paragraphScope(lines, first, last);
    return { ...(found ?? { from: first, to: last, label: `line ${first}` }), finding };
  });
}

function astScope(source: ts.SourceFile, first: number, last: number, level: ScopeLevel): Omit<Scope, 'finding'> | null {
  const span = (node: ts.Node) => ({ from: lineOf(source, node.getStart(source)), to: lineOf(source, node.getEnd()) });
  // The innermost statement and function around the finding, and a function starting on its line.
  const found: { statement?: ts.Node; fn?: ts.Node; flagged?: ts.Node } = {};
  const visit = (node: ts.Node) => {
    const { from, to } = span(node);
    if (isFunctionLike(node) && node.body && from === first) found.flagged ??= node;
    if (from > first || to < last) return;
    if (STATEMENT_KINDS.has(node.kind)) found.statement = node;
    if (isFunctionLike(node) && node.body) found.fn = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
  const described = (node: ts.Node | undefined, what: (n: ts.Node) => string) => (node ? { ...span(node), label: what(node) } : null);
  const functionLabel = (node: ts.Node) => `function ${functionName(node as ts.FunctionLikeDeclaration)}`;
  const statementLabel = (node: ts.Node) => {
    const { from, to } = span(node);
    return from === to ? `statement at line ${from}` : `statement at lines ${from}–${to}`;
  };
  if (level === 'flagged-function') return described(found.flagged ?? found.fn, functionLabel) ?? described(found.statement, statementLabel);
  if (level === 'function') return described(found.fn, functionLabel) ?? described(found.statement, statementLabel);
  return described(found.statement, statementLabel);
}

/** The lines around the finding up to a blank line on either side (at most PARAGRAPH_RADIUS). */
function paragraphScope(lines: readonly string[], first: number, last: number): Omit<Scope, 'finding'> {
  const blank = (line: number) => (lines[line - 1] ?? '').trim() === '';
  let from = first;
  while (from > 1 && from > first - PARAGRAPH_RADIUS && !blank(from - 1)) from--;
  let to = Math.min(last, lines.length);
  while (to < lines.length && to < last + PARAGRAPH_RADIUS && !blank(to + 1)) to++;
  return { from, to, label: from === to ? `line ${from}` : `lines ${from}–${to}` };
}

/** Lines of import declarations and top-level `require` statements (what a fix may need to add to). */
export function importLines(path: string, content: string): Set<number> {
  const lines = new Set<number>();
  const source = parseSource(path, content);
  if (source) {
    for (const statement of source.statements) {
      if (isImport(statement)) {
        for (let line = lineOf(source, statement.getStart(source)); line <= lineOf(source, statement.getEnd()); line++) lines.add(line);
      }
    }
    return lines;
  }
  // Python and the like: `import x`, `from x import y` at the start of a line.
  splitLines(content).forEach((text, index) => {
    if (/^(import\s+\S|from\s+\S+\s+import\s)/.test(text)) lines.add(index + 1);
  });
  return lines;
}

function isImport(statement: ts.Statement): boolean {
  if (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement)) return true;
  if (!ts.isVariableStatement(statement)) return false;
  return statement.declarationList.declarations.every((d) => d.initializer !== undefined && isRequireCall(d.initializer));
}

function isRequireCall(node: ts.Expression): boolean {
  const call = ts.isPropertyAccessExpression(node) ? node.expression : node;
  return ts.isCallExpression(call) && ts.isIdentifier(call.expression) && call.expression.text === 'require';
}
