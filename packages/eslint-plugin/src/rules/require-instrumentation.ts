import { basename, extname } from 'node:path';

import type { ContextPartName, ModelCall } from '@telltale/detector';
import { findVariable } from '@eslint-community/eslint-utils';
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type TS from 'typescript';

import { createRule } from '../util/create-rule.js';
import { getCatalog, getDetector } from '../util/detectors.js';
import { SETTINGS_SCHEMA_PROPERTIES, resolveSettings, type RuleSettingsOptions } from '../util/settings.js';
import { estreeCalleeName, typedServices } from '../util/typed.js';
import { findUntypedModelCalls } from '../util/untyped.js';

export type Options = [
  RuleSettingsOptions & {
    /** Report calls whose types did not resolve. */
    checkUnresolved?: boolean;
    /** Report instrumented calls that lack required context parts. */
    checkContext?: boolean;
  },
];

export type MessageIds = 'notInstrumented' | 'httpNotInstrumented' | 'missingContext' | 'unresolved' | 'wrapInRecord';

export const NOT_INSTRUMENTED_MESSAGE =
  '`{{method}}` ({{package}}) is a model call without telemetry, so its prompt, response, cost and user context are not recorded. Call it through a client from `recorder.instrument()`, inside `recorder.record()`, or through an accepted integration.';
export const HTTP_NOT_INSTRUMENTED_MESSAGE =
  '`{{method}}` sends a model call to {{provider}} (POST {{endpoint}}) without telemetry, so its prompt, response, cost and user context are not recorded. Send it inside `recorder.record()`, through a configured wrapper or a Helicone proxy, or call the provider through an SDK client from `recorder.instrument()`.';
export const MISSING_CONTEXT_MESSAGE =
  '`{{method}}` ({{package}}) is recorded without {{parts}}. Set {{parts}} in the `record()` meta, in a `withContext()` around the call, or in the call options of the integration.';
export const UNRESOLVED_MESSAGE =
  '`{{method}}` looks like a {{provider}} model call, but its types did not resolve, so Telltale cannot tell whether it is instrumented. Install the SDK with its type declarations, or declare the type of the client.';
export const WRAP_IN_RECORD_MESSAGE =
  "Wrap the call in `{{recorder}}.record({ provider, model, context: { feature: '{{feature}}' } }, () => …)`.";

interface Finding {
  node: TSESTree.CallExpression;
  method: string;
  package: string;
  provider: string;
  /** Host and path of a call over raw HTTP. */
  endpoint?: string | undefined;
  /** The request's options or body, where the suggestion reads the model from. */
  request: TSESTree.Node | undefined;
  status: ModelCall['status'];
  missingContext: ContextPartName[];
  contextKnown: boolean;
}

export default createRule<Options, MessageIds>({
  name: 'require-instrumentation',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require every model call to be recorded by Telltale, with its feature and user context.',
    },
    hasSuggestions: true,
    messages: {
      notInstrumented: NOT_INSTRUMENTED_MESSAGE,
      httpNotInstrumented: HTTP_NOT_INSTRUMENTED_MESSAGE,
      missingContext: MISSING_CONTEXT_MESSAGE,
      unresolved: UNRESOLVED_MESSAGE,
      wrapInRecord: WRAP_IN_RECORD_MESSAGE,
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...SETTINGS_SCHEMA_PROPERTIES,
          checkUnresolved: {
            type: 'boolean',
            description: 'Report calls that look like model calls but whose types did not resolve. Default: true.',
          },
          checkContext: {
            type: 'boolean',
            description: 'Report instrumented calls that the file shows lack a required context part. Default: true.',
          },
        },
      },
    ],
  },
  // RuleCreator merges `defaultOptions` into what `create` receives on every ESLint version, while
  // ESLint applies `meta.defaultOptions` itself only from 9.15 on.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  defaultOptions: [{}],
  create(context, [options]) {
    const settings = resolveSettings(options, context.filename, context.cwd);
    const checkUnresolved = options.checkUnresolved ?? true;
    const checkContext = options.checkContext ?? true;

    const report = (finding: Finding): void => {
      const data = {
        method: finding.method,
        // A call over raw HTTP is named by its endpoint, because the HTTP client does not tell the provider.
        package: finding.endpoint ?? finding.package,
        provider: finding.provider,
        endpoint: finding.endpoint ?? '',
        parts: formatParts(finding.missingContext),
      };

      if (finding.status === 'unresolved') {
        if (checkUnresolved) context.report({ node: finding.node.callee, messageId: 'unresolved', data });
      } else if (finding.status === 'not-instrumented') {
        context.report({
          node: finding.node.callee,
          messageId: finding.endpoint === undefined ? 'notInstrumented' : 'httpNotInstrumented',
          data,
          suggest: wrapSuggestion(context, finding.node, settings.recorder, finding.provider, finding.request),
        });
      } else if (checkContext && finding.contextKnown && finding.missingContext.length > 0) {
        context.report({ node: finding.node.callee, messageId: 'missingContext', data });
      }
    };

    const services = typedServices(context);
    if (services === undefined) {
      return {
        Program() {
          const wrapperNames = new Set(settings.wrappers.flatMap((wrapper) => wrapper.name));
          const calls = findUntypedModelCalls(
            context.sourceCode,
            getCatalog(settings),
            wrapperNames,
            settings.requiredContext,
          );
          for (const call of calls) {
            report({
              node: call.node,
              method: call.method,
              package: call.package,
              provider: call.entry.provider,
              request: call.node.arguments[0],
              status: call.instrumented ? 'instrumented' : 'not-instrumented',
              missingContext: call.missingContext,
              contextKnown: call.contextKnown,
            });
          }
        },
      };
    }

    const detector = getDetector(services.program, settings);
    const checker = services.program.getTypeChecker();
    const estreeNodeOf = (tsNode: TS.Node | undefined): TSESTree.Node | undefined =>
      tsNode === undefined ? undefined : services.tsNodeToESTreeNodeMap.get(tsNode);

    return {
      CallExpression(node) {
        // The syntactic filter runs on the ESTree node, before the TypeScript node is even looked up.
        const name = estreeCalleeName(node.callee);
        if (name === undefined) return;

        const tsNode = services.esTreeNodeToTSNodeMap.get(node);
        if (!detector.catalogNames.has(name) && !detector.isCandidate(tsNode)) return;

        const call = detector.detect(checker, tsNode);
        if (call === undefined) return;

        const request = call.http === undefined ? node.arguments[0] : estreeNodeOf(call.http.body);
        report({ ...call, node, endpoint: call.http?.match.target, request });
      },
    };
  },
});

