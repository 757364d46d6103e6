import type TS from 'typescript';

import { matchesPackage, type PackageSpecifier } from './catalog.js';
import type { PackageResolver } from './packages.js';
import { declarationNames, enclosingFunction, skipOuterExpressions } from './syntax.js';
import { hasPropertyDeclaredIn, isFalseType, requiredPropertyType } from './types.js';

/** The context parts the detector checks. */
export type ContextPartName = 'feature' | 'user';

/** Reason a model call counts as instrumented, or `none` when it does not. */
export type InstrumentationReason =
  | 'instrumented-client'
  | 'record-callback'
  | 'wrapper'
  | 'ai-sdk-telemetry'
  | 'langfuse'
  | 'langsmith'
  | 'helicone'
  | 'none'
  | 'types-unresolved';

export interface JudgeOptions {
  packages: PackageResolver;
  wrappers: readonly PackageSpecifier[];
  requiredContext: readonly ContextPartName[];
}

/** Options of the judgement of one model call: the shared options and facts about the call. */
export interface CallJudgeOptions extends JudgeOptions {
  /** The call is to the Vercel AI SDK, whose telemetry options count. */
  aiSdk: boolean;
  /** The call goes through a proxy that records it. */
  proxy?: 'helicone' | undefined;
  /**
   * False when the receiver is the global object (`globalThis.fetch`), which neither `instrument()`
   * nor a wrapper returns. Its type has thousands of members, which are slow to read.
   */
  traceClient: boolean;
}

export interface Judgement {
  reason: InstrumentationReason;
  missingContext: ContextPartName[];
  contextKnown: boolean;
}

/** The package that declares `Instrumented<T>`, `record()`, `withContext()` and `instrument()`. */
export const RECORDER_PACKAGE = '@telltale/recorder';
const USER_ID_KEYS = ['userId', 'user_id', 'userID', 'user'];
const MAX_TRACE_STEPS = 32;

const CLIENT_WRAPPERS: readonly { package: string; names: readonly string[]; reason: InstrumentationReason }[] = [
  { package: 'langfuse', names: ['observeOpenAI'], reason: 'langfuse' },
  { package: '@langfuse/openai', names: ['observeOpenAI'], reason: 'langfuse' },
  { package: 'langsmith', names: ['wrapOpenAI', 'wrapSDK'], reason: 'langsmith' },
];

/**
 * Decides whether a model call is instrumented and which required context parts the file shows
 * are missing. Every check runs, because each one may add context. The first in the order below
 * that accepts the call gives the reason.
 */
export function judgeInstrumentation(
  ts: typeof TS,
  checker: TS.TypeChecker,
  node: TS.CallExpression,
  options: CallJudgeOptions,
): Judgement {
  const context = new ContextCollector(ts, checker, node);
  const resolveCall = (call: TS.CallExpression): CallTarget | undefined =>
    callTarget(ts, checker, options.packages, call);

  const clientReason = options.traceClient ? judgeClient(ts, checker, node, options, resolveCall, context) : undefined;
  const enclosingReason = judgeEnclosingCallbacks(ts, node, options, resolveCall, context);
  const telemetryReason = options.aiSdk ? judgeAiSdkTelemetry(ts, checker, node, context) : undefined;
  const heliconeReason = judgeHeliconeHeaders(ts, checker, node, context);
  const proxyReason: InstrumentationReason | undefined = options.proxy;

  const reason = clientReason ?? enclosingReason ?? telemetryReason ?? heliconeReason ?? proxyReason ?? 'none';
  const { missingContext, contextKnown } = context.result(
    options.requiredContext,
    enclosingFunction(ts, node) === undefined,
  );
  return { reason, missingContext, contextKnown };
}

interface CallTarget {
  package: string | undefined;
  name: string | undefined;
}

function callTarget(
  ts: typeof TS,
  checker: TS.TypeChecker,
  packages: PackageResolver,
  call: TS.CallExpression,
): CallTarget | undefined {
  const declaration = checker.getResolvedSignature(call)?.getDeclaration() as TS.Node | undefined;
  if (declaration === undefined) return undefined;
  return {
    package: packages.packageOf(declaration.getSourceFile()),
    name: declarationNames(ts, declaration).member,
  };
}

