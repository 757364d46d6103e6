import type { Detector, ModelCall } from '@telltale/detector';
import { ts } from 'ts-morph';

import type { CallSite, ContextPart } from './findings.js';
import { repoPath } from './project.js';
import { acrossSeam } from './seam.js';
import { enclosingSymbolName } from './symbols.js';

/** A call to a function of the program, seen from the function's side. */
interface CallerSite {
  node: ts.CallExpression;
  file: string;
  /** Function the call sits in; undefined at module level. */
  enclosing: ts.Node | undefined;
}

/** Reverse call edges of the program, built in one pass by symbol resolution. */
export interface CallGraph {
  /** Returns the calls to a function, by its declaration. */
  callersOf(fn: ts.Node): readonly CallerSite[];
  /**
   * Returns whether a function can be reached in ways the graph cannot follow: it is passed as
   * a value (a route handler, a callback) or exported without any caller in the program.
   */
  escapes(fn: ts.Node): boolean;
  /** Returns the repo-relative files that the functions of `file` call into. */
  filesCalledFrom(file: string): ReadonlySet<string>;
  /** Returns the names of the functions followed: the graph contains every call to them by name. */
  followedNames(): ReadonlySet<string>;
  /** Returns the repo-relative path of the file a node is in. */
  fileOf(node: ts.Node): string;
  readonly detector: Detector;
  readonly checker: ts.TypeChecker;
}

/**
 * Builds the reverse call graph for the functions that matter: those with a model call whose
 * verdict depends on callers (`seeds`), then their callers, and so on up to the entry points.
 *
 * One syntactic pass lists every call and value reference by name. Symbols are then resolved
 * only for the names of functions still being followed, so the checker never types the bulk of
 * the program. This avoids both a full resolution of every call and the language service's
 * find-references, which searches the program again for each function.
 */
export function buildCallGraph(
  rootDir: string,
  files: readonly ts.SourceFile[],
  checker: ts.TypeChecker,
  detector: Detector,
  seeds: readonly ts.Node[] = [],
): CallGraph {
  const callers = new Map<ts.Node, CallerSite[]>();
  const escaping = new Set<ts.Node>();
  const calledFrom = new Map<string, Set<string>>();
  const fileOf = new Map<ts.SourceFile, string>();
  for (const file of files) fileOf.set(file, repoPath(rootDir, file.fileName));

  const { callsByName, referencesByName } = indexByName(files, fileOf);
  const followed = new Set<ts.Node>();
  const followedNames = new Set<string>();
  let pending: ts.Node[] = [...seeds];

  while (pending.length > 0) {
    const next: ts.Node[] = [];
    const names = new Set<string>();
    for (const fn of pending) {
      if (followed.has(fn)) continue;
      followed.add(fn);
      const name = functionName(fn);
      if (name !== '<anonymous>') names.add(name);
    }

    for (const name of names) {
      followedNames.add(name);
      for (const call of callsByName.get(name) ?? []) {
        const target = functionDeclarationOf(checker, call.node.expression);
        if (!target || !followed.has(target)) continue;

        const enclosing = enclosingFunction(call.node);
        const list = callers.get(target) ?? [];
        list.push({ node: call.node, file: call.file, enclosing });
        callers.set(target, list);
        if (enclosing && isNamedFunction(enclosing) && !followed.has(enclosing)) next.push(enclosing);

        const targetFile = fileOf.get(target.getSourceFile());
        if (targetFile && targetFile !== call.file) {
          const set = calledFrom.get(call.file) ?? new Set<string>();
          set.add(targetFile);
          calledFrom.set(call.file, set);
        }
      }
      for (const reference of referencesByName.get(name) ?? []) {
        const target = functionDeclarationOf(checker, reference);
        if (target && followed.has(target)) escaping.add(target);
      }
    }
    pending = next;
  }

  return {
    callersOf: (fn) => callers.get(fn) ?? [],
    escapes: (fn) => escaping.has(fn) || ((callers.get(fn)?.length ?? 0) === 0 && isExported(fn)),
    filesCalledFrom: (file) => calledFrom.get(file) ?? new Set(),
    followedNames: () => followedNames,
    fileOf: (node) => fileOf.get(node.getSourceFile()) ?? node.getSourceFile().fileName,
    detector,
    checker,
  };
}

