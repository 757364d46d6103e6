import type TS from 'typescript';

import { DYNAMIC_PART, createEndpointMatcher, type EndpointMatch, type HttpEndpoint } from './endpoints.js';
import { importedPackageOf } from './imports.js';
import type { PackageResolver } from './packages.js';
import { calleeName, declarationNames, memberChain, skipOuterExpressions } from './syntax.js';
import { isUnknownType } from './types.js';

/** A model call sent with an HTTP client to a provider endpoint. */
export interface HttpModelCall {
  /** The HTTP client's package (`axios`, `got`, `ky`, `node-fetch`, `undici`), or `globalThis` for the global `fetch`. */
  client: string;
  /** The endpoint the URL matched, and the URL's host and path. */
  match: EndpointMatch;
  /** The object sent as the JSON request body, when the call shows it. */
  body: TS.Expression | undefined;
}

/** Recognizes model calls made over raw HTTP: a cheap syntactic filter, then the checker. */
export interface HttpCallMatcher {
  isCandidate(node: TS.CallExpression): boolean;
  match(checker: TS.TypeChecker, node: TS.CallExpression): HttpModelCall | undefined;
}

/** HTTP client packages, keyed by the package that declares their types (`@types/node-fetch` for `node-fetch`). */
const HTTP_CLIENT_PACKAGES = new Map<string, string>([
  ['axios', 'axios'],
  ['got', 'got'],
  ['ky', 'ky'],
  ['node-fetch', 'node-fetch'],
  ['@types/node-fetch', 'node-fetch'],
  ['cross-fetch', 'cross-fetch'],
  ['undici', 'undici'],
]);

/**
 * Packages that declare the global `fetch`: TypeScript's `lib.dom.d.ts`, and Node.js's types, whose
 * global refers to the declaration in `undici-types`.
 */
const GLOBAL_FETCH_PACKAGES = new Set(['typescript', '@types/node', 'undici-types']);

/** Names an HTTP request is sent by: the functions themselves, and the methods that send a body. */
const REQUEST_NAMES = new Set(['fetch', 'axios', 'got', 'ky', 'request', 'post', 'put', 'patch']);
const BODY_METHODS = new Set(['post', 'put', 'patch']);
const INSTANCE_FACTORIES = new Set(['create', 'extend']);
const HTTP_PACKAGE_PATTERN = /\b(?:axios|got|ky|node-fetch|cross-fetch|undici)\b/;
const ABSOLUTE_URL = /^[a-z][a-z\d+.-]*:/i;
const MAX_RESOLVE_DEPTH = 8;

/** Creates the matcher of raw HTTP model calls over `endpoints`. */
export function createHttpCallMatcher(
  ts: typeof TS,
  packages: PackageResolver,
  endpoints: readonly HttpEndpoint[],
): HttpCallMatcher {
  const matchEndpoint = createEndpointMatcher(endpoints);
  const clientNamesByFile = new WeakMap<TS.SourceFile, Set<string>>();

  function isCandidate(node: TS.CallExpression): boolean {
    const name = calleeName(ts, node.expression);
    if (name === undefined || !mayBeRequestTarget(ts, node.arguments[0])) return false;
    if (REQUEST_NAMES.has(name)) return true;

    const sourceFile = node.getSourceFile();
    let clientNames = clientNamesByFile.get(sourceFile);
    if (clientNames === undefined) {
      // Only a file whose text names an HTTP client package can bind one to another name.
      clientNames = HTTP_PACKAGE_PATTERN.test(sourceFile.text) ? collectClientNames(ts, sourceFile) : new Set();
      clientNamesByFile.set(sourceFile, clientNames);
    }
    return clientNames.has(name);
  }

  function match(checker: TS.TypeChecker, node: TS.CallExpression): HttpModelCall | undefined {
    if (!isCandidate(node)) return undefined;

    // The URL decides first, because resolving it is cheap and rejects most candidates, such as
    // the routes of a web framework (`app.post('/chat', handler)`).
    const resolver = new StaticTextResolver(ts, checker);
    const url = requestUrl(ts, resolver, node);
    if (url === undefined) return undefined;
    const endpointMatch = matchEndpoint(url);
    if (endpointMatch === undefined) return undefined;

    const client = httpClientOf(ts, checker, packages, node);
    if (client === undefined) return undefined;

    const request = requestShape(ts, resolver, node, client);
    if (request.method === undefined || resolver.text(request.method).toUpperCase() !== 'POST') return undefined;

    return { client, match: endpointMatch, body: request.body };
  }

  return { isCandidate, match };
}

