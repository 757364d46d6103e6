import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type TS from 'typescript';

import { createRule } from '../util/create-rule.js';
import { getCatalog, getDetector } from '../util/detectors.js';
import { SETTINGS_SCHEMA_PROPERTIES, resolveSettings, type RuleSettingsOptions } from '../util/settings.js';
import { estreeCalleeName, typedServices } from '../util/typed.js';
import { findUntypedModelCalls } from '../util/untyped.js';

export type Options = [RuleSettingsOptions];

export type MessageIds = 'missingStreamUsage' | 'addIncludeUsage';

export const MISSING_STREAM_USAGE_MESSAGE =
  '`{{method}}` streams a chat completion without `stream_options.include_usage`, so the stream carries no token usage and the cost of the call cannot be computed. Set `stream_options: { include_usage: true }`, or call it through a client from `recorder.instrument()`.';
export const ADD_INCLUDE_USAGE_MESSAGE = 'Add `stream_options: { include_usage: true }`.';

const STREAMING_METHODS = new Set(['stream', 'runTools']);

export default createRule<Options, MessageIds>({
  name: 'require-stream-usage',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require openai chat streams made outside the recorder to request token usage.',
    },
    hasSuggestions: true,
    messages: {
      missingStreamUsage: MISSING_STREAM_USAGE_MESSAGE,
      addIncludeUsage: ADD_INCLUDE_USAGE_MESSAGE,
    },
    schema: [{ type: 'object', additionalProperties: false, properties: SETTINGS_SCHEMA_PROPERTIES }],
  },
  // RuleCreator merges `defaultOptions` into what `create` receives on every ESLint version, while
  // ESLint applies `meta.defaultOptions` itself only from 9.15 on.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  defaultOptions: [{}],
  create(context, [options]) {
    const settings = resolveSettings(options, context.filename, context.cwd);

    const report = (node: TSESTree.CallExpression, method: string): void => {
      context.report({
        node: node.callee,
        messageId: 'missingStreamUsage',
        data: { method },
        suggest: includeUsageSuggestion(context, node),
      });
    };

    const services = typedServices(context);
    if (services === undefined) {
      return {
        Program() {
          const calls = findUntypedModelCalls(context.sourceCode, getCatalog(settings), new Set(), []);
          for (const call of calls) {
            if (!isOpenAIChat(call.entry) || !literalRequestsStream(call.node, call.method)) continue;
            if (!literalHasIncludeUsage(call.node)) report(call.node, call.method);
          }
        },
      };
    }

    const detector = getDetector(services.program, settings);
    const checker = services.program.getTypeChecker();

    return {
      CallExpression(node) {
        const name = estreeCalleeName(node.callee);
        if (name === undefined || !detector.catalogNames.has(name)) return;

        const call = detector.detect(checker, services.esTreeNodeToTSNodeMap.get(node));
        // NOTE: a streamed request sent over raw HTTP is not checked, because its body is not an SDK argument.
        if (call?.entry === undefined || call.status === 'unresolved' || !isOpenAIChat(call.entry)) return;

        // The instrumented client asks for usage itself; a request sent any other way goes out as written.
        if (call.reason === 'instrumented-client') return;

        const body = call.node.arguments[0];
        if (body === undefined) return;
        const bodyType = checker.getTypeAtLocation(body);
        if (!STREAMING_METHODS.has(call.method) && !isTrueProperty(checker, bodyType, ['stream'], body)) return;
        if (!isTrueProperty(checker, bodyType, ['stream_options', 'include_usage'], body)) report(node, call.method);
      },
    };
  },
});

function isOpenAIChat(entry: { provider: string; operation: string }): boolean {
  return entry.provider === 'openai' && entry.operation === 'chat';
}

/** Tells whether the property at `path` is set to a value whose type allows `true`. */
function isTrueProperty(checker: TS.TypeChecker, type: TS.Type, path: readonly string[], location: TS.Node): boolean {
  let current: TS.Type | undefined = type;

  for (const name of path) {
    const property = checker.getPropertyOfType(checker.getNonNullableType(current), name);
    if (property === undefined) return false;
    current = checker.getTypeOfSymbolAtLocation(property, location);
  }

  const text = checker.typeToString(checker.getNonNullableType(current));
  return text === 'true' || text === 'boolean';
}

function literalRequestsStream(node: TSESTree.CallExpression, method: string): boolean {
  if (STREAMING_METHODS.has(method)) return true;
  const stream = objectProperty(node.arguments[0], 'stream');
  return stream?.type === AST_NODE_TYPES.Literal && stream.value === true;
}

/** Tells whether the literal request sets `include_usage`, counting a spread as setting it. */
function literalHasIncludeUsage(node: TSESTree.CallExpression): boolean {
  const body = node.arguments[0];
  if (body?.type !== AST_NODE_TYPES.ObjectExpression) return true;
  if (body.properties.some((property) => property.type === AST_NODE_TYPES.SpreadElement)) return true;

  const streamOptions = objectProperty(body, 'stream_options');
  if (streamOptions === undefined) return false;
  if (streamOptions.type !== AST_NODE_TYPES.ObjectExpression) return true;
  const includeUsage = objectProperty(streamOptions, 'include_usage');
  return includeUsage !== undefined && !(includeUsage.type === AST_NODE_TYPES.Literal && includeUsage.value === false);
}

function objectProperty(node: TSESTree.Node | undefined, name: string): TSESTree.Node | undefined {
  if (node?.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  for (const property of node.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
    const key =
      property.key.type === AST_NODE_TYPES.Identifier
        ? property.key.name
        : String((property.key as TSESTree.Literal).value);
    if (key === name) return property.value;
  }
  return undefined;
}

/** Offers to add the option when the request is an object literal the fix can edit safely. */
function includeUsageSuggestion(
  context: Readonly<TSESLint.RuleContext<MessageIds, Options>>,
  node: TSESTree.CallExpression,
): TSESLint.SuggestionReportDescriptor<MessageIds>[] {
  const body = node.arguments[0];
  if (body?.type !== AST_NODE_TYPES.ObjectExpression) return [];

  const streamOptions = objectProperty(body, 'stream_options');
  if (streamOptions === undefined) {
    const last = body.properties.at(-1);
    return [
      {
        messageId: 'addIncludeUsage',
        fix: (fixer) =>
          last === undefined
            ? fixer.replaceText(body, '{ stream_options: { include_usage: true } }')
            : fixer.insertTextAfter(last, ', stream_options: { include_usage: true }'),
      },
    ];
  }

  if (streamOptions.type !== AST_NODE_TYPES.ObjectExpression) return [];
  const first = streamOptions.properties[0];
  return [
    {
      messageId: 'addIncludeUsage',
      fix: (fixer) =>
        first === undefined
          ? fixer.replaceText(streamOptions, '{ include_usage: true }')
          : fixer.insertTextBefore(first, 'include_usage: true, '),
    },
  ];
}