interface NamedCall {
  node: ts.CallExpression;
  file: string;
}

/** Lists every call by its callee's name and every value reference by name, without the checker. */
function indexByName(
  files: readonly ts.SourceFile[],
  fileOf: Map<ts.SourceFile, string>,
): { callsByName: Map<string, NamedCall[]>; referencesByName: Map<string, ts.Identifier[]> } {
  const callsByName = new Map<string, NamedCall[]>();
  const referencesByName = new Map<string, ts.Identifier[]>();
  const push = <T>(map: Map<string, T[]>, key: string, value: T): void => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };

  for (const file of files) {
    const path = fileOf.get(file)!;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const name = ts.isIdentifier(callee)
          ? callee.text
          : ts.isPropertyAccessExpression(callee)
            ? callee.name.text
            : undefined;
        if (name !== undefined) push(callsByName, name, { node, file: path });
      } else if (ts.isIdentifier(node) && isValueReference(node)) {
        push(referencesByName, node.text, node);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { callsByName, referencesByName };
}

/** Maximum caller chain length followed, and maximum paths explored, per model call. */
const MAX_DEPTH = 12;
const MAX_PATHS = 256;

interface PathResult {
  /** Callers from the model call's function outwards, as `file:function`. */
  path: string[];
  instrumented: boolean;
  present: Set<ContextPart>;
  /** True when the path ends where callers cannot be seen (an escape or the depth limit). */
  open: boolean;
}

/**
 * Revises a call site's verdict with what its callers establish. A raw model call in a helper is
 * instrumented when every path into the helper comes through an instrumented scope. Context the
 * file does not show is looked up on every path. `via` is set to the path that decided.
 */
export function resolveCallers(site: CallSite, call: ModelCall, graph: CallGraph): void {
  const needsInstrumentation = call.status === 'not-instrumented' && call.reason === 'none';
  const needsContext = !call.contextKnown;
  if (!needsInstrumentation && !needsContext) return;

  const fn = enclosingFunction(acrossSeam<ts.Node>(call.node));
  if (!fn || !isNamedFunction(fn)) return;

  const paths = explorePaths(fn, graph);
  if (paths.length === 0) return;

  // A path that leaves the program (an escape) counts only when it was instrumented before leaving.
  if (needsInstrumentation) {
    const uninstrumented = paths.find((path) => !path.instrumented);
    if (!uninstrumented) {
      site.verdict = 'instrumented';
      site.reason = 'every caller runs it inside recorder.record() or a configured wrapper';
      site.via = paths[0]!.path;
    } else if (paths.some((path) => path.instrumented)) {
      // Some callers record it: name the path that does not, since that is the one to fix.
      site.via = uninstrumented.path;
    }
  }

  if (needsContext && site.verdict === 'instrumented') {
    const required: ContextPart[] = ['feature', 'user'];
    const lacking = paths.find((path) => required.some((part) => !path.present.has(part)));
    if (lacking) {
      site.missingContext = required.filter((part) => paths.some((path) => !path.present.has(part)));
      site.via = lacking.path;
    } else {
      site.missingContext = [];
      site.via ??= paths[0]!.path;
    }
  }
}

