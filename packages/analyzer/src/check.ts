import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { createDetector, type Detector, type ModelCall } from '@telltale/detector';
import { ts } from 'ts-morph';

import { applyBaseline, readBaseline, DEFAULT_BASELINE_FILE, type BaselineEntry } from './baseline.js';
import { buildCallGraph, enclosingFunctionOf, resolveCallers, type CallGraph } from './call-graph.js';
import { loadConfig } from '@telltale/config';
import { findingsOf, type CallSite } from './findings.js';
import { acrossSeam } from './seam.js';
import { enclosingSymbolName } from './symbols.js';
import { createPlannedProgram, planProject, repoPath, type ProjectPlan } from './project.js';
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

interface DetectedCall {
  site: CallSite;
  call: ModelCall;
}

/**
 * Analyses every source file of the repository: finds the model calls with the detector, then
 * resolves instrumentation and context that callers in other files establish.
 */
export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const root = resolve(options.root);
  const { config } = await loadConfig(root, options.configFile);
  const plan = planProject(root, { tsconfig: options.tsconfig });

  // The detector is written against the `typescript` package's declarations. ts-morph bundles the
  // same compiler (6.0) under its own declarations, so the module and its nodes are cast here.
  const detector = createDetector(acrossSeam<DetectorTs>(ts), {
    modelCalls: config.modelCalls ?? [],
    wrappers: config.wrappers ?? [],
    requiredContext: config.requiredContext ?? ['feature', 'user'],
  });
  const analysis = options.changedFiles
    ? analyseChanged(plan, detector, options, options.changedFiles)
    : analyseAll(plan, detector, options);

  const { sites, inScope } = analysis;
  const findings = sites.flatMap(findingsOf);
  let stale: BaselineEntry[] = [];
  const baselinePath = resolve(root, options.baselineFile ?? DEFAULT_BASELINE_FILE);
  const baseline = readBaseline(baselinePath);
  if (baseline) stale = applyBaseline(findings, baseline);
  if (inScope) stale = stale.filter((entry) => inScope.has(entry.file));

  return {
    version: 1,
    root,
    files: analysis.files,
    sites,
    findings,
    stale,
    notes: plan.notes,
    errors: analysis.errors,
  };
}

interface Analysis {
  files: number;
  sites: CallSite[];
  errors: CheckReport['errors'];
  /** Repo-relative files the sites were limited to, in changed-files mode. */
  inScope?: Set<string>;
}

function analyseAll(plan: ProjectPlan, detector: Detector, options: CheckOptions): Analysis {
  const program = createPlannedProgram(plan);
  const files = analysedFiles(program);
  const { calls, errors } = detectCalls(plan, program, files, detector, options.onProgress);

  if (!options.perFileOnly) {
    const graph = buildCallGraph(plan.rootDir, files, program.getTypeChecker(), detector, seedsOf(calls));
    for (const entry of calls) resolveCallers(entry.site, entry.call, graph);
  }
  return { files: files.length, sites: calls.map((entry) => entry.site), errors };
}

/**
 * Analyses the changed files and the files their calls reach, with a program that holds only
 * what that needs, and reports the same verdicts for those files as a full run.
 *
 * 1. The program starts from the changed files; the compiler adds what they import. Every
 *    function a changed file calls, and every model call those functions reach, is then in it,
 *    so the files in scope are the ones a full run would keep.
 * 2. A verdict in scope can depend on callers anywhere. The call graph follows callers by
 *    function name, so every project file that mentions a followed name is added to the program,
 *    and the graph is built again, until no new file mentions one.
 */
function analyseChanged(
  plan: ProjectPlan,
  detector: Detector,
  options: CheckOptions,
  changedFiles: readonly string[],
): Analysis {
  const projectFiles = new Set(plan.fileNames);
  const changed = changedFiles.map((file) => resolve(plan.rootDir, file)).filter((file) => projectFiles.has(file));
  if (changed.length === 0) return { files: 0, sites: [], errors: [], inScope: new Set() };

  let roots = new Set(changed);
  let program = createPlannedProgram(plan, [...roots]);
  let files = analysedFiles(program);
  const first = detectCalls(plan, program, files, detector, options.onProgress);
  const errors = new Map(first.errors.map((error) => [error.file, error]));

  const scopeGraph = options.perFileOnly
    ? undefined
    : buildCallGraph(plan.rootDir, files, program.getTypeChecker(), detector, seedsOf(first.calls));
  const inScope = filesInScope(
    changed.map((file) => repoPath(plan.rootDir, file)),
    scopeGraph,
  );
  if (!scopeGraph) {
    const sites = first.calls.map((entry) => entry.site).filter((site) => inScope.has(site.file));
    return { files: files.length, sites, errors: [...errors.values()], inScope };
  }

  const mentions = new NameSearch(plan.fileNames);
  for (;;) {
    const scoped = files.filter((file) => inScope.has(repoPath(plan.rootDir, file.fileName)));
    const { calls } = detectCalls(plan, program, scoped, detector);
    const graph = buildCallGraph(plan.rootDir, files, program.getTypeChecker(), detector, seedsOf(calls));

    const added = mentions.filesMentioning(graph.followedNames()).filter((file) => !roots.has(file));
    const missing = added.filter((file) => program.getSourceFile(file) === undefined);
    if (missing.length === 0) {
      for (const entry of calls) resolveCallers(entry.site, entry.call, graph);
      return { files: files.length, sites: calls.map((entry) => entry.site), errors: [...errors.values()], inScope };
    }

    roots = new Set([...roots, ...added]);
    program = createPlannedProgram(plan, [...roots], program);
    files = analysedFiles(program);
    for (const error of detectCalls(
      plan,
      program,
      files.filter((file) => missing.includes(file.fileName)),
      detector,
    ).errors)
      errors.set(error.file, error);
  }
}

