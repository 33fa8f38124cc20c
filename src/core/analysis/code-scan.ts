// A small syntax-only scan of JavaScript and TypeScript with the `typescript` parser: every
// function with its lines and cyclomatic complexity, and the regions around given lines that
// a prompt shows for big files. Pure (text in, data out), but not for workflow code: it pulls
// in the TypeScript compiler.
import ts from 'typescript';

export interface FunctionInfo {
  /** `total`, `Cart.add`, `(anonymous)`. */
  name: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** Cyclomatic complexity as ESLint's `complexity` rule counts it (1 + decision points). */
  complexity: number;
  isAsync: boolean;
  /** Nesting depth among functions: 0 for a top-level function or a method. */
  depth: number;
}

export interface Region {
  /** 1-based, inclusive. */
  from: number;
  to: number;
  /** What the region is, e.g. `function total` or `lines 70–130`. */
  label: string;
}

const SCRIPT_KINDS: Record<string, ts.ScriptKind> = {
  js: ts.ScriptKind.JS,
  mjs: ts.ScriptKind.JS,
  cjs: ts.ScriptKind.JS,
  jsx: ts.ScriptKind.JSX,
  ts: ts.ScriptKind.TS,
  mts: ts.ScriptKind.TS,
  cts: ts.ScriptKind.TS,
  tsx: ts.ScriptKind.TSX,
};

/** The parsed file, or null when the path is not JavaScript or TypeScript. */
export function parseSource(path: string, content: string): ts.SourceFile | null {
  const extension = /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase();
  const kind = extension === undefined ? undefined : SCRIPT_KINDS[extension];
  if (kind === undefined) return null;
  return ts.createSourceFile(path, content, ts.ScriptTarget.Latest, true, kind);
}

export function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

export function lineOf(source: ts.SourceFile, position: number): number {
  return source.getLineAndCharacterOfPosition(position).line + 1;
}

/** Every function of the file with its complexity; null when the file is not JS/TS. */
export function scanFunctions(path: string, content: string): FunctionInfo[] | null {
  const source = parseSource(path, content);
  if (!source) return null;
  const functions: FunctionInfo[] = [];
  const visit = (node: ts.Node, depth: number) => {
    if (isFunctionLike(node) && node.body) {
      functions.push({
        name: functionName(node),
        startLine: lineOf(source, node.getStart(source)),
        endLine: lineOf(source, node.getEnd()),
        complexity: complexityOf(node),
        isAsync: hasModifier(node, ts.SyntaxKind.AsyncKeyword),
        depth,
      });
      ts.forEachChild(node, (child) => visit(child, depth + 1));
      return;
    }
    ts.forEachChild(node, (child) => visit(child, depth));
  };
  visit(source, 0);
  return functions;
}

/** A readable, stable name: declarations by name, expressions by what they are assigned to. */
export function functionName(node: ts.FunctionLikeDeclaration): string {
  const own = node.name && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name) || ts.isStringLiteral(node.name)) ? node.name.text : null;
  if (ts.isConstructorDeclaration(node)) return `${className(node.parent)}.constructor`;
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) {
    const owner = ts.isClassLike(node.parent) ? `${className(node.parent)}.` : '';
    return `${owner}${own ?? '(computed)'}`;
  }
  if (own) return own;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) && (ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name))) return parent.name.text;
  if (ts.isPropertyDeclaration(parent) && ts.isIdentifier(parent.name)) return `${className(parent.parent)}.${parent.name.text}`;
  if (ts.isExportAssignment(parent)) return 'default';
  return '(anonymous)';
}

function className(node: ts.Node): string {
  return ts.isClassLike(node) && node.name ? node.name.text : '(class)';
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []).some((m) => m.kind === kind) : false;
}

const LOGICAL = new Set([
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/** 1 + branches of this function, not counting nested functions (they have their own). */
export function complexityOf(fn: ts.FunctionLikeDeclaration): number {
  let count = 1;
  const visit = (node: ts.Node) => {
    if (node !== fn && isFunctionLike(node)) return;
    if (
      ts.isIfStatement(node) ||
      ts.isConditionalExpression(node) ||
      ts.isForStatement(node) ||
      ts.isForInStatement(node) ||
      ts.isForOfStatement(node) ||
      ts.isWhileStatement(node) ||
      ts.isDoStatement(node) ||
      ts.isCatchClause(node) ||
      ts.isCaseClause(node)
    ) {
      count++;
    } else if (ts.isBinaryExpression(node) && LOGICAL.has(node.operatorToken.kind)) {
      count++;
    } else if ((ts.isParameter(node) || ts.isBindingElement(node)) && node.initializer) {
      count++;
    }
    ts.forEachChild(node, visit);
  };
  visit(fn);
  return count;
}

/** Regions longer than this are not shown whole; a window around the line is shown instead. */
export const MAX_REGION_LINES = 150;
export const FALLBACK_RADIUS = 30;

/**
 * The regions a prompt shows for `lines` of a big file: for each line, the outermost function
 * (or class member, or top-level statement) around it that is at most MAX_REGION_LINES long,
 * else a window of FALLBACK_RADIUS lines; overlapping regions are merged.
 */
export function enclosingRegions(path: string, content: string, lines: readonly number[]): Region[] {
  const lineCount = content.split('\n').length;
  const source = parseSource(path, content);
  const regions: Region[] = [];
  for (const line of lines) {
    if (line < 1 || line > lineCount) continue;
    const found = source ? enclosingNode(source, line) : null;
    regions.push(found ?? { from: Math.max(1, line - FALLBACK_RADIUS), to: Math.min(lineCount, line + FALLBACK_RADIUS), label: `lines around ${line}` });
  }
  return mergeRegions(regions);
}

function enclosingNode(source: ts.SourceFile, line: number): Region | null {
  let best: Region | null = null;
  const visit = (node: ts.Node, topLevel: boolean) => {
    const from = lineOf(source, node.getStart(source));
    const to = lineOf(source, node.getEnd());
    if (line < from || line > to) return;
    const fits = to - from + 1 <= MAX_REGION_LINES;
    if (fits && best === null && (topLevel || isFunctionLike(node) || ts.isClassElement(node))) {
      best = { from, to, label: describeNode(node) };
      return;
    }
    ts.forEachChild(node, (child) => visit(child, false));
  };
  source.statements.forEach((statement) => visit(statement, true));
  return best;
}

function describeNode(node: ts.Node): string {
  if (isFunctionLike(node)) return `function ${functionName(node)}`;
  if (ts.isClassElement(node) && node.name && ts.isIdentifier(node.name)) return `member ${node.name.text}`;
  if (ts.isClassLike(node)) return `class ${className(node)}`;
  if (ts.isVariableStatement(node)) {
    const names = node.declarationList.declarations.map((d) => (ts.isIdentifier(d.name) ? d.name.text : '…'));
    return `declaration of ${names.join(', ')}`;
  }
  return 'statement';
}

export function mergeRegions(regions: readonly Region[]): Region[] {
  const sorted = regions.filter((r) => r.from <= r.to).sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: Region[] = [];
  for (const region of sorted) {
    const last = merged[merged.length - 1];
    if (last && region.from <= last.to + 1) {
      if (region.to > last.to) last.to = region.to;
      if (!last.label.split(', ').includes(region.label)) last.label = `${last.label}, ${region.label}`;
    } else {
      merged.push({ ...region });
    }
  }
  return merged;
}