/** Tells whether the first argument can be a URL, a `URL` object or a request config object. */
function mayBeRequestTarget(ts: typeof TS, argument: TS.Expression | undefined): boolean {
  if (argument === undefined) return false;
  const expression = skipOuterExpressions(ts, argument);
  return (
    ts.isStringLiteralLike(expression) ||
    ts.isTemplateExpression(expression) ||
    ts.isIdentifier(expression) ||
    ts.isPropertyAccessExpression(expression) ||
    ts.isElementAccessExpression(expression) ||
    ts.isNewExpression(expression) ||
    ts.isObjectLiteralExpression(expression) ||
    (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.PlusToken)
  );
}

/**
 * Collects the local names bound to an HTTP client other than the names in `REQUEST_NAMES`:
 * renamed imports and `require`s of a client package (`import nodeFetch from 'node-fetch'`), and
 * variables holding a client instance (`const api = axios.create(…)`).
 */
function collectClientNames(ts: typeof TS, sourceFile: TS.SourceFile): Set<string> {
  const names = new Set<string>();

  const visit = (node: TS.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (HTTP_CLIENT_PACKAGES.has(node.moduleSpecifier.text)) {
        const clause = node.importClause;
        if (clause?.name !== undefined) names.add(clause.name.text);
        const bindings = clause?.namedBindings;
        if (bindings !== undefined && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements) names.add(element.name.text);
        } else if (bindings !== undefined) {
          names.add(bindings.name.text);
        }
      }
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      const initializer = skipOuterExpressions(ts, node.initializer);
      if (ts.isCallExpression(initializer)) {
        const name = calleeName(ts, initializer.expression);
        const argument = initializer.arguments[0];
        const requiresClient =
          name === 'require' &&
          argument !== undefined &&
          ts.isStringLiteralLike(argument) &&
          HTTP_CLIENT_PACKAGES.has(argument.text);
        if (requiresClient || (name !== undefined && INSTANCE_FACTORIES.has(name))) names.add(node.name.text);
      }
    }
    ts.forEachChild(node, visit);
  };

  visit(sourceFile);
  return names;
}

/**
 * Returns the request URL with its dynamic parts as `DYNAMIC_PART`: the first argument, or the
 * `url` of a config object, joined to a base URL (`baseURL` of axios, `prefixUrl` of got and ky)
 * when it is relative. Returns undefined when there is no URL argument.
 */
function requestUrl(ts: typeof TS, resolver: StaticTextResolver, node: TS.CallExpression): string | undefined {
  const first = node.arguments[0];
  if (first === undefined) return undefined;

  const config = objectLiteralOf(ts, resolver, first);
  const urlExpression = config === undefined ? first : propertyValue(ts, config, 'url');
  if (urlExpression === undefined) return undefined;

  const url = resolver.text(urlExpression);
  if (ABSOLUTE_URL.test(url)) return url;

  const base = requestBaseUrl(ts, resolver, node);
  return base === undefined ? url : joinUrl(base, url);
}

/** Returns the base URL set in the call's options or where the client instance was created. */
function requestBaseUrl(ts: typeof TS, resolver: StaticTextResolver, node: TS.CallExpression): string | undefined {
  const optionObjects = node.arguments.map((argument) => objectLiteralOf(ts, resolver, argument));

  const { root } = memberChain(ts, node.expression);
  const instance = resolver.initializerOf(root);
  if (instance !== undefined && ts.isCallExpression(instance)) {
    const factory = calleeName(ts, instance.expression);
    if (factory !== undefined && INSTANCE_FACTORIES.has(factory) && instance.arguments[0] !== undefined) {
      optionObjects.push(objectLiteralOf(ts, resolver, instance.arguments[0]));
    }
  }

  for (const options of optionObjects) {
    if (options === undefined) continue;
    const base = propertyValue(ts, options, 'baseURL') ?? propertyValue(ts, options, 'prefixUrl');
    if (base !== undefined) return resolver.text(base);
  }
  return undefined;
}

/** Joins a base URL and a relative one the way axios, got and ky do: with exactly one slash between. */
function joinUrl(base: string, relative: string): string {
  return `${base.replace(/\/+$/, '')}/${relative.replace(/^\/+/, '')}`;
}

/**
 * Returns the HTTP client that runs the call: from the declaration the call resolves to, or, when
 * its types are unknown, from the import or `require` its callee comes from. Returns undefined for
 * any other function, so a provider URL passed to an unknown function is not a finding.
 */
function httpClientOf(
  ts: typeof TS,
  checker: TS.TypeChecker,
  packages: PackageResolver,
  node: TS.CallExpression,
): string | undefined {
  const declaration = checker.getResolvedSignature(node)?.getDeclaration() as TS.Node | undefined;
  if (declaration !== undefined) {
    const sourceFile = declaration.getSourceFile();
    const packageName = packages.packageOf(sourceFile);
    const isFetch = declarationNames(ts, declaration).member === 'fetch';

    if (packageName !== undefined && HTTP_CLIENT_PACKAGES.has(packageName))
      return HTTP_CLIENT_PACKAGES.get(packageName);
    if (isFetch && packageName !== undefined && GLOBAL_FETCH_PACKAGES.has(packageName)) return 'globalThis';
    if (!isUnknownType(ts, checker.getTypeAtLocation(node.expression))) return undefined;
  }

  return importedClientOf(ts, checker, node.expression);
}

