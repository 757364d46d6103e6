import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { createDetector, type Detector, type ModelCall } from '@telltale/detector';
import { ts, type SourceFile } from 'ts-morph';

import { applyBaseline, readBaseline, DEFAULT_BASELINE_FILE, type BaselineEntry } from './baseline.js';
import { buildCallGraph, enclosingFunctionOf, resolveCallers, type CallGraph } from './call-graph.js';
import { loadConfig } from './config.js';
import { findingsOf, type CallSite } from './findings.js';
import { acrossSeam } from './seam.js';
import { enclosingSymbolName } from './symbols.js';
import { loadProject, relativePath, type LoadedProject } from './project.js';
import type { CheckReport } from './reporters/types.js';

type DetectorTs = Parameters<typeof createDetector>[0];
type DetectorCall = Parameters<Detector['detect']>[1];
type DetectorChecker = Parameters<Detector['detect']>[0];

export interface CheckOptions {
  /** Root of the repository to analyse. */
  root: string;
  /** Config file to use instead of searching from the root. */
  configFile?: string | undefined;
  /** tsconfig to start from, relative to the root. */
  tsconfig?: string | undefined;
  /** Baseline file; default `telltale-baseline.json` at the root when it exists. */
  baselineFile?: string | undefined;
  /**
   * Repo-relative paths of changed files: findings are kept only in these and in files whose
   * call graph reaches them.
   */
  changedFiles?: readonly string[] | undefined;
  /** Skips the cross-file pass: verdicts are then exactly the ESLint rule's. */
  perFileOnly?: boolean | undefined;
  /** Called while files are analysed, with the number done and the total. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/**
 * Analyses every source file of the repository: finds the model calls with the detector, then
 * resolves instrumentation and context that callers in other files establish.
 */
export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const root = resolve(options.root);
  const { config } = await loadConfig(root, options.configFile);
  const loaded = loadProject(root, { tsconfig: options.tsconfig });

  // The detector is written against the `typescript` package's declarations. ts-morph bundles the
  // same compiler (6.0) under its own declarations, so the module and its nodes are cast here.
  const detector = createDetector(acrossSeam<DetectorTs>(ts), {
    modelCalls: config.modelCalls ?? [],
    wrappers: config.wrappers ?? [],
    requiredContext: config.requiredContext ?? ['feature', 'user'],
  });
  const checker = acrossSeam<DetectorChecker>(loaded.project.getTypeChecker().compilerObject);
  const files = analysedFiles(loaded);
  const errors: CheckReport['errors'] = [];
  const calls: { site: CallSite; call: ModelCall }[] = [];

