import { ts } from 'ts-morph';

/**
 * Names the function a node sits in, outermost first (`EmailService.draft`, `handler`), so the
 * name survives lines moving; `<module>` at the top level and `<anonymous>` for unnamed callbacks.
 */
export function enclosingSymbolName(node: ts.Node): string {
  const names: string[] = [];

  for (let current = node.parent; !ts.isSourceFile(current); current = current.parent) {
    const name = functionLikeName(current);
    if (name !== undefined) names.unshift(name);
  }
  return names.length > 0 ? names.join('.') : '<module>';
}

function functionLikeName(node: ts.Node): string | undefined {
  if (ts.isFunctionDeclaration(node)) return node.name?.text ?? 'default';
  if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) return node.name?.text ?? '<class>';
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) {
    return node.name.getText();
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    const parent = node.parent;
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
    if (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText();
    if (ts.isFunctionExpression(node) && node.name) return node.name.text;
    return '<anonymous>';
  }
  return undefined;
}