function formatParts(parts: readonly ContextPartName[]): string {
  const names = parts.map((part) => (part === 'user' ? 'the user' : 'the feature'));
  return names.join(' and ');
}

/**
 * Offers to wrap the call in `recorder.record()` when a variable of the configured recorder name is
 * in scope. The feature name comes from the enclosing function, or else from the file name, and
 * the model from the `model` property of `request`.
 */
function wrapSuggestion(
  context: Readonly<TSESLint.RuleContext<MessageIds, Options>>,
  node: TSESTree.CallExpression,
  recorder: string,
  provider: string,
  request: TSESTree.Node | undefined,
): TSESLint.SuggestionReportDescriptor<MessageIds>[] {
  const scope = context.sourceCode.getScope(node);
  if (findVariable(scope as never, recorder) === null) return [];

  const feature = enclosingFunctionName(node) ?? basename(context.filename, extname(context.filename));
  const callText = context.sourceCode.getText(node);
  // record() needs the provider and model to price the call; the feature goes under `context`.
  const meta = `{ provider: '${provider}', model: ${modelArgument(request, context)}, context: { feature: '${feature}' } }`;
  return [
    {
      messageId: 'wrapInRecord',
      data: { recorder, feature },
      fix: (fixer) => fixer.replaceText(node, `${recorder}.record(${meta}, () => ${callText})`),
    },
  ];
}

/** Returns the source text of the request's `model` property when it is a plain value, else a placeholder string. */
function modelArgument(
  request: TSESTree.Node | undefined,
  context: Readonly<TSESLint.RuleContext<MessageIds, Options>>,
): string {
  if (request?.type !== AST_NODE_TYPES.ObjectExpression) return "'unknown'";

  for (const property of request.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
    const key = property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : String(property.key.value);
    if (key !== 'model') continue;
    if (property.value.type === AST_NODE_TYPES.Literal || property.value.type === AST_NODE_TYPES.Identifier) {
      return context.sourceCode.getText(property.value);
    }
  }
  return "'unknown'";
}

function enclosingFunctionName(node: TSESTree.Node): string | undefined {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if (current.type === AST_NODE_TYPES.FunctionDeclaration && current.id !== null) return current.id.name;
    if (
      (current.type === AST_NODE_TYPES.ArrowFunctionExpression || current.type === AST_NODE_TYPES.FunctionExpression) &&
      current.parent.type === AST_NODE_TYPES.VariableDeclarator &&
      current.parent.id.type === AST_NODE_TYPES.Identifier
    ) {
      return current.parent.id.name;
    }
    if (current.type === AST_NODE_TYPES.MethodDefinition && current.key.type === AST_NODE_TYPES.Identifier)
      return current.key.name;
  }
  return undefined;
}
