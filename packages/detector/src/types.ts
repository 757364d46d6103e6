import type TS from 'typescript';

/**
 * Tells whether a type has a property declared in a file that `isDeclaringFile` accepts. With
 * `onlySymbolKeys`, only `unique symbol` keys count, such as the brand of the recorder's `Instrumented<T>`.
 */
export function hasPropertyDeclaredIn(
  type: TS.Type,
  isDeclaringFile: (sourceFile: TS.SourceFile) => boolean,
  onlySymbolKeys: boolean,
): boolean {
  return type.getProperties().some((property) => {
    if (onlySymbolKeys && !String(property.escapedName).startsWith('__@')) return false;
    return property.declarations?.some((declaration) => isDeclaringFile(declaration.getSourceFile())) ?? false;
  });
}

/**
 * Returns the type of a property that is certainly there: declared, not optional, and not only
 * `undefined`. Optional properties return undefined because nothing proves the value is set.
 */
export function requiredPropertyType(
  ts: typeof TS,
  checker: TS.TypeChecker,
  type: TS.Type,
  name: string,
  location: TS.Node,
): TS.Type | undefined {
  const property = checker.getPropertyOfType(checker.getApparentType(type), name);
  if (property === undefined) return undefined;
  if ((property.flags & ts.SymbolFlags.Optional) !== 0) return undefined;

  const propertyType = checker.getTypeOfSymbolAtLocation(property, location);
  if ((propertyType.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Never)) !== 0) return undefined;
  return propertyType;
}

/** Tells whether a type is exactly the literal `false`. */
export function isFalseType(ts: typeof TS, type: TS.Type): boolean {
  return (
    (type.flags & ts.TypeFlags.BooleanLiteral) !== 0 && (type as { intrinsicName?: string }).intrinsicName === 'false'
  );
}

/** Tells whether a type gives no information: `any`, or an error type from a missing declaration. */
export function isUnknownType(ts: typeof TS, type: TS.Type): boolean {
  return (type.flags & ts.TypeFlags.Any) !== 0;
}

/** Tells whether a class or interface type, or one of its bases, is named one of `names`. */
export function extendsOneOf(checker: TS.TypeChecker, type: TS.Type, names: readonly string[]): boolean {
  const seen = new Set<TS.Type>();
  const pending: TS.Type[] = [checker.getApparentType(type)];

  while (pending.length > 0) {
    const current = pending.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);

    const symbol = current.getSymbol();
    if (symbol !== undefined && names.includes(symbol.getName())) return true;

    if (current.isUnionOrIntersection()) {
      pending.push(...current.types);
    } else if (current.isClassOrInterface()) {
      pending.push(...(checker.getBaseTypes(current) as TS.Type[]));
    } else {
      const target = (current as TS.TypeReference).target as TS.Type | undefined;
      if (target !== undefined && target !== current) pending.push(target);
    }
  }

  return false;
}