/** Finds the client of a callee whose types are unknown, by its import, `require` or global name. */
function importedClientOf(ts: typeof TS, checker: TS.TypeChecker, callee: TS.Expression): string | undefined {
  const { root, names } = memberChain(ts, callee);
  if (!ts.isIdentifier(root)) return undefined;

  const symbol = checker.getSymbolAtLocation(root);
  const isGlobalFetch = names.length === 0 ? root.text === 'fetch' : root.text === 'globalThis' && names[0] === 'fetch';
  if (symbol === undefined && isGlobalFetch) return 'globalThis';

  const packageName = importedPackageOf(ts, checker, root);
  if (packageName !== undefined) return HTTP_CLIENT_PACKAGES.get(packageName);

  // An instance: `const api = axios.create(…)`, with `axios` imported.
  const initializer = symbol?.valueDeclaration;
  if (initializer === undefined || !ts.isVariableDeclaration(initializer) || initializer.initializer === undefined) {
    return undefined;
  }
  const factoryCall = skipOuterExpressions(ts, initializer.initializer);
  if (!ts.isCallExpression(factoryCall)) return undefined;
  const factory = calleeName(ts, factoryCall.expression);
  if (factory === undefined || !INSTANCE_FACTORIES.has(factory)) return undefined;
  const factoryRoot = memberChain(ts, factoryCall.expression).root;
  const factoryPackage = ts.isIdentifier(factoryRoot) ? importedPackageOf(ts, checker, factoryRoot) : undefined;
  return factoryPackage === undefined ? undefined : HTTP_CLIENT_PACKAGES.get(factoryPackage);
}

interface RequestShape {
  /** The expression that gives the HTTP method, or undefined when it cannot be read. */
  method: TS.Expression | string | undefined;
  body: TS.Expression | undefined;
}

/**
 * Reads the HTTP method and JSON body from the call's arguments, in the shape each client takes:
 * `axios.post(url, data, config)`, `axios(config)`, `axios(url, config)`, `got.post(url, options)`,
 * `fetch(url, init)`. A request without a `method` option is a GET, as in every one of these clients.
 */
function requestShape(
  ts: typeof TS,
  resolver: StaticTextResolver,
  node: TS.CallExpression,
  client: string,
): RequestShape {
  const name = calleeName(ts, node.expression) ?? '';
  const [first, second] = node.arguments;
  const isAxios = client === 'axios';
  const isMethodCall =
    BODY_METHODS.has(name) && ts.isPropertyAccessExpression(skipOuterExpressions(ts, node.expression));

  if (isMethodCall) {
    if (isAxios) return { method: name, body: second };
    const options = second === undefined ? undefined : objectLiteralOf(ts, resolver, second);
    return { method: name, body: options === undefined ? undefined : jsonBodyOf(ts, options) };
  }

  const config = first === undefined ? undefined : objectLiteralOf(ts, resolver, first);
  const options = config ?? (second === undefined ? undefined : objectLiteralOf(ts, resolver, second));
  if (options === undefined) {
    // Options built elsewhere give the method only through their type, as a string literal type.
    return { method: second === undefined ? 'GET' : methodOfType(ts, resolver.checker, second), body: undefined };
  }

  // A spread may set the method, and then only the type of the whole object can tell it.
  const spreads = options.properties.some((property) => ts.isSpreadAssignment(property));
  const method =
    propertyValue(ts, options, 'method') ?? (spreads ? methodOfType(ts, resolver.checker, options) : 'GET');
  const body = isAxios ? propertyValue(ts, options, 'data') : jsonBodyOf(ts, options);
  return { method, body };
}

/** Returns the method of an options object from its type: the literal type of `method`, or GET when it has none. */
function methodOfType(ts: typeof TS, checker: TS.TypeChecker, options: TS.Expression): string | undefined {
  const type = checker.getTypeAtLocation(options);
  if (isUnknownType(ts, type)) return undefined;

  const property = checker.getPropertyOfType(checker.getApparentType(type), 'method');
  if (property === undefined) return 'GET';
  const methodType = checker.getTypeOfSymbolAtLocation(property, options);
  return methodType.isStringLiteral() ? methodType.value : undefined;
}

