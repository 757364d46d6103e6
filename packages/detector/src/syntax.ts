import type TS from 'typescript';

/** Removes parentheses, `!`, `as`, `satisfies` and `await` around an expression. */
export function skipOuterExpressions(ts: typeof TS, expression: TS.Expression): TS.Expression {
  let current = expression;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isAwaitExpression(current) ||
      ts.isTypeAssertionExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** Returns the name a call is made by: `create` in `a.b.create()`, `generateText` in `generateText()`. */
export function calleeName(ts: typeof TS, callee: TS.Expression): string | undefined {
  const expression = skipOuterExpressions(ts, callee);
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  if (ts.isElementAccessExpression(expression) && ts.isStringLiteralLike(expression.argumentExpression)) {
    return expression.argumentExpression.text;
  }
  return undefined;
}

/**
 * Returns the member names from the root of a callee to its end: `['chat', 'completions', 'create']`
 * for `client.chat.completions.create`, with the root object left out.
 */
export function memberChain(ts: typeof TS, callee: TS.Expression): { root: TS.Expression; names: string[] } {
  const names: string[] = [];
  let current = skipOuterExpressions(ts, callee);
  for (;;) {
    if (ts.isPropertyAccessExpression(current)) {
      names.unshift(current.name.text);
      current = skipOuterExpressions(ts, current.expression);
    } else if (ts.isElementAccessExpression(current) && ts.isStringLiteralLike(current.argumentExpression)) {
      names.unshift(current.argumentExpression.text);
      current = skipOuterExpressions(ts, current.expression);
    } else {
      return { root: current, names };
    }
  }
}

/** Returns the name of the function whose `.bind(...)` result an expression is, or the expression's own name. */
export function boundOrOwnName(ts: typeof TS, expression: TS.Expression): string | undefined {
  const inner = skipOuterExpressions(ts, expression);
  if (ts.isCallExpression(inner) && calleeName(ts, inner.expression) === 'bind') {
    const callee = skipOuterExpressions(ts, inner.expression);
    if (ts.isPropertyAccessExpression(callee)) return calleeName(ts, callee.expression);
  }
  return calleeName(ts, inner);
}

/**
 * Collects the local names that may hold a model call function under another name: variables
 * initialized from a catalog member (`const create = c.create`, `c.create.bind(c)`), renamed
 * destructuring (`const { create: send } = c`) and renamed imports (`import { generateText as g }`).
 */
export function collectAliasNames(
  ts: typeof TS,
  sourceFile: TS.SourceFile,
  catalogNames: ReadonlySet<string>,
): Set<string> {
  const aliases = new Set<string>();

  const visit = (node: TS.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      const name = boundOrOwnName(ts, node.initializer);
      if (name !== undefined && catalogNames.has(name)) aliases.add(node.name.text);
    } else if (ts.isBindingElement(node) && ts.isIdentifier(node.name)) {
      const property =
        node.propertyName !== undefined && ts.isIdentifier(node.propertyName) ? node.propertyName.text : undefined;
      if (property !== undefined && catalogNames.has(property)) aliases.add(node.name.text);
    } else if (ts.isImportSpecifier(node) && node.propertyName !== undefined) {
      if (catalogNames.has(node.propertyName.text)) aliases.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };

  visit(sourceFile);
  return aliases;
}

/** Returns the name of the class, method, property or function a declaration belongs to. */
export function declarationNames(
  ts: typeof TS,
  declaration: TS.Node,
): { member: string | undefined; container: string | undefined } {
  let member: string | undefined;
  let current: TS.Node = declaration;

  while (!ts.isSourceFile(current)) {
    if (ts.isClassLike(current) || ts.isInterfaceDeclaration(current)) {
      return { member, container: current.name?.text };
    }
    if (ts.isTypeAliasDeclaration(current)) return { member, container: current.name.text };
    if (member === undefined && isNamedMember(ts, current)) {
      const name: TS.Node | undefined = current.name;
      if (name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name))) member = name.text;
    }
    current = current.parent;
  }

  return { member, container: undefined };
}

function isNamedMember(
  ts: typeof TS,
  node: TS.Node,
): node is
  | TS.MethodDeclaration
  | TS.MethodSignature
  | TS.PropertyDeclaration
  | TS.PropertySignature
  | TS.FunctionDeclaration
  | TS.VariableDeclaration {
  return (
    ts.isMethodDeclaration(node) ||
    ts.isMethodSignature(node) ||
    ts.isPropertyDeclaration(node) ||
    ts.isPropertySignature(node) ||
    (ts.isFunctionDeclaration(node) && node.name !== undefined) ||
    ts.isVariableDeclaration(node)
  );
}

/** Returns the function expression or arrow function that encloses a node, if any. */
export function enclosingFunction(ts: typeof TS, node: TS.Node): TS.SignatureDeclaration | undefined {
  let current = node.parent;
  while (!ts.isSourceFile(current)) {
    if (ts.isFunctionLike(current)) return current;
    current = current.parent;
  }
  return undefined;
}