function explorePaths(start: ts.Node, graph: CallGraph): PathResult[] {
  const results: PathResult[] = [];
  const startName = `${graph.fileOf(start)}:${functionName(start)}`;

  const walk = (
    fn: ts.Node,
    path: string[],
    instrumented: boolean,
    present: Set<ContextPart>,
    seen: Set<ts.Node>,
  ): void => {
    if (results.length >= MAX_PATHS) return;

    const callerSites = graph.callersOf(fn);
    const open = graph.escapes(fn) || path.length > MAX_DEPTH;
    if (callerSites.length === 0 || path.length > MAX_DEPTH) {
      results.push({ path: [...path].reverse(), instrumented, present, open });
      return;
    }
    if (open) results.push({ path: [...path].reverse(), instrumented, present, open: true });

    for (const caller of callerSites) {
      const scope = graph.detector.judgeScope(acrossSeam(graph.checker), acrossSeam(caller.node));
      const nextPresent = new Set([...present, ...(scope.present as ContextPart[])]);
      const nextInstrumented = instrumented || scope.reason !== undefined;
      const label = `${caller.file}:${enclosingSymbolName(caller.node)}`;

      if (!caller.enclosing || seen.has(caller.enclosing) || !isNamedFunction(caller.enclosing)) {
        // Module-level code, recursion and anonymous callbacks end the path here.
        const anonymous = caller.enclosing !== undefined && !isNamedFunction(caller.enclosing);
        results.push({
          path: [...path, label].reverse(),
          instrumented: nextInstrumented,
          present: nextPresent,
          open: anonymous,
        });
        continue;
      }
      walk(caller.enclosing, [...path, label], nextInstrumented, nextPresent, new Set([...seen, caller.enclosing]));
    }
  };

  walk(start, [startName], false, new Set(), new Set([start]));
  return results;
}

/** Resolves a callee expression to the function-like declaration it calls, through aliases. */
function functionDeclarationOf(checker: ts.TypeChecker, expression: ts.Expression): ts.Node | undefined {
  const name = ts.isPropertyAccessExpression(expression)
    ? expression.name
    : ts.isIdentifier(expression)
      ? expression
      : undefined;
  if (!name) return undefined;

  let symbol = checker.getSymbolAtLocation(name);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  if (!declaration) return undefined;

  if (ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) return declaration;
  if (ts.isVariableDeclaration(declaration) && declaration.initializer) {
    const initializer = declaration.initializer;
    if (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) return initializer;
  }
  if (
    ts.isPropertyAssignment(declaration) &&
    (ts.isArrowFunction(declaration.initializer) || ts.isFunctionExpression(declaration.initializer))
  ) {
    return declaration.initializer;
  }
  return undefined;
}

/** True for an identifier used as a value other than as the callee of a call. */
function isValueReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === node) return false;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (
    ts.isFunctionDeclaration(parent) ||
    ts.isVariableDeclaration(parent) ||
    ts.isImportSpecifier(parent) ||
    ts.isImportClause(parent)
  ) {
    return false;
  }
  if (ts.isExportSpecifier(parent) || ts.isTypeReferenceNode(parent) || ts.isQualifiedName(parent)) return false;
  if (ts.isMethodDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isParameter(parent))
    return parent.name !== node;
  return true;
}

/** Returns the named function a node sits in, the unit the call graph follows; undefined otherwise. */
export function enclosingFunctionOf(node: ts.Node): ts.Node | undefined {
  const fn = enclosingFunction(node);
  return fn && isNamedFunction(fn) ? fn : undefined;
}

function enclosingFunction(node: ts.Node): ts.Node | undefined {
  for (let current = node.parent; !ts.isSourceFile(current); current = current.parent) {
    if (ts.isFunctionLike(current) && !ts.isCallSignatureDeclaration(current)) return current;
  }
  return undefined;
}

function isNamedFunction(node: ts.Node): boolean {
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) return true;
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    return ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent);
  }
  return false;
}

function isExported(node: ts.Node): boolean {
  const declaration = ts.isArrowFunction(node) || ts.isFunctionExpression(node) ? node.parent.parent.parent : node;
  return (
    ts.canHaveModifiers(declaration) &&
    (ts.getModifiers(declaration) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)
  );
}

function functionName(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) return node.name.getText();
  if (
    (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) &&
    (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent))
  ) {
    return node.parent.name.getText();
  }
  return '<anonymous>';
}