function isSpecified(target: CallTarget | undefined, specifiers: readonly PackageSpecifier[]): boolean {
  if (target?.package === undefined || target.name === undefined) return false;
  return specifiers.some(
    (specifier) =>
      matchesPackage(target.package!, [specifier.package]) &&
      (typeof specifier.name === 'string' ? specifier.name === target.name : specifier.name.includes(target.name!)),
  );
}

/** Records the context parts that the file shows for one call, from every place that sets them. */
class ContextCollector {
  readonly #present = new Set<ContextPartName>();
  #established = false;

  constructor(
    readonly ts: typeof TS,
    readonly checker: TS.TypeChecker,
    readonly location: TS.Node,
  ) {}

  /**
   * Adds the `feature` and `user` properties of a recorder context or defaults object, and of
   * the `context` property of a `record()` meta, which is where the recorder takes them from.
   */
  addFromObject(expression: TS.Expression | undefined): void {
    this.#established = true;
    if (expression === undefined) return;

    const type = this.checker.getTypeAtLocation(expression);
    this.addFromType(type);

    const nested = requiredPropertyType(this.ts, this.checker, type, 'context', this.location);
    if (nested !== undefined) this.addFromType(nested);
  }

  private addFromType(type: TS.Type): void {
    if (requiredPropertyType(this.ts, this.checker, type, 'feature', this.location) !== undefined) {
      this.#present.add('feature');
    }
    if (requiredPropertyType(this.ts, this.checker, type, 'user', this.location) !== undefined) {
      this.#present.add('user');
    }
  }

  add(part: ContextPartName | undefined): void {
    this.#established = true;
    if (part !== undefined) this.#present.add(part);
  }

