import type { CatalogEntry, ContextPartName } from '@telltale/detector';
import { CALL, CONSTRUCT, ESM, ReferenceTracker, type TraceMap } from '@eslint-community/eslint-utils';
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

/** A model call found from imports alone, without type information. */
export interface UntypedModelCall {
  node: TSESTree.CallExpression;
  entry: CatalogEntry;
  package: string;
  method: string;
  instrumented: boolean;
  missingContext: ContextPartName[];
  contextKnown: boolean;
}

interface TraceInfo {
  package: string;
  entries: CatalogEntry[];
}

const USER_ID_KEYS = ['userId', 'user_id', 'userID', 'user'];

/**
 * Finds model calls by following imports and `require` calls of catalog packages through the
 * file's scopes (ESLint's ReferenceTracker): module-level functions such as the AI SDK's, and
 * members of clients built with `new` and kept in a variable. Aliases made by reading a member into
 * a variable are not followed; typed linting covers those.
 */
export function findUntypedModelCalls(
  sourceCode: TSESLint.SourceCode,
  catalog: readonly CatalogEntry[],
  wrapperNames: ReadonlySet<string>,
  requiredContext: readonly ContextPartName[],
): UntypedModelCall[] {
  const tracker = new ReferenceTracker(sourceCode.scopeManager!.globalScope! as never);
  const traceMap = buildTraceMap(catalog);
  const found: UntypedModelCall[] = [];

  const references = [...tracker.iterateEsmReferences(traceMap), ...tracker.iterateCjsReferences(traceMap)];
  for (const { node, path, type, info } of references) {
    const traced = info;
    if (type === CALL) {
      const call = node as unknown as TSESTree.CallExpression;
      const method = path.at(-1);
      const entry = traced.entries.find((candidate) => method !== undefined && candidate.methods.includes(method));
      if (entry !== undefined && method !== undefined) {
        found.push(judge(call, entry, traced.package, method, wrapperNames, requiredContext));
      }
    } else if (type === CONSTRUCT) {
      for (const { call, names } of callsOnClient(sourceCode, node as unknown as TSESTree.NewExpression)) {
        const entry = traced.entries.find((candidate) =>
          candidate.chains?.some(
            (chain) => chain.length === names.length && chain.every((name, i) => name === names[i]),
          ),
        );
        if (entry !== undefined) {
          found.push(judge(call, entry, traced.package, names.at(-1)!, wrapperNames, requiredContext));
        }
      }
    }
  }

  return found;
}

function buildTraceMap(catalog: readonly CatalogEntry[]): TraceMap<TraceInfo> {
  const traceMap: TraceMap<TraceInfo> = {};

  for (const entry of catalog) {
    for (const packageName of entry.packages) {
      if (packageName.endsWith('/*')) continue;
      // Marked as ES modules, so named imports map to exports and a default import to `default`.
      const packageMap = (traceMap[packageName] ??= { [ESM]: true }) as Record<string | symbol, unknown>;

      for (const name of entry.imports?.functions ?? []) {
        const node = (packageMap[name] ??= { [CALL]: { package: packageName, entries: [] } }) as Record<
          symbol,
          TraceInfo
        >;
        node[CALL]!.entries.push(entry);
      }

      for (const name of entry.imports?.constructors ?? []) {
        addConstructor((packageMap[name] ??= {}) as Record<symbol, TraceInfo | undefined>, packageName, entry);
        // `const OpenAI = require('openai')` constructs the module itself.
        if (name === 'default') addConstructor(packageMap as Record<symbol, TraceInfo | undefined>, packageName, entry);
      }
    }
  }

  return traceMap;
}

function addConstructor(node: Record<symbol, TraceInfo | undefined>, packageName: string, entry: CatalogEntry): void {
  node[CONSTRUCT] ??= { package: packageName, entries: [] };
  node[CONSTRUCT].entries.push(entry);
}

/** Yields the calls made on members of a client: `new X().a.b()`, or `c.a.b()` after `const c = new X()`. */
function* callsOnClient(
  sourceCode: TSESLint.SourceCode,
  construct: TSESTree.NewExpression,
): Generator<{ call: TSESTree.CallExpression; names: string[] }> {
  const starts: TSESTree.Node[] = [construct];

  const parent = construct.parent;
  if (
    parent.type === AST_NODE_TYPES.VariableDeclarator &&
    parent.init === construct &&
    parent.id.type === AST_NODE_TYPES.Identifier
  ) {
    for (const variable of sourceCode.scopeManager!.getDeclaredVariables(parent)) {
      for (const reference of variable.references) {
        if (reference.identifier !== parent.id) starts.push(reference.identifier);
      }
    }
  }

  for (const start of starts) {
    const names: string[] = [];
    let current: TSESTree.Node = start;
    while (current.parent?.type === AST_NODE_TYPES.MemberExpression && current.parent.object === current) {
      const property = current.parent.property;
      if (property.type === AST_NODE_TYPES.Identifier && !current.parent.computed) names.push(property.name);
      else if (property.type === AST_NODE_TYPES.Literal && typeof property.value === 'string')
        names.push(property.value);
      else break;
      current = current.parent;
    }
    if (current.parent?.type === AST_NODE_TYPES.ChainExpression) current = current.parent;
    if (
      current.parent?.type === AST_NODE_TYPES.CallExpression &&
      current.parent.callee === current &&
      names.length > 0
    ) {
      yield { call: current.parent, names };
    }
  }
}

