import type TS from 'typescript';

import {
  BUILT_IN_CATALOG,
  entriesFromSpecifiers,
  matchesPackage,
  type CatalogEntry,
  type CatalogOperation,
  type PackageSpecifier,
} from './catalog.js';
import { BUILT_IN_ENDPOINTS } from './endpoints.js';
import { createHttpCallMatcher, type HttpModelCall } from './http.js';
import {
  judgeInstrumentation,
  judgeScope,
  type ContextPartName,
  type InstrumentationReason,
  type Judgement,
  type ScopeJudgement,
} from './instrumentation.js';
import { isImportedFrom } from './imports.js';
import { PackageResolver } from './packages.js';
import { calleeName, collectAliasNames, declarationNames, memberChain, skipOuterExpressions } from './syntax.js';
import { extendsOneOf, isUnknownType } from './types.js';

const GLOBAL_OBJECT_NAMES = new Set(['globalThis', 'window', 'self']);

export type InstrumentationStatus = 'instrumented' | 'not-instrumented' | 'unresolved';

/** The detector's verdict on one model call. */
export interface ModelCall {
  node: TS.CallExpression;
  /** The SDK catalog entry the call matched; undefined for a call over raw HTTP. */
  entry: CatalogEntry | undefined;
  /** The provider endpoint a call over raw HTTP sends to; undefined for an SDK call. */
  http: HttpModelCall | undefined;
  provider: string;
  /**
   * The package whose declaration the call resolved to, or the entry's first package when
   * unresolved. For a call over raw HTTP, the HTTP client's package, or `globalThis` for the
   * global `fetch`.
   */
  package: string;
  /** The method or function name as the SDK or the HTTP client declares it. */
  method: string;
  operation: CatalogOperation;
  status: InstrumentationStatus;
  reason: InstrumentationReason;
  /**
   * Required context parts that the file shows are not set. Empty when they are all set, and when
   * `contextKnown` is false.
   */
  missingContext: ContextPartName[];
  /**
   * False when the file establishes no context for the call and the call sits in a function, so its
   * callers in other files may establish it.
   */
  contextKnown: boolean;
}

export interface DetectorOptions {
  /** Extra model call surfaces, added to the built-in catalog. */
  modelCalls?: readonly PackageSpecifier[];
  /**
   * Functions that instrument what they wrap: a call inside a callback passed to one, or made
   * through a client returned by one, counts as instrumented.
   */
  wrappers?: readonly PackageSpecifier[];
  /** Context parts each model call must carry. Default: feature and user. */
  requiredContext?: readonly ContextPartName[];
}

export interface Detector {
  /** Names of every catalog method and function, the first, syntactic filter. */
  readonly catalogNames: ReadonlySet<string>;
  /** Tells, from syntax alone, whether a call may be a model call and deserves a type lookup. */
  isCandidate(node: TS.CallExpression): boolean;
  /** Returns the verdict on a call, or undefined when it is not a model call. */
  detect(checker: TS.TypeChecker, node: TS.CallExpression): ModelCall | undefined;
  /** Returns what the enclosing callbacks of any node establish: instrumentation and context. */
  judgeScope(checker: TS.TypeChecker, node: TS.Node): ScopeJudgement;
}

interface Match {
  entry: CatalogEntry;
  package: string;
  method: string;
}

/**
 * Creates a detector over the built-in catalog plus `options.modelCalls`. The `ts` module is passed
 * in so that the caller's TypeScript (ESLint's, or the one ts-morph bundles) does the work. A
 * detector caches what it learns per declaration and per source file, so reuse one per program.
 */
