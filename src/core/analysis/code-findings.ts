// Kaizen's own findings for the prompt kinds beyond lint fixes: functions over the complexity
// threshold, promise rejections nobody handles, and exported functions no test mentions. Pure
// (text in, findings out). Messages carry no line numbers or counts, so the verify gate can
// match a finding before and after a change that moved it.
import ts from 'typescript';
import { functionName, isFunctionLike, lineOf, parseSource, scanFunctions } from './code-scan.js';
import { KAIZEN_ANALYSER, KAIZEN_RULES, type KaizenRule } from '../llm/kinds.js';
import type { Finding } from '../types.js';

function finding(file: string, line: number, rule: KaizenRule, message: string, endLine?: number): Finding {
  return {
    file,
    line,
    column: 1,
    ...(endLine !== undefined ? { endLine } : {}),
    ruleId: rule,
    message,
    severity: 'warning',
    analyser: KAIZEN_ANALYSER,
    fixable: false,
  };
}

/** Functions whose cyclomatic complexity is over `threshold`. */
export function complexityFindings(file: string, content: string, threshold: number): Finding[] {
  return (scanFunctions(file, content) ?? [])
    .filter((fn) => fn.complexity > threshold)
    .map((fn) =>
      finding(file, fn.startLine, KAIZEN_RULES.complexity, `${describe(fn.name)} has a cyclomatic complexity over ${threshold}.`, fn.endLine),
    );
}

function describe(name: string): string {
  return name === '(anonymous)' ? 'An anonymous function' : `Function '${name}'`;
}

const TIMER_CALLS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);
const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'addEventListener']);

/**
 * Rejections that nobody can handle: a `.then()` chain used as a statement without `.catch()`
 * (or a rejection handler), and an async callback handed to a timer or an event listener that
 * awaits outside try/catch. Awaited or returned promises are the caller's business.
 */
export function errorHandlingFindings(file: string, content: string): Finding[] {
  const source = parseSource(file, content);
  if (!source) return [];
  const found: Finding[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isExpressionStatement(node) && isFloatingThenChain(node.expression)) {
      found.push(finding(file, lineOf(source, node.getStart(source)), KAIZEN_RULES.errorHandling, `A promise chain in ${where(node)} has no .catch(): its rejection is unhandled.`));
    }
    if (ts.isCallExpression(node)) {
      const api = callbackApi(node);
      const callback = api ? node.arguments.find((a) => (ts.isArrowFunction(a) || ts.isFunctionExpression(a)) && isAsync(a)) : undefined;
      if (api && callback && awaitsOutsideTry(callback as ts.ArrowFunction | ts.FunctionExpression)) {
        found.push(
          finding(file, lineOf(source, node.getStart(source)), KAIZEN_RULES.errorHandling, `An async callback passed to ${api} in ${where(node)} awaits without try/catch: its rejection is unhandled.`),
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isAsync(fn: ts.ArrowFunction | ts.FunctionExpression): boolean {
  return (ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

/** `p.then(a)`, `p.then(a).then(b)`; not when any link is `.catch`, `.then(a, onError)`. */
function isFloatingThenChain(expression: ts.Expression): boolean {
  let node: ts.Expression = expression;
  let sawThen = false;
  while (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const method = node.expression.name.text;
    if (method === 'catch') return false;
    if (method === 'then') {
      if (node.arguments.length >= 2) return false;
      sawThen = true;
    }
    node = node.expression.expression;
  }
  return sawThen;
}

function callbackApi(call: ts.CallExpression): string | null {
  const callee = call.expression;
  if (ts.isIdentifier(callee) && TIMER_CALLS.has(callee.text)) return callee.text;
  if (ts.isPropertyAccessExpression(callee) && LISTENER_METHODS.has(callee.name.text)) return `.${callee.name.text}()`;
  return null;
}

function awaitsOutsideTry(fn: ts.ArrowFunction | ts.FunctionExpression): boolean {
  let found = false;
  const visit = (node: ts.Node, inTry: boolean) => {
    if (found || (node !== fn && isFunctionLike(node))) return;
    if (ts.isAwaitExpression(node) && !inTry) {
      found = true;
      return;
    }
    if (ts.isTryStatement(node) && node.catchClause) {
      visit(node.tryBlock, true);
      visit(node.catchClause, inTry);
      if (node.finallyBlock) visit(node.finallyBlock, inTry);
      return;
    }
    ts.forEachChild(node, (child) => visit(child, inTry));
  };
  visit(fn, false);
  return found;
}

/** `'load'` (the enclosing function) or `the module`: stable across edits elsewhere. */
function where(node: ts.Node): string {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (isFunctionLike(n)) return `'${functionName(n)}'`;
  }
  return 'the module';
}

export interface ExportedFunction {
  name: string;
  line: number;
}

/** Functions the module exports by name (declarations, `export const f = () => …`, `export { f }`). */
export function exportedFunctions(file: string, content: string): ExportedFunction[] {
  const source = parseSource(file, content);
  if (!source) return [];
  const local = new Map<string, number>();
  const exported: ExportedFunction[] = [];
  const isExported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of source.statements) {
    const line = lineOf(source, statement.getStart(source));
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) {
      local.set(statement.name.text, line);
      if (isExported(statement)) exported.push({ name: statement.name.text, line });
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer;
        if (!ts.isIdentifier(declaration.name) || !init || !(ts.isArrowFunction(init) || ts.isFunctionExpression(init))) continue;
        local.set(declaration.name.text, line);
        if (isExported(statement)) exported.push({ name: declaration.name.text, line });
      }
    }
  }
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || statement.moduleSpecifier || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) continue;
    for (const element of statement.exportClause.elements) {
      const localName = (element.propertyName ?? element.name).getText(source);
      const line = local.get(localName);
      if (line !== undefined) exported.push({ name: element.name.getText(source), line });
    }
  }
  return exported;
}

/** Exported functions whose name appears in none of the test files' texts. */
export function untestedExportFindings(file: string, content: string, testTexts: readonly string[]): Finding[] {
  return exportedFunctions(file, content)
    .filter((fn) => fn.name !== 'default' && !testTexts.some((text) => mentions(text, fn.name)))
    .map((fn) => finding(file, fn.line, KAIZEN_RULES.untestedExport, `Exported function '${fn.name}' is not referenced by any test file.`));
}

function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[$]/g, '\\$');
  return new RegExp(`(^|[^A-Za-z0-9_$])${escaped}($|[^A-Za-z0-9_$])`).test(text);
}