/** Runs the detector on every call expression of `files`; files with a syntax error are reported. */
function detectCalls(
  plan: ProjectPlan,
  program: ts.Program,
  files: readonly ts.SourceFile[],
  detector: Detector,
  onProgress?: CheckOptions['onProgress'],
): { calls: DetectedCall[]; errors: CheckReport['errors'] } {
  const checker = acrossSeam<DetectorChecker>(program.getTypeChecker());
  const errors: CheckReport['errors'] = [];
  const calls: DetectedCall[] = [];

  files.forEach((file, index) => {
    onProgress?.(index, files.length);

    const syntaxErrors = syntaxErrorsOf(file);
    if (syntaxErrors) {
      errors.push({
        file: repoPath(plan.rootDir, file.fileName),
        message: `${syntaxErrors}; fix the syntax error, the other files were analysed`,
      });
      return;
    }

    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && detector.isCandidate(acrossSeam<DetectorCall>(node))) {
        const call = detector.detect(checker, acrossSeam<DetectorCall>(node));
        if (call) calls.push({ call, site: toCallSite(plan, file, call, checker) });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  });
  onProgress?.(files.length, files.length);
  return { calls, errors };
}

/** Functions whose model calls need their callers for a verdict: the call graph starts there. */
function seedsOf(calls: readonly DetectedCall[]): ts.Node[] {
  return calls
    .filter(({ call }) => (call.status === 'not-instrumented' && call.reason === 'none') || !call.contextKnown)
    .map(({ call }) => enclosingFunctionOf(acrossSeam<ts.Node>(call.node)))
    .filter((fn): fn is ts.Node => fn !== undefined);
}

/** Finds the files whose text mentions a name as a whole word, reading each file once. */
class NameSearch {
  readonly #texts = new Map<string, string>();

  constructor(readonly fileNames: readonly string[]) {}

  filesMentioning(names: ReadonlySet<string>): string[] {
    if (names.size === 0) return [];
    const escaped = [...names].map((name) => name.replace(/[$]/g, '\\$&'));
    const pattern = new RegExp(`(?<![\\w$])(?:${escaped.join('|')})(?![\\w$])`);
    return this.fileNames.filter((file) => pattern.test(this.#text(file)));
  }

  #text(file: string): string {
    let text = this.#texts.get(file);
    if (text === undefined) {
      text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      this.#texts.set(file, text);
    }
    return text;
  }
}

/** Returns a reader of repo-relative source files for code frames. */
export function sourceReader(root: string): (file: string) => string | undefined {
  return (file) => {
    const path = resolve(root, file);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  };
}

function analysedFiles(program: ts.Program): ts.SourceFile[] {
  return program
    .getSourceFiles()
    .filter(
      (file) =>
        !file.isDeclarationFile &&
        !program.isSourceFileFromExternalLibrary(file) &&
        !file.fileName.includes('/node_modules/'),
    );
}

function syntaxErrorsOf(file: ts.SourceFile): string | undefined {
  const diagnostics = (file as ts.SourceFile & { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? [];
  const first = diagnostics[0];
  if (!first) return undefined;

  const position = first.start === undefined ? undefined : file.getLineAndCharacterOfPosition(first.start);
  const where = position ? `:${position.line + 1}:${position.character + 1}` : '';
  return `syntax error at ${where.slice(1) || 'unknown position'}: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`;
}

function toCallSite(plan: ProjectPlan, sourceFile: ts.SourceFile, call: ModelCall, checker: DetectorChecker): CallSite {
  const node = acrossSeam<ts.CallExpression>(call.node);
  const start = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  const end = sourceFile.getLineAndCharacterOfPosition(node.getEnd());

  return {
    file: repoPath(plan.rootDir, sourceFile.fileName),
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
    provider: call.provider,
    package: call.package,
    method: call.method,
    operation: call.operation,
    endpoint: call.http?.match.target,
    callee: calleeText(node.expression, sourceFile),
    enclosingSymbol: enclosingSymbolName(node),
    model: staticModel(call, acrossSeam<ts.TypeChecker>(checker)),
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

/**
 * Returns the `model` argument when it is a string literal or a constant of a literal type. For a
 * call over raw HTTP, the model is read from the request body.
 */
function staticModel(call: ModelCall, checker: ts.TypeChecker): string | undefined {
  const node = acrossSeam<ts.CallExpression>(call.node);
  const candidates = call.http === undefined ? node.arguments : [acrossSeam<ts.Expression | undefined>(call.http.body)];

  for (const argument of candidates) {
    if (argument === undefined || !ts.isObjectLiteralExpression(argument)) continue;
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
