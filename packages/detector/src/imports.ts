import type TS from 'typescript';

import { matchesPackage } from './catalog.js';
import { skipOuterExpressions } from './syntax.js';

/** Tells whether the root of a callee is imported (or required) from one of `packageNames`. */
export function isImportedFrom(
  ts: typeof TS,
  checker: TS.TypeChecker,
  root: TS.Expression,
  packageNames: readonly string[],
): boolean {
  let expression = root;
  if (ts.isNewExpression(expression)) expression = expression.expression;
  if (!ts.isIdentifier(expression)) return false;

  const packageName = importedPackageOf(ts, checker, expression);
  return packageName !== undefined && matchesPackage(packageName, packageNames);
}

/** Returns the package an identifier is imported (or required) from, if it is. */
export function importedPackageOf(
  ts: typeof TS,
  checker: TS.TypeChecker,
  identifier: TS.Identifier,
): string | undefined {
  const declaration = checker.getSymbolAtLocation(identifier)?.declarations?.[0];
  if (declaration === undefined) return undefined;

  const specifier = moduleSpecifierOf(ts, declaration);
  return specifier === undefined ? undefined : packageNameOfSpecifier(specifier);
}

function moduleSpecifierOf(ts: typeof TS, declaration: TS.Node): string | undefined {
  let current: TS.Node = declaration;
  while (!ts.isSourceFile(current)) {
    if (ts.isImportDeclaration(current) && ts.isStringLiteral(current.moduleSpecifier)) {
      return current.moduleSpecifier.text;
    }
    if (ts.isVariableDeclaration(current) && current.initializer !== undefined) {
      const initializer = skipOuterExpressions(ts, current.initializer);
      if (ts.isCallExpression(initializer) && initializer.arguments.length === 1) {
        const argument = initializer.arguments[0]!;
        const isRequire = ts.isIdentifier(initializer.expression) && initializer.expression.text === 'require';
        const isImport = initializer.expression.kind === ts.SyntaxKind.ImportKeyword;
        if ((isRequire || isImport) && ts.isStringLiteralLike(argument)) return argument.text;
      }
      return undefined;
    }
    current = current.parent;
  }
  return undefined;
}

function packageNameOfSpecifier(specifier: string): string {
  const segments = specifier.split('/');
  return specifier.startsWith('@') ? segments.slice(0, 2).join('/') : segments[0]!;
}