  files.forEach((file, index) => {
    options.onProgress?.(index, files.length);

    const syntaxErrors = syntaxErrorsOf(file);
    if (syntaxErrors) {
      errors.push({
        file: relativePath(loaded, file),
        message: `${syntaxErrors}; fix the syntax error, the other files were analysed`,
      });
      return;
    }

    const sourceFile = file.compilerNode;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && detector.isCandidate(acrossSeam<DetectorCall>(node))) {
        const call = detector.detect(checker, acrossSeam<DetectorCall>(node));
        if (call) calls.push({ call, site: toCallSite(loaded, file, call, checker) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  });
  options.onProgress?.(files.length, files.length);

  let graph: CallGraph | undefined;
  if (!options.perFileOnly) {
    const seeds = calls
      .filter(({ call }) => (call.status === 'not-instrumented' && call.reason === 'none') || !call.contextKnown)
      .map(({ call }) => enclosingFunctionOf(acrossSeam<ts.Node>(call.node)))
      .filter((fn): fn is ts.Node => fn !== undefined);
    graph = buildCallGraph(loaded, files, acrossSeam<ts.TypeChecker>(checker), detector, seeds);
    for (const entry of calls) resolveCallers(entry.site, entry.call, graph);
  }

  let sites = calls.map((entry) => entry.site);
  const inScope = options.changedFiles ? filesInScope(options.changedFiles, graph) : undefined;
  if (inScope) sites = sites.filter((site) => inScope.has(site.file));

  const findings = sites.flatMap(findingsOf);
  let stale: BaselineEntry[] = [];
  const baselinePath = resolve(root, options.baselineFile ?? DEFAULT_BASELINE_FILE);
  const baseline = readBaseline(baselinePath);
  if (baseline) stale = applyBaseline(findings, baseline);
  if (inScope) stale = stale.filter((entry) => inScope.has(entry.file));

  return {
    version: 1,
    root,
    files: files.length,
    sites,
    findings,
    stale,
    notes: loaded.notes,
    errors,
  };
}

/** Returns a reader of repo-relative source files for code frames. */
export function sourceReader(root: string): (file: string) => string | undefined {
  return (file) => {
    const path = resolve(root, file);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  };
}

function analysedFiles(loaded: LoadedProject): SourceFile[] {
  return loaded.project
    .getSourceFiles()
    .filter(
      (file) => !file.isDeclarationFile() && !file.isInNodeModules() && !file.getFilePath().includes('/node_modules/'),
    );
}

function syntaxErrorsOf(file: SourceFile): string | undefined {
  const diagnostics =
    (file.compilerNode as ts.SourceFile & { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? [];
  const first = diagnostics[0];
  if (!first) return undefined;

  const position = first.start === undefined ? undefined : file.compilerNode.getLineAndCharacterOfPosition(first.start);
  const where = position ? `:${position.line + 1}:${position.character + 1}` : '';
  return `syntax error at ${where.slice(1) || 'unknown position'}: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`;
}

function toCallSite(loaded: LoadedProject, file: SourceFile, call: ModelCall, checker: DetectorChecker): CallSite {
  const node = acrossSeam<ts.CallExpression>(call.node);
  const sourceFile = file.compilerNode;
  const start = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  const end = sourceFile.getLineAndCharacterOfPosition(node.getEnd());

  return {
    file: relativePath(loaded, file),
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
    provider: call.provider,
    package: call.package,
    method: call.method,
    operation: call.operation,
    callee: calleeText(node.expression, sourceFile),
    enclosingSymbol: enclosingSymbolName(node),
    model: staticModel(node, acrossSeam<ts.TypeChecker>(checker)),
    feature: staticFeature(node),
    verdict: call.status,
    reason: describeReason(call),
    missingContext: [...call.missingContext],
  };
}

function calleeText(expression: ts.Expression, sourceFile: ts.SourceFile): string {
  return expression
    .getText(sourceFile)
    .replace(/\s*\n\s*/g, '')
    .replace(/\?\./g, '.');
}

/** Returns the `model` argument when it is a string literal or a constant of a literal type. */
function staticModel(node: ts.CallExpression, checker: ts.TypeChecker): string | undefined {
  for (const argument of node.arguments) {
    if (!ts.isObjectLiteralExpression(argument)) continue;
    for (const property of argument.properties) {
      if (!ts.isPropertyAssignment(property) || property.name.getText() !== 'model') continue;

      const type = checker.getTypeAtLocation(property.initializer);
      if (type.isStringLiteral()) return type.value;
      // The AI SDK takes a model object such as openai('gpt-4.1'); its first argument is the id.
      if (ts.isCallExpression(property.initializer)) {
        const first = property.initializer.arguments[0];
        const firstType = first ? checker.getTypeAtLocation(first) : undefined;
        if (firstType?.isStringLiteral()) return firstType.value;
      }
    }
  }
  return undefined;
}

/** Returns the feature of an enclosing `record()` or `withContext()` when it is a string literal. */
function staticFeature(node: ts.Node): string | undefined {
  for (let current = node.parent; !ts.isSourceFile(current); current = current.parent) {
    if (!ts.isArrowFunction(current) && !ts.isFunctionExpression(current)) continue;

    const call = current.parent;
    if (!ts.isCallExpression(call)) continue;
    const name = ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined;
    if (name !== 'record' && name !== 'withContext') continue;

    const meta = call.arguments[0];
    if (!meta || !ts.isObjectLiteralExpression(meta)) continue;
    for (const property of meta.properties) {
      if (
        ts.isPropertyAssignment(property) &&
        property.name.getText() === 'feature' &&
        ts.isStringLiteralLike(property.initializer)
      ) {
        return property.initializer.text;
      }
    }
  }
  return undefined;
}

const REASONS: Record<string, string> = {
  'instrumented-client': 'the client comes from recorder.instrument()',
  'record-callback': 'the call runs inside recorder.record()',
  wrapper: 'the call goes through a configured wrapper',
  'ai-sdk-telemetry': 'the AI SDK telemetry option is enabled with a function id and user id',
  langfuse: "the client is wrapped with Langfuse's observeOpenAI",
  langsmith: "the client is wrapped with LangSmith's wrapOpenAI",
  helicone: 'Helicone headers carry the user and feature',
  none: 'nothing records this call',
  'types-unresolved': 'the types of the call do not resolve',
};

function describeReason(call: ModelCall): string {
  return REASONS[call.reason] ?? call.reason;
}

/** Files whose findings `--changed-since` keeps: the changed ones and those whose calls reach them. */
function filesInScope(changedFiles: readonly string[], graph: CallGraph | undefined): Set<string> {
  const scope = new Set(changedFiles);
  if (!graph) return scope;

  // A changed caller can change the verdict of a call in a file it reaches, so follow edges from
  // changed files to the files they call into.
  const pending = [...scope];
  while (pending.length > 0) {
    const file = pending.pop()!;
    for (const callee of graph.filesCalledFrom(file)) {
      if (!scope.has(callee)) {
        scope.add(callee);
        pending.push(callee);
      }
    }
  }
  return scope;
}