/**
 * Judges a call from its syntax: an enclosing `record()` or configured wrapper callback, AI SDK
 * telemetry or Helicone headers in an object literal. Context comes from literal keys only, and an
 * object with a spread counts as setting every part, because its keys cannot be known.
 */
function judge(
  node: TSESTree.CallExpression,
  entry: CatalogEntry,
  packageName: string,
  method: string,
  wrapperNames: ReadonlySet<string>,
  requiredContext: readonly ContextPartName[],
): UntypedModelCall {
  const present = new Set<ContextPartName>();
  let instrumented = false;
  let established = false;
  let insideFunction = false;

  for (let current: TSESTree.Node = node.parent; current.type !== AST_NODE_TYPES.Program; current = current.parent) {
    if (current.type !== AST_NODE_TYPES.ArrowFunctionExpression && current.type !== AST_NODE_TYPES.FunctionExpression) {
      if (current.type === AST_NODE_TYPES.FunctionDeclaration) insideFunction = true;
      continue;
    }
    insideFunction = true;

    const parent: TSESTree.Node = current.parent;
    if (parent.type !== AST_NODE_TYPES.CallExpression || !parent.arguments.includes(current)) continue;

    const name = calleeName(parent.callee);
    if (name === 'record' || name === 'withContext') {
      instrumented ||= name === 'record';
      established = true;
      addLiteralContext(parent.arguments[0], present);
    } else if (name !== undefined && wrapperNames.has(name)) {
      instrumented = true;
    }
  }

  const options = node.arguments[0];
  const telemetry = literalProperty(options, 'experimental_telemetry') ?? literalProperty(options, 'telemetry');
  if (telemetry?.type === AST_NODE_TYPES.ObjectExpression) {
    const isEnabled = literalProperty(telemetry, 'isEnabled');
    if (isEnabled !== undefined && !(isEnabled.type === AST_NODE_TYPES.Literal && isEnabled.value === false)) {
      instrumented = true;
      established = true;
      if (literalProperty(telemetry, 'functionId') !== undefined) present.add('feature');
      const metadata = literalProperty(telemetry, 'metadata');
      if (metadata !== undefined && USER_ID_KEYS.some((key) => literalProperty(metadata, key) !== undefined)) {
        present.add('user');
      }
    }
  }

  for (const argument of node.arguments) {
    const headers = literalProperty(argument, 'headers');
    const names = headers?.type === AST_NODE_TYPES.ObjectExpression ? literalKeys(headers) : [];
    if (names.some((name) => name.toLowerCase().startsWith('helicone-'))) {
      instrumented = true;
      established = true;
      if (names.some((name) => name.toLowerCase() === 'helicone-property-feature')) present.add('feature');
      if (names.some((name) => name.toLowerCase() === 'helicone-user-id')) present.add('user');
    }
  }

  const contextKnown = established || !insideFunction;
  return {
    node,
    entry,
    package: packageName,
    method,
    instrumented,
    contextKnown,
    missingContext: contextKnown ? requiredContext.filter((part) => !present.has(part)) : [],
  };
}

function calleeName(callee: TSESTree.Expression): string | undefined {
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  if (callee.type === AST_NODE_TYPES.MemberExpression && callee.property.type === AST_NODE_TYPES.Identifier)
    return callee.property.name;
  return undefined;
}

function addLiteralContext(meta: TSESTree.Node | undefined, present: Set<ContextPartName>): void {
  if (meta?.type !== AST_NODE_TYPES.ObjectExpression) {
    // A meta object the file builds elsewhere cannot be read without types.
    present.add('feature');
    present.add('user');
    return;
  }
  if (meta.properties.some((property) => property.type === AST_NODE_TYPES.SpreadElement)) {
    present.add('feature');
    present.add('user');
  }
  for (const key of literalKeys(meta)) {
    if (key === 'feature' || key === 'user') present.add(key);
  }

  // A record() meta carries the context under `context`, as the recorder reads it.
  for (const property of meta.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
    if (property.key.type === AST_NODE_TYPES.Identifier && property.key.name === 'context') {
      addLiteralContext(property.value, present);
    }
  }
}

function literalKeys(object: TSESTree.ObjectExpression): string[] {
  const keys: string[] = [];
  for (const property of object.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
    keys.push(property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : String(property.key.value));
  }
  return keys;
}

function literalProperty(node: TSESTree.Node | undefined, name: string): TSESTree.Node | undefined {
  if (node?.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  for (const property of node.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
    const key = property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : String(property.key.value);
    if (key === name) return property.value;
  }
  return undefined;
}
