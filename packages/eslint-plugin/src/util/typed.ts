import { AST_NODE_TYPES, type ParserServices, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

/** Returns the parser services when the file was parsed with type information, else undefined. */
export function typedServices(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
): (ParserServices & { program: NonNullable<ParserServices['program']> }) | undefined {
  const services: Partial<ParserServices> | undefined = context.sourceCode.parserServices;
  if (services?.program == null || services.esTreeNodeToTSNodeMap === undefined) return undefined;
  return services as ParserServices & { program: NonNullable<ParserServices['program']> };
}

/** Returns the name a call is made by, from the ESTree callee: `create` in `a.b.create()`. */
export function estreeCalleeName(callee: TSESTree.Expression): string | undefined {
  let expression: TSESTree.Node = callee;
  while (expression.type === AST_NODE_TYPES.TSNonNullExpression || expression.type === AST_NODE_TYPES.TSAsExpression) {
    expression = expression.expression;
  }
  if (expression.type === AST_NODE_TYPES.Identifier) return expression.name;
  if (expression.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  if (!expression.computed && expression.property.type === AST_NODE_TYPES.Identifier) return expression.property.name;
  if (expression.property.type === AST_NODE_TYPES.Literal && typeof expression.property.value === 'string') {
    return expression.property.value;
  }
  return undefined;
}