/** Returns the object a request sends as JSON: the `json` option, or the argument of `body: JSON.stringify(…)`. */
function jsonBodyOf(ts: typeof TS, options: TS.ObjectLiteralExpression): TS.Expression | undefined {
  const json = propertyValue(ts, options, 'json');
  if (json !== undefined) return json;

  const body = propertyValue(ts, options, 'body');
  if (body === undefined) return undefined;
  const expression = skipOuterExpressions(ts, body);
  if (!ts.isCallExpression(expression)) return undefined;
  const { root, names } = memberChain(ts, expression.expression);
  const isStringify = ts.isIdentifier(root) && root.text === 'JSON' && names.length === 1 && names[0] === 'stringify';
  return isStringify ? expression.arguments[0] : undefined;
}

/** Returns the object literal an expression is, directly or as the initializer of a `const`. */
function objectLiteralOf(
  ts: typeof TS,
  resolver: StaticTextResolver,
  expression: TS.Expression,
): TS.ObjectLiteralExpression | undefined {
  let current = skipOuterExpressions(ts, expression);
  const initializer = resolver.initializerOf(current);
  if (initializer !== undefined) current = skipOuterExpressions(ts, initializer);
  return ts.isObjectLiteralExpression(current) ? current : undefined;
}

/** Returns the value of a property of an object literal: `name: value` or the shorthand `name`. */
function propertyValue(ts: typeof TS, object: TS.ObjectLiteralExpression, name: string): TS.Expression | undefined {
  for (const property of object.properties) {
    if (property.name === undefined || propertyNameText(ts, property.name) !== name) continue;
    if (ts.isPropertyAssignment(property)) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property)) return property.name;
  }
  return undefined;
}

function propertyNameText(ts: typeof TS, name: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name)) return name.text;
  return undefined;
}

/**
 * Resolves the text of a string expression where the code fixes it: literals, template literals,
 * `+` concatenation, `const` variables (in this file or imported), `new URL(path, base)`, its
 * `href` and `toString()`, and any expression of a string literal type. Each part it cannot
 * resolve becomes `DYNAMIC_PART`.
 */
class StaticTextResolver {
  constructor(
    readonly ts: typeof TS,
    readonly checker: TS.TypeChecker,
  ) {}

  text(value: TS.Expression | string, depth = 0): string {
    if (typeof value === 'string') return value;
    if (depth > MAX_RESOLVE_DEPTH) return DYNAMIC_PART;

    const ts = this.ts;
    const expression = skipOuterExpressions(ts, value);

    if (ts.isStringLiteralLike(expression)) return expression.text;
    if (ts.isTemplateExpression(expression)) {
      return (
        expression.head.text +
        expression.templateSpans.map((span) => this.text(span.expression, depth + 1) + span.literal.text).join('')
      );
    }
    if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return this.text(expression.left, depth + 1) + this.text(expression.right, depth + 1);
    }
    if (
      ts.isNewExpression(expression) &&
      ts.isIdentifier(expression.expression) &&
      expression.expression.text === 'URL'
    ) {
      return this.urlText(expression, depth);
    }
    if (ts.isPropertyAccessExpression(expression) && expression.name.text === 'href') {
      return this.text(expression.expression, depth + 1);
    }
    if (
      ts.isCallExpression(expression) &&
      expression.arguments.length === 0 &&
      calleeName(ts, expression.expression) === 'toString'
    ) {
      const callee = skipOuterExpressions(ts, expression.expression);
      if (ts.isPropertyAccessExpression(callee)) return this.text(callee.expression, depth + 1);
    }
    if (ts.isIdentifier(expression)) {
      const initializer = this.initializerOf(expression);
      if (initializer !== undefined) return this.text(initializer, depth + 1);
    }

    const type = this.checker.getTypeAtLocation(expression);
    return type.isStringLiteral() ? type.value : DYNAMIC_PART;
  }

  /**
   * Returns the initializer of the `const` an expression names, following imports into other
   * files. Returns undefined for anything else, because another variable may change.
   */
  initializerOf(expression: TS.Expression): TS.Expression | undefined {
    const ts = this.ts;
    if (!ts.isIdentifier(expression)) return undefined;

    let symbol = this.checker.getSymbolAtLocation(expression);
    if (symbol === undefined) return undefined;
    if ((symbol.flags & ts.SymbolFlags.Alias) !== 0) symbol = this.checker.getAliasedSymbol(symbol);

    const declaration = symbol.valueDeclaration;
    if (declaration === undefined || !ts.isVariableDeclaration(declaration)) return undefined;
    if ((ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) === 0) return undefined;
    return declaration.initializer;
  }

  private urlText(expression: TS.NewExpression, depth: number): string {
    const [input, base] = expression.arguments ?? [];
    if (input === undefined) return DYNAMIC_PART;

    const inputText = this.text(input, depth + 1);
    if (base === undefined) return inputText;
    try {
      return new URL(inputText, this.text(base, depth + 1)).href;
    } catch {
      return DYNAMIC_PART;
    }
  }
}