export function createDetector(ts: typeof TS, options: DetectorOptions = {}): Detector {
  const catalog = [...BUILT_IN_CATALOG, ...entriesFromSpecifiers(options.modelCalls ?? [])];
  const catalogNames = new Set(catalog.flatMap((entry) => entry.methods));
  const escapedNames = [...catalogNames].map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const catalogNamePattern = new RegExp(`\\b(?:${escapedNames.join('|')})\\b`);
  const packages = new PackageResolver(ts);
  const http = createHttpCallMatcher(ts, packages, BUILT_IN_ENDPOINTS);
  const requiredContext = options.requiredContext ?? ['feature', 'user'];
  const wrappers = options.wrappers ?? [];

  const judgeOptions = { packages, wrappers, requiredContext };

  const aliasNamesByFile = new WeakMap<TS.SourceFile, Set<string>>();
  const matchesByDeclaration = new WeakMap<TS.Node, Match[]>();

  function isCandidate(node: TS.CallExpression): boolean {
    return isSdkCandidate(node) || http.isCandidate(node);
  }

  function isSdkCandidate(node: TS.CallExpression): boolean {
    const name = calleeName(ts, node.expression);
    if (name === undefined) return false;
    if (catalogNames.has(name)) return true;

    const sourceFile = node.getSourceFile();
    let aliases = aliasNamesByFile.get(sourceFile);
    if (aliases === undefined) {
      // A file whose text names no catalog member cannot alias one, so its syntax tree is not walked.
      aliases = catalogNamePattern.test(sourceFile.text)
        ? collectAliasNames(ts, sourceFile, catalogNames)
        : new Set<string>();
      aliasNamesByFile.set(sourceFile, aliases);
    }
    return aliases.has(name);
  }

  function matchDeclaration(declaration: TS.Node): Match[] {
    const cached = matchesByDeclaration.get(declaration);
    if (cached !== undefined) return cached;

    const sourceFile = declaration.getSourceFile();
    const packageName = packages.packageOf(sourceFile);
    const { member, container } = declarationNames(ts, declaration);
    const matches: Match[] = [];

    if (member !== undefined) {
      for (const entry of catalog) {
        if (!entry.methods.includes(member)) continue;
        if (entry.commands !== undefined) {
          // The command decides, whatever package declares `send`.
          matches.push({ entry, package: entry.packages[0]!, method: member });
          continue;
        }
        if (packageName === undefined || !matchesPackage(packageName, entry.packages)) continue;
        if (entry.container !== undefined && entry.container !== container) continue;
        if (entry.pathIncludes !== undefined && !sourceFile.fileName.includes(entry.pathIncludes)) continue;
        matches.push({ entry, package: packageName, method: member });
      }
    }

    matchesByDeclaration.set(declaration, matches);
    return matches;
  }

  const catalogPackages = [...new Set(catalog.flatMap((entry) => entry.packages))];
  const commandMethods = new Set(catalog.flatMap((entry) => (entry.commands === undefined ? [] : entry.methods)));

  /**
   * Tells, from the callee's symbol alone, that a call cannot be a model call: the function is
   * declared as a method or function outside every catalog package. Resolving the symbol is much
   * cheaper than resolving the call's signature, which infers type arguments (`schema.parse(x)`).
   * Local aliases (variables, bindings, parameters) and command-style methods need the signature.
   */
  function isDeclaredOutsideCatalog(checker: TS.TypeChecker, node: TS.CallExpression): boolean {
    const callee = skipOuterExpressions(ts, node.expression);
    const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
    if (!ts.isIdentifier(nameNode) || commandMethods.has(nameNode.text)) return false;

    let symbol = checker.getSymbolAtLocation(nameNode);
    if (symbol === undefined) return false;
    if ((symbol.flags & ts.SymbolFlags.Alias) !== 0) symbol = checker.getAliasedSymbol(symbol);

    const declarations = symbol.declarations ?? [];
    if (declarations.length === 0) return false;
    return declarations.every((declaration) => {
      // A property may be typed as an SDK function, so only methods and functions are decided here.
      const isMethodOrFunction =
        ts.isMethodDeclaration(declaration) ||
        ts.isMethodSignature(declaration) ||
        ts.isFunctionDeclaration(declaration);
      if (!isMethodOrFunction) return false;
      const packageName = packages.packageOf(declaration.getSourceFile());
      return packageName === undefined || !matchesPackage(packageName, catalogPackages);
    });
  }

  function resolveMatch(checker: TS.TypeChecker, node: TS.CallExpression): Match | 'unresolved' | undefined {
    if (isDeclaredOutsideCatalog(checker, node)) return undefined;

    for (const declaration of calleeDeclarations(ts, checker, node)) {
      for (const match of matchDeclaration(declaration)) {
        if (acceptsCall(ts, checker, packages, match.entry, node)) return match;
      }
    }

    const calleeType = checker.getTypeAtLocation(node.expression);
    return isUnknownType(ts, calleeType) ? 'unresolved' : undefined;
  }

  function matchUnresolved(checker: TS.TypeChecker, node: TS.CallExpression): Match | undefined {
    const { root, names } = memberChain(ts, node.expression);
    const method = names.at(-1) ?? calleeName(ts, node.expression);
    if (method === undefined) return undefined;

    for (const entry of catalog) {
      if (!entry.methods.includes(method)) continue;
      const chainMatches = entry.chains?.some(
        (chain) => chain.length >= 2 && names.length >= chain.length && endsWith(names, chain),
      );
      if (chainMatches === true || isImportedFrom(ts, checker, root, entry.packages)) {
        return { entry, package: entry.packages[0]!, method };
      }
    }
    return undefined;
  }

  function detect(checker: TS.TypeChecker, node: TS.CallExpression): ModelCall | undefined {
    // A call that only the HTTP filter keeps skips the SDK lookup, which resolves its signature.
    if (!isSdkCandidate(node)) return detectHttp(checker, node);

    const resolved = resolveMatch(checker, node);
    if (resolved === undefined) return detectHttp(checker, node);

    if (resolved === 'unresolved') {
      const match = matchUnresolved(checker, node);
      if (match === undefined) return detectHttp(checker, node);
      return {
        node,
        ...describe(match),
        status: 'unresolved',
        reason: 'types-unresolved',
        missingContext: [],
        contextKnown: false,
      };
    }

    const judgement = judgeInstrumentation(ts, checker, node, {
      ...judgeOptions,
      aiSdk: resolved.entry.packages.includes('ai'),
      traceClient: true,
    });
    return { node, ...describe(resolved), ...verdictOf(judgement) };
  }

  /** Detects a call sent to a provider endpoint with an HTTP client, and judges it like an SDK call. */
  function detectHttp(checker: TS.TypeChecker, node: TS.CallExpression): ModelCall | undefined {
    const call = http.match(checker, node);
    if (call === undefined) return undefined;

    const { endpoint } = call.match;
    const judgement = judgeInstrumentation(ts, checker, node, {
      ...judgeOptions,
      aiSdk: false,
      proxy: endpoint.proxy,
      traceClient: !isGlobalObjectMember(ts, node.expression),
    });
    return {
      node,
      entry: undefined,
      http: call,
      provider: endpoint.provider,
      package: call.client,
      method: calleeName(ts, node.expression) ?? 'fetch',
      operation: endpoint.operation,
      ...verdictOf(judgement),
    };
  }

  function judgeScopeOf(checker: TS.TypeChecker, node: TS.Node): ScopeJudgement {
    return judgeScope(ts, checker, node, judgeOptions);
  }

  return { catalogNames, isCandidate, detect, judgeScope: judgeScopeOf };
}

