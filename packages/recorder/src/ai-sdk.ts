import type {
  EmbeddingModelV3Middleware,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3Middleware,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import type {
  FeatureCatalog,
  Message,
  Part,
  Prompt,
  RequestParameters,
  ToolCall,
  ToolDefinition,
  Usage,
} from '@telltale/schema';

import { EMPTY_RESULT, type ActiveCall, type CallEnd, type CallResult } from './call.js';
import type { CallContext } from './context.js';
import { describeError } from './errors.js';
import { parseArguments } from './instrument/spec.js';
import { coreOf, type Recorder, type RecorderCore } from './recorder.js';

/**
 * Returns a language model middleware for the Vercel AI SDK that records every call the wrapped
 * model makes: `generateText`, `streamText`, `generateObject` and `streamObject` all reach it.
 *
 * ```ts
 * const model = wrapLanguageModel({ model: openai('gpt-4.1-mini'), middleware: telltaleMiddleware(recorder) });
 * ```
 */
export function telltaleMiddleware<Features extends FeatureCatalog>(
  recorder: Recorder<Features>,
  defaults?: CallContext<Features>,
): LanguageModelV3Middleware {
  const core = coreOf(recorder);

  return {
    specificationVersion: 'v3',

    wrapGenerate: async ({ doGenerate, params, model }) => {
      const call = core.guard('capture', () => startCall(core, params, model, defaults));

      let result;
      try {
        result = await doGenerate();
      } catch (error) {
        call?.end(errorEnd(error, false));
        throw error;
      }

      if (call) {
        const generated = result;
        call.end({
          status: 'ok',
          result: () =>
            contentResult(
              generated.content,
              generated.usage,
              generated.finishReason.raw ?? generated.finishReason.unified,
              {
                modelId: generated.response?.modelId,
                id: generated.response?.id,
              },
            ),
          streamed: false,
        });
      }
      return result;
    },

    wrapStream: async ({ doStream, params, model }) => {
      const call = core.guard('capture', () => startCall(core, params, model, defaults));

      let result;
      try {
        result = await doStream();
      } catch (error) {
        call?.end(errorEnd(error, true));
        throw error;
      }
      if (!call) return result;

      return { ...result, stream: observeStream(result.stream, call, core) };
    },
  };
}

/**
 * Returns an embedding model middleware for the Vercel AI SDK that records `embed` and
 * `embedMany` calls of the wrapped model: the input texts, the vectors' count and dimensions
 * (not the vectors) and the token usage.
 *
 * ```ts
 * const model = wrapEmbeddingModel({ model: openai.embedding('text-embedding-3-small'), middleware: telltaleEmbeddingMiddleware(recorder) });
 * ```
 */
export function telltaleEmbeddingMiddleware<Features extends FeatureCatalog>(
  recorder: Recorder<Features>,
  defaults?: CallContext<Features>,
): EmbeddingModelV3Middleware {
  const core = coreOf(recorder);

  return {
    specificationVersion: 'v3',

    wrapEmbed: async ({ doEmbed, params, model }) => {
      const call = core.guard('capture', () =>
        core.startCall(
          {
            provider: providerName(model.provider),
            operation: 'embeddings',
            model: model.modelId,
            prompt: { messages: [{ role: 'user', parts: params.values.map((text) => ({ type: 'text', text })) }] },
            sdk: { name: 'ai' },
          },
          defaults,
        ),
      );

      let result;
      try {
        result = await doEmbed();
      } catch (error) {
        call?.end(errorEnd(error, false));
        throw error;
      }

      if (call) {
        const usage: Usage = {};
        if (result.usage) usage.input_tokens = result.usage.tokens;
        call.end({
          status: 'ok',
          result: {
            response: {
              messages: [],
              embeddings: { count: result.embeddings.length, dimensions: result.embeddings[0]?.length ?? 0 },
            },
            usage,
          },
          streamed: false,
        });
      }
      return result;
    },
  };
}

function startCall<Features extends FeatureCatalog>(
  core: RecorderCore<Features>,
  params: LanguageModelV3CallOptions,
  model: { provider: string; modelId: string },
  defaults: CallContext<Features> | undefined,
): ActiveCall | undefined {
  return core.startCall(
    {
      provider: providerName(model.provider),
      operation: 'chat',
      model: model.modelId,
      prompt: () => promptOf(params),
      sdk: { name: 'ai' },
    },
    defaults,
  );
}

/**
 * Passes every stream part through unchanged and ends the call when the stream finishes,
 * fails, or the reader cancels it.
 */
function observeStream<Features extends FeatureCatalog>(
  source: ReadableStream<LanguageModelV3StreamPart>,
  call: ActiveCall,
  core: RecorderCore<Features>,
): ReadableStream<LanguageModelV3StreamPart> {
  const reader = source.getReader();
  const content = new Map<string, { type: 'text' | 'reasoning'; text: string }>();
  const order: LanguageModelV3Content[] = [];
  let usage: LanguageModelV3Usage | undefined;
  let finishReason: string | undefined;
  let modelId: string | undefined;
  let responseId: string | undefined;

  const observe = (part: LanguageModelV3StreamPart): void => {
    switch (part.type) {
      case 'text-delta':
      case 'reasoning-delta': {
        call.markFirstToken();
        const kind = part.type === 'text-delta' ? 'text' : 'reasoning';
        const key = `${kind}:${part.id}`;
        let entry = content.get(key);
        if (!entry) {
          entry = { type: kind, text: '' };
          content.set(key, entry);
          order.push(entry);
        }
        entry.text += part.delta;
        break;
      }
      case 'tool-call':
        call.markFirstToken();
        order.push(part);
        break;
      case 'response-metadata':
        modelId ??= part.modelId;
        responseId ??= part.id;
        break;
      case 'finish':
        usage = part.usage;
        finishReason = part.finishReason.raw ?? part.finishReason.unified;
        break;
    }
  };

  const end = (status: CallEnd['status'], error?: unknown): void => {
    call.end({
      status,
      result: () => contentResult(order, usage, finishReason, { modelId, id: responseId }),
      streamed: true,
      ...(error !== undefined && { error }),
    });
  };

  return new ReadableStream<LanguageModelV3StreamPart>({
    async pull(controller) {
      let next;
      try {
        next = await reader.read();
      } catch (error) {
        end(describeError(error).cancelled ? 'cancelled' : 'error', error);
        controller.error(error);
        return;
      }
      if (next.done) {
        end('ok');
        controller.close();
        return;
      }
      core.guard('capture', () => {
        observe(next.value);
      });
      if (next.value.type === 'error') end('error', next.value.error);
      controller.enqueue(next.value);
    },
    async cancel(reason) {
      end('cancelled');
      await reader.cancel(reason);
    },
  });
}

function contentResult(
  content: readonly LanguageModelV3Content[],
  usage: LanguageModelV3Usage | undefined,
  finishReason: string | undefined,
  response: { modelId?: string | undefined; id?: string | undefined },
): CallResult {
  const parts: Part[] = [];
  const toolCalls: ToolCall[] = [];

  for (const item of content) {
    if (item.type === 'text') parts.push({ type: 'text', text: item.text });
    else if (item.type === 'reasoning') parts.push({ type: 'reasoning', text: item.text });
    else if (item.type === 'tool-call') {
      const call = { id: item.toolCallId, name: item.toolName, arguments: parseArguments(item.input) };
      toolCalls.push(call);
      parts.push({ type: 'tool_call', ...call });
    }
  }

  return {
    response: {
      ...(response.id && { id: response.id }),
      messages: [{ role: 'assistant', parts, ...(finishReason && { finish_reason: finishReason }) }],
      ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
      ...(finishReason && { finish_reason: finishReason }),
    },
    usage: usageOf(usage),
    ...(response.modelId && { modelReturned: response.modelId }),
  };
}

function errorEnd(error: unknown, streamed: boolean): CallEnd {
  return { status: describeError(error).cancelled ? 'cancelled' : 'error', result: EMPTY_RESULT, error, streamed };
}

function usageOf(usage: LanguageModelV3Usage | undefined): Usage {
  const result: Usage = {};
  if (!usage) return result;

  if (usage.inputTokens.total !== undefined) result.input_tokens = usage.inputTokens.total;
  if (usage.inputTokens.cacheRead) result.cached_input_tokens = usage.inputTokens.cacheRead;
  if (usage.inputTokens.cacheWrite) result.cache_write_tokens = usage.inputTokens.cacheWrite;
  if (usage.outputTokens.total !== undefined) result.output_tokens = usage.outputTokens.total;
  if (usage.outputTokens.reasoning) result.reasoning_tokens = usage.outputTokens.reasoning;
  return result;
}

function promptOf(params: LanguageModelV3CallOptions): Prompt {
  const prompt: Prompt = { messages: [] };
  const system: Part[] = [];

  for (const message of params.prompt) {
    if (message.role === 'system') {
      system.push({ type: 'text', text: message.content });
      continue;
    }
    prompt.messages.push(messageOf(message));
  }
  if (system.length > 0) prompt.system = system;

  const tools: ToolDefinition[] = [];
  for (const tool of params.tools ?? []) {
    if (tool.type === 'function') {
      tools.push({
        name: tool.name,
        ...(tool.description && { description: tool.description }),
        parameters: tool.inputSchema,
      });
    } else {
      tools.push({ name: tool.name });
    }
  }
  if (tools.length > 0) prompt.tools = tools;

  const parameters: RequestParameters = {};
  if (params.temperature !== undefined) parameters.temperature = params.temperature;
  if (params.topP !== undefined) parameters.top_p = params.topP;
  if (params.topK !== undefined) parameters.top_k = params.topK;
  if (params.maxOutputTokens !== undefined) parameters.max_tokens = params.maxOutputTokens;
  if (params.stopSequences !== undefined) parameters.stop = params.stopSequences;
  if (params.seed !== undefined) parameters.seed = params.seed;
  if (params.frequencyPenalty !== undefined) parameters.frequency_penalty = params.frequencyPenalty;
  if (params.presencePenalty !== undefined) parameters.presence_penalty = params.presencePenalty;
  if (params.responseFormat !== undefined) parameters.response_format = params.responseFormat;
  if (params.toolChoice !== undefined) parameters.tool_choice = params.toolChoice;
  if (Object.keys(parameters).length > 0) prompt.parameters = parameters;

  return prompt;
}

function messageOf(message: Exclude<LanguageModelV3Prompt[number], { role: 'system' }>): Message {
  const parts: Part[] = [];

  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        parts.push({ type: 'text', text: part.text });
        break;
      case 'reasoning':
        parts.push({ type: 'reasoning', text: part.text });
        break;
      case 'file':
        parts.push({
          type: part.mediaType.startsWith('image/') ? 'image' : 'file',
          ref: part.data instanceof URL ? part.data.href : `inline:${part.mediaType}`,
          media_type: part.mediaType,
        });
        break;
      case 'tool-call':
        parts.push({ type: 'tool_call', id: part.toolCallId, name: part.toolName, arguments: part.input ?? {} });
        break;
      case 'tool-result':
        parts.push({ type: 'tool_result', tool_call_id: part.toolCallId, content: toolOutput(part.output) });
        break;
    }
  }

  return { role: message.role, parts };
}

function toolOutput(output: { type: string; value?: unknown }): unknown {
  return output.value ?? output.type;
}

/** `openai.chat` and `openai.responses` are the openai provider; the first segment names it. */
function providerName(provider: string): string {
  const name = provider.split('.')[0]?.toLowerCase() ?? 'unknown';
  return /^[a-z0-9][a-z0-9_.-]*$/.test(name) ? name : 'unknown';
}