  /** Returns the parts found so far, and whether any context was set at all. */
  parts(): { present: ContextPartName[]; established: boolean } {
    return { present: [...this.#present], established: this.#established };
  }

  result(
    required: readonly ContextPartName[],
    atModuleLevel: boolean,
  ): { missingContext: ContextPartName[]; contextKnown: boolean } {
    // Callers in other files may establish context for a call inside a function, so the absence of
    // any context here proves nothing. At module level no caller can.
    if (!this.#established && !atModuleLevel) return { missingContext: [], contextKnown: false };
    return { missingContext: required.filter((part) => !this.#present.has(part)), contextKnown: true };
  }
}

/**
 * Follows the receiver of a call back to where the client came from (through property reads,
 * variables in this or other modules, destructuring and `.bind`), looking for the recorder's brand,
 * `recorder.instrument(...)`, a client wrapper, or Helicone default headers.
 */
function judgeClient(
  ts: typeof TS,
  checker: TS.TypeChecker,
  node: TS.CallExpression,
  options: JudgeOptions,
  resolveCall: (call: TS.CallExpression) => CallTarget | undefined,
  context: ContextCollector,
): InstrumentationReason | undefined {
  const isRecorderFile = (sourceFile: TS.SourceFile): boolean =>
    options.packages.packageOf(sourceFile) === RECORDER_PACKAGE;
  const pending: TS.Expression[] = receiversOf(ts, node.expression);
  const seen = new Set<TS.Node>();
  let reason: InstrumentationReason | undefined;

  for (let step = 0; step < MAX_TRACE_STEPS && pending.length > 0; step++) {
    const expression = skipOuterExpressions(ts, pending.shift()!);
    if (seen.has(expression)) continue;
    seen.add(expression);

    const type = checker.getTypeAtLocation(expression);
    if (reason === undefined && hasPropertyDeclaredIn(type, isRecorderFile, true)) reason = 'instrumented-client';
    reason ??= wrapperTypeReason(type, options.packages);

    if (ts.isCallExpression(expression)) {
      const target = resolveCall(expression);
      if (target?.package === RECORDER_PACKAGE && target.name === 'instrument') {
        reason ??= 'instrumented-client';
        if (expression.arguments[1] !== undefined) context.addFromObject(expression.arguments[1]);
      } else if (isSpecified(target, options.wrappers)) {
        reason ??= 'wrapper';
      } else {
        const wrapper = CLIENT_WRAPPERS.find(
          (candidate) => target?.package === candidate.package && candidate.names.includes(target.name ?? ''),
        );
        if (wrapper !== undefined) reason ??= wrapper.reason;
      }
      pending.push(...receiversOf(ts, expression.expression), ...expression.arguments.slice(0, 1));
    } else if (ts.isNewExpression(expression)) {
      const helicone = heliconeContext(ts, checker, expression.arguments?.[0], 'defaultHeaders', context);
      if (helicone) reason ??= 'helicone';
    } else if (ts.isPropertyAccessExpression(expression) || ts.isElementAccessExpression(expression)) {
      pending.push(expression.expression);
    } else if (ts.isIdentifier(expression)) {
      pending.push(...sourcesOfIdentifier(ts, checker, expression));
    }
  }

  return reason;
}

/** Returns the object a callee is read from: `a.b` for `a.b.create`, or the source of an alias. */
function receiversOf(ts: typeof TS, callee: TS.Expression): TS.Expression[] {
  const expression = skipOuterExpressions(ts, callee);
  if (ts.isPropertyAccessExpression(expression) || ts.isElementAccessExpression(expression)) {
    return [expression.expression];
  }
  return [expression];
}

/** Returns the expressions a variable was set from: its initializer, or the object it was destructured from. */
function sourcesOfIdentifier(ts: typeof TS, checker: TS.TypeChecker, identifier: TS.Identifier): TS.Expression[] {
  let symbol = checker.getSymbolAtLocation(identifier);
  if (symbol === undefined) return [];
  if ((symbol.flags & ts.SymbolFlags.Alias) !== 0) symbol = checker.getAliasedSymbol(symbol);

  const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
  if (declaration === undefined) return [];

  if (ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined) {
    return [declaration.initializer];
  }
  if (ts.isBindingElement(declaration)) {
    let pattern: TS.Node = declaration.parent;
    while (ts.isBindingElement(pattern) || ts.isObjectBindingPattern(pattern) || ts.isArrayBindingPattern(pattern)) {
      pattern = pattern.parent;
    }
    if (ts.isVariableDeclaration(pattern) && pattern.initializer !== undefined) return [pattern.initializer];
  }
  return [];
}

/** Recognizes a client whose type the Langfuse or LangSmith wrapper extended with its own members. */
function wrapperTypeReason(type: TS.Type, packages: PackageResolver): InstrumentationReason | undefined {
  for (const wrapper of CLIENT_WRAPPERS) {
    const isWrapperFile = (sourceFile: TS.SourceFile): boolean => packages.packageOf(sourceFile) === wrapper.package;
    if (hasPropertyDeclaredIn(type, isWrapperFile, false)) return wrapper.reason;
  }
  return undefined;
}

/**
 * Walks out from the call through the callbacks that enclose it: a `record()` callback instruments
 * the call and carries its meta, a `withContext()` callback carries context, a configured wrapper
 * instruments.
 */
function judgeEnclosingCallbacks(
  ts: typeof TS,
  node: TS.Node,
  options: JudgeOptions,
  resolveCall: (call: TS.CallExpression) => CallTarget | undefined,
  context: ContextCollector,
): InstrumentationReason | undefined {
  let reason: InstrumentationReason | undefined;

  for (let current: TS.Node = node; !ts.isSourceFile(current); current = current.parent) {
    if (!ts.isArrowFunction(current) && !ts.isFunctionExpression(current)) continue;

    const parent = current.parent;
    if (!ts.isCallExpression(parent) || !parent.arguments.includes(current)) continue;

    const target = resolveCall(parent);
    if (target?.package === RECORDER_PACKAGE && target.name === 'record') {
      reason ??= 'record-callback';
      context.addFromObject(parent.arguments[0]);
    } else if (target?.package === RECORDER_PACKAGE && target.name === 'withContext') {
      context.addFromObject(parent.arguments[0]);
    } else if (isSpecified(target, options.wrappers)) {
      reason ??= 'wrapper';
    }
  }

  return reason;
}

/**
 * Accepts the AI SDK's OpenTelemetry integration, judged from the argument's type so spreads and
 * variables count: `experimental_telemetry` (or `telemetry`) with `isEnabled` not `false`, a
 * `functionId` as the feature and a user id in `metadata`.
 */
function judgeAiSdkTelemetry(
  ts: typeof TS,
  checker: TS.TypeChecker,
  node: TS.CallExpression,
  context: ContextCollector,
): InstrumentationReason | undefined {
  const argument = node.arguments[0];
  if (argument === undefined) return undefined;

  const argumentType = checker.getTypeAtLocation(argument);
  const telemetry =
    requiredPropertyType(ts, checker, argumentType, 'experimental_telemetry', node) ??
    requiredPropertyType(ts, checker, argumentType, 'telemetry', node);
  if (telemetry === undefined) return undefined;

  const isEnabled = requiredPropertyType(ts, checker, telemetry, 'isEnabled', node);
  if (isEnabled === undefined || isFalseType(ts, isEnabled)) return undefined;

  context.add(requiredPropertyType(ts, checker, telemetry, 'functionId', node) === undefined ? undefined : 'feature');
  const metadata = requiredPropertyType(ts, checker, telemetry, 'metadata', node);
  const hasUser =
    metadata !== undefined && USER_ID_KEYS.some((key) => requiredPropertyType(ts, checker, metadata, key, node));
  context.add(hasUser ? 'user' : undefined);
  return 'ai-sdk-telemetry';
}

/** Accepts Helicone headers sent with the call (`headers` in any argument). */
function judgeHeliconeHeaders(
  ts: typeof TS,
  checker: TS.TypeChecker,
  node: TS.CallExpression,
  context: ContextCollector,
): InstrumentationReason | undefined {
  for (const argument of node.arguments) {
    if (heliconeContext(ts, checker, argument, 'headers', context)) return 'helicone';
  }
  return undefined;
}

/**
 * Reads the Helicone headers in `argument[property]` and adds the context they carry. Returns
 * whether any `Helicone-*` header is set.
 */
function heliconeContext(
  ts: typeof TS,
  checker: TS.TypeChecker,
  argument: TS.Expression | undefined,
  property: string,
  context: ContextCollector,
): boolean {
  if (argument === undefined) return false;

  const headers = requiredPropertyType(ts, checker, checker.getTypeAtLocation(argument), property, argument);
  if (headers === undefined) return false;

  const names = checker
    .getApparentType(headers)
    .getProperties()
    .map((header) => header.getName().toLowerCase());
  if (!names.some((name) => name.startsWith('helicone-'))) return false;

  context.add(names.includes('helicone-property-feature') ? 'feature' : undefined);
  context.add(names.includes('helicone-user-id') ? 'user' : undefined);
  return true;
}

/** Instrumentation and context that the callbacks around a point in the code establish. */
export interface ScopeJudgement {
  /** Reason code at this point is instrumented, when an enclosing `record()` or wrapper makes it so. */
  reason: InstrumentationReason | undefined;
  /** Context parts that enclosing `record()` or `withContext()` calls set. */
  present: ContextPartName[];
  /** Whether any enclosing call sets context at all. */
  established: boolean;
}

/**
 * Judges the scope of any node, such as a call to a helper that makes a model call elsewhere. It
 * applies the rules used for a model call inside that scope, so the cross-file analysis and the
 * lint rule agree on what `record()`, `withContext()` and wrappers establish.
 */
export function judgeScope(
  ts: typeof TS,
  checker: TS.TypeChecker,
  node: TS.Node,
  options: JudgeOptions,
): ScopeJudgement {
  const context = new ContextCollector(ts, checker, node);
  const resolveCall = (call: TS.CallExpression): CallTarget | undefined =>
    callTarget(ts, checker, options.packages, call);

  const reason = judgeEnclosingCallbacks(ts, node, options, resolveCall, context);
  return { reason, ...context.parts() };
}