function describe(match: Match): Pick<ModelCall, 'entry' | 'http' | 'provider' | 'package' | 'method' | 'operation'> {
  return {
    entry: match.entry,
    http: undefined,
    provider: match.entry.provider,
    package: match.package,
    method: match.method,
    operation: match.entry.operation,
  };
}

/** Tells whether a callee is read from the global object: `globalThis.fetch`, `window.fetch`, `self.fetch`. */
function isGlobalObjectMember(ts: typeof TS, callee: TS.Expression): boolean {
  const { root, names } = memberChain(ts, callee);
  return names.length === 1 && ts.isIdentifier(root) && GLOBAL_OBJECT_NAMES.has(root.text);
}

function verdictOf(judgement: Judgement): Pick<ModelCall, 'status' | 'reason' | 'missingContext' | 'contextKnown'> {
  return {
    status: judgement.reason === 'none' ? 'not-instrumented' : 'instrumented',
    reason: judgement.reason,
    missingContext: judgement.missingContext,
    contextKnown: judgement.contextKnown,
  };
}

/**
 * Returns the declarations a call may run: the resolved signature's, then, for a function produced by
 * `.bind(...)`, those of the function it was bound from.
 */
function calleeDeclarations(ts: typeof TS, checker: TS.TypeChecker, node: TS.CallExpression): TS.Node[] {
  const declarations: TS.Node[] = [];

  const declaration = checker.getResolvedSignature(node)?.getDeclaration() as TS.Node | undefined;
  if (declaration !== undefined) declarations.push(declaration);

  const bound = boundFunction(ts, checker, node.expression);
  if (bound !== undefined) {
    for (const signature of checker.getTypeAtLocation(bound).getCallSignatures()) {
      const boundDeclaration = signature.getDeclaration() as TS.Node | undefined;
      if (boundDeclaration !== undefined) declarations.push(boundDeclaration);
    }
  }

  return declarations;
}

/** Follows `f` in `const f = g.bind(x); f()` (also `g.bind(x)()`) back to `g`. */
function boundFunction(ts: typeof TS, checker: TS.TypeChecker, callee: TS.Expression): TS.Expression | undefined {
  let expression = skipOuterExpressions(ts, callee);

  if (ts.isIdentifier(expression)) {
    const declaration = checker.getSymbolAtLocation(expression)?.valueDeclaration;
    if (declaration === undefined || !ts.isVariableDeclaration(declaration) || declaration.initializer === undefined) {
      return undefined;
    }
    expression = skipOuterExpressions(ts, declaration.initializer);
  }

  if (!ts.isCallExpression(expression)) return undefined;
  const bindCallee = skipOuterExpressions(ts, expression.expression);
  if (!ts.isPropertyAccessExpression(bindCallee) || bindCallee.name.text !== 'bind') return undefined;
  return bindCallee.expression;
}

/** Runs the per-call checks a declaration match cannot make: the receiver's class, the command's class. */
function acceptsCall(
  ts: typeof TS,
  checker: TS.TypeChecker,
  packages: PackageResolver,
  entry: CatalogEntry,
  node: TS.CallExpression,
): boolean {
  if (entry.receiverBases !== undefined) {
    const callee = skipOuterExpressions(ts, node.expression);
    if (!ts.isPropertyAccessExpression(callee)) return false;
    return extendsOneOf(checker, checker.getTypeAtLocation(callee.expression), entry.receiverBases);
  }

  if (entry.commands !== undefined) {
    const command = node.arguments[0];
    if (command === undefined) return false;
    const symbol = checker.getTypeAtLocation(command).getSymbol();
    if (symbol === undefined || !entry.commands.includes(symbol.getName())) return false;
    const packageName = symbol.declarations?.[0] && packages.packageOf(symbol.declarations[0].getSourceFile());
    return packageName !== undefined && matchesPackage(packageName, entry.packages);
  }

  return true;
}

function endsWith(names: readonly string[], suffix: readonly string[]): boolean {
  const offset = names.length - suffix.length;
  return suffix.every((name, index) => names[offset + index] === name);
}
