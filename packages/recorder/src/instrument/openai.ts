import type { Message, OutputMessage, Part, Prompt, ToolCall, ToolDefinition, Usage } from '@telltale/schema';

import {
  asArray,
  asObject,
  asString,
  contentRef,
  parseArguments,
  pickParameters,
  prepareRequest,
  setCount,
  textParts,
  type CallResult,
  type CallSpec,
  type Loose,
  type StreamAccumulator,
  type StreamItemKind,
} from './spec.js';

const CHAT_PARAMETERS: Record<string, string> = {
  temperature: 'temperature',
  top_p: 'top_p',
  max_tokens: 'max_tokens',
  max_completion_tokens: 'max_tokens',
  seed: 'seed',
  frequency_penalty: 'frequency_penalty',
  presence_penalty: 'presence_penalty',
  n: 'choice_count',
  response_format: 'response_format',
  tool_choice: 'tool_choice',
  reasoning_effort: 'reasoning_effort',
  stream: 'stream',
};

/** `chat.completions.create` and the helpers built on it. */
export const chatCompletionsSpec: CallSpec = {
  operation: 'chat',

  prepare(params, options) {
    const prepared = prepareRequest(params);
    if (!prepared.streaming || !options.streamUsage) return prepared;

    const request = asObject(params);
    const streamOptions = asObject(request.stream_options);
    if (streamOptions.include_usage !== true) {
      prepared.params = { ...request, stream_options: { ...streamOptions, include_usage: true } };
      prepared.usageInjected = true;
    }
    return prepared;
  },

  prompt: chatPrompt,

  fromResponse(data) {
    const completion = asObject(data);
    const messages: OutputMessage[] = [];
    const toolCalls: ToolCall[] = [];
    let refusal: string | undefined;
    let finishReason: string | undefined;

    for (const choice of asArray(completion.choices).map(asObject)) {
      const message = asObject(choice.message);
      const parts: Part[] = [];
      const content = asString(message.content);
      if (content !== undefined) parts.push({ type: 'text', text: content });

      for (const call of asArray(message.tool_calls).map(asObject)) {
        const fn = asObject(call.function);
        const toolCall = {
          id: asString(call.id) ?? '',
          name: asString(fn.name) ?? 'unknown',
          arguments: parseArguments(fn.arguments),
        };
        toolCalls.push(toolCall);
        parts.push({ type: 'tool_call', ...toolCall });
      }

      refusal ??= asString(message.refusal);
      finishReason ??= asString(choice.finish_reason);
      messages.push({
        role: 'assistant',
        parts,
        ...(asString(choice.finish_reason) && { finish_reason: asString(choice.finish_reason) }),
      });
    }

    return {
      response: buildResponse(asString(completion.id), messages, toolCalls, finishReason, refusal),
      usage: chatUsage(completion.usage),
      ...(asString(completion.model) && { modelReturned: asString(completion.model) }),
    };
  },

  accumulate(prepared) {
    return new ChatStreamAccumulator(prepared.usageInjected === true);
  },
};

/** `completions.create`, the legacy text completion endpoint. */
export const completionsSpec: CallSpec = {
  operation: 'text_completion',

  prepare: prepareRequest,

  prompt(request) {
    const prompts = Array.isArray(request.prompt) ? request.prompt : [request.prompt];
    const messages: Message[] = prompts.map((prompt) => ({
      role: 'user',
      parts: textParts(typeof prompt === 'string' ? prompt : JSON.stringify(prompt ?? '')),
    }));

    return withParameters({ messages }, request);
  },

  fromResponse(data) {
    const completion = asObject(data);
    const messages: OutputMessage[] = asArray(completion.choices)
      .map(asObject)
      .map((choice) => ({
        role: 'assistant',
        parts: textParts(asString(choice.text) ?? ''),
        ...(asString(choice.finish_reason) && { finish_reason: asString(choice.finish_reason) }),
      }));
    const finishReason = messages[0]?.finish_reason;

    return {
      response: buildResponse(asString(completion.id), messages, [], finishReason, undefined),
      usage: chatUsage(completion.usage),
      ...(asString(completion.model) && { modelReturned: asString(completion.model) }),
    };
  },

  accumulate() {
    let id: string | undefined;
    let model: string | undefined;
    let text = '';
    let finishReason: string | undefined;
    let usage: Usage = {};

    return {
      add(item) {
        const chunk = asObject(item);
        id ??= asString(chunk.id);
        model ??= asString(chunk.model);
        if (chunk.usage) usage = chatUsage(chunk.usage);
        let kind: StreamItemKind = 'other';
        for (const choice of asArray(chunk.choices).map(asObject)) {
          const delta = asString(choice.text) ?? '';
          if (delta !== '') kind = 'output';
          text += delta;
          finishReason = asString(choice.finish_reason) ?? finishReason;
        }
        return kind;
      },
      result() {
        const message: OutputMessage = {
          role: 'assistant',
          parts: textParts(text),
          ...(finishReason && { finish_reason: finishReason }),
        };
        return {
          response: buildResponse(id, [message], [], finishReason, undefined),
          usage,
          ...(model && { modelReturned: model }),
        };
      },
    };
  },
};

/** `embeddings.create`. The vectors are not recorded, only their count and dimensions. */
export const embeddingsSpec: CallSpec = {
  operation: 'embeddings',

  prepare: prepareRequest,

  prompt(request) {
    const inputs =
      Array.isArray(request.input) && typeof request.input[0] !== 'number' ? request.input : [request.input];
    const parts: Part[] = inputs.map((input) =>
      typeof input === 'string' ? { type: 'text', text: input } : { type: 'text', text: JSON.stringify(input ?? '') },
    );
    const parameters = pickParameters(request, { dimensions: 'dimensions', encoding_format: 'encoding_format' });

    return {
      messages: [{ role: 'user', parts }],
      ...(Object.keys(parameters).length > 0 && { parameters: parameters }),
    };
  },

  fromResponse(data) {
    const result = asObject(data);
    const vectors = asArray(result.data).map(asObject);
    const first = vectors[0]?.embedding;
    const dimensions = Array.isArray(first) ? first.length : 0;
    const usage: Usage = {};
    setCount(usage, 'input_tokens', asObject(result.usage).prompt_tokens);

    return {
      response: { messages: [], embeddings: { count: vectors.length, dimensions } },
      usage,
      ...(asString(result.model) && { modelReturned: asString(result.model) }),
    };
  },

  accumulate() {
    throw new Error('Embeddings do not stream.');
  },
};

/** `responses.create` and the helpers built on it. */
export const responsesSpec: CallSpec = {
  operation: 'responses',

  prepare: prepareRequest,

  prompt(request) {
    const prompt: Prompt = { messages: responsesInput(request.input) };
    const instructions = asString(request.instructions);
    if (instructions) prompt.system = textParts(instructions);

    const tools = responsesTools(request.tools);
    if (tools.length > 0) prompt.tools = tools;

    const parameters = pickParameters(request, {
      temperature: 'temperature',
      top_p: 'top_p',
      max_output_tokens: 'max_tokens',
      tool_choice: 'tool_choice',
      stream: 'stream',
    });
    const reasoning = asObject(request.reasoning);
    if (typeof reasoning.effort === 'string') parameters.reasoning_effort = reasoning.effort;
    const text = asObject(request.text);
    if (text.format !== undefined) parameters.response_format = text.format;
    if (Object.keys(parameters).length > 0) prompt.parameters = parameters;

    return prompt;
  },

  fromResponse(data) {
    return responsesResult(data);
  },

  accumulate() {
    let final: CallResult | undefined;
    let partialText = '';

    return {
      add(item) {
        const event = asObject(item);
        const type = asString(event.type) ?? '';
        if (type === 'response.output_text.delta') {
          partialText += asString(event.delta) ?? '';
          return 'output';
        }
        if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
          final = responsesResult(event.response);
        }
        return 'other';
      },
      result() {
        return (
          final ?? {
            response: { messages: [{ role: 'assistant', parts: textParts(partialText) }] },
            usage: {},
          }
        );
      },
    };
  },
};

class ChatStreamAccumulator implements StreamAccumulator {
  #id: string | undefined;
  #model: string | undefined;
  #usage: unknown;
  readonly #choices = new Map<
    number,
    {
      text: string;
      refusal: string;
      finish?: string;
      tools: Map<number, { id: string; name: string; arguments: string }>;
    }
  >();

  constructor(private readonly usageInjected: boolean) {}

  add(item: unknown): StreamItemKind {
    const chunk = asObject(item);
    this.#id ??= asString(chunk.id);
    this.#model ??= asString(chunk.model);

    const choices = asArray(chunk.choices);
    if (chunk.usage) this.#usage = chunk.usage;
    if (this.usageInjected && choices.length === 0 && chunk.usage) return 'hidden';
    if (this.usageInjected && chunk.usage === null) delete chunk.usage;

    let kind: StreamItemKind = 'other';
    for (const value of choices) {
      const choice = asObject(value);
      const index = typeof choice.index === 'number' ? choice.index : 0;
      let state = this.#choices.get(index);
      if (!state) {
        state = { text: '', refusal: '', tools: new Map() };
        this.#choices.set(index, state);
      }

      const delta = asObject(choice.delta);
      const content = asString(delta.content);
      if (content) {
        state.text += content;
        kind = 'output';
      }
      const refusal = asString(delta.refusal);
      if (refusal) state.refusal += refusal;

      for (const callValue of asArray(delta.tool_calls)) {
        const call = asObject(callValue);
        const callIndex = typeof call.index === 'number' ? call.index : state.tools.size;
        const fn = asObject(call.function);
        const tool = state.tools.get(callIndex) ?? { id: '', name: '', arguments: '' };
        tool.id ||= asString(call.id) ?? '';
        tool.name ||= asString(fn.name) ?? '';
        tool.arguments += asString(fn.arguments) ?? '';
        state.tools.set(callIndex, tool);
        kind = 'output';
      }
      const finish = asString(choice.finish_reason);
      if (finish !== undefined) state.finish = finish;
    }
    return kind;
  }

  result(): CallResult {
    const messages: OutputMessage[] = [];
    const toolCalls: ToolCall[] = [];
    let refusal: string | undefined;

    for (const index of [...this.#choices.keys()].sort((a, b) => a - b)) {
      const state = this.#choices.get(index)!;
      const parts: Part[] = state.text !== '' || state.tools.size === 0 ? textParts(state.text) : [];
      for (const tool of state.tools.values()) {
        const call = { id: tool.id, name: tool.name || 'unknown', arguments: parseArguments(tool.arguments) };
        toolCalls.push(call);
        parts.push({ type: 'tool_call', ...call });
      }
      if (state.refusal !== '') refusal ??= state.refusal;
      messages.push({ role: 'assistant', parts, ...(state.finish && { finish_reason: state.finish }) });
    }

    return {
      response: buildResponse(this.#id, messages, toolCalls, messages[0]?.finish_reason, refusal),
      usage: chatUsage(this.#usage),
      ...(this.#model && { modelReturned: this.#model }),
    };
  }
}

function chatPrompt(request: Loose): Prompt {
  const prompt: Prompt = { messages: asArray(request.messages).map((message) => chatMessage(asObject(message))) };

  const tools: ToolDefinition[] = [];
  for (const tool of asArray(request.tools).map(asObject)) {
    const fn = asObject(tool.function);
    const name = asString(fn.name) ?? asString(tool.name);
    if (!name) continue;
    tools.push({
      name,
      ...(asString(fn.description) && { description: asString(fn.description) }),
      ...(fn.parameters !== undefined && { parameters: fn.parameters }),
    });
  }
  if (tools.length > 0) prompt.tools = tools;

  return withParameters(prompt, request);
}

function withParameters(prompt: Prompt, request: Loose): Prompt {
  const parameters = pickParameters(request, CHAT_PARAMETERS);
  if (typeof request.stop === 'string') parameters.stop = [request.stop];
  else if (Array.isArray(request.stop)) parameters.stop = request.stop;
  if (Object.keys(parameters).length > 0) prompt.parameters = parameters;
  return prompt;
}

function chatMessage(message: Loose): Message {
  const role = normalizeRole(asString(message.role));
  const parts: Part[] = contentParts(message.content);

  if (role === 'tool') {
    const content =
      typeof message.content === 'string'
        ? message.content
        : parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
    return { role, parts: [{ type: 'tool_result', tool_call_id: asString(message.tool_call_id) ?? '', content }] };
  }

  for (const call of asArray(message.tool_calls).map(asObject)) {
    const fn = asObject(call.function);
    parts.push({
      type: 'tool_call',
      id: asString(call.id) ?? '',
      name: asString(fn.name) ?? 'unknown',
      arguments: parseArguments(fn.arguments),
    });
  }

  const result: Message = { role, parts };
  const name = asString(message.name);
  if (name) result.name = name;
  return result;
}

function contentParts(content: unknown): Part[] {
  if (typeof content === 'string') return textParts(content);

  const parts: Part[] = [];
  for (const part of asArray(content).map(asObject)) {
    const type = asString(part.type);
    if (type === 'text' || type === 'input_text' || type === 'output_text') {
      parts.push({ type: 'text', text: asString(part.text) ?? '' });
    } else if (type === 'image_url') {
      parts.push({ type: 'image', ref: contentRef(asString(asObject(part.image_url).url) ?? '') });
    } else if (type === 'input_image') {
      parts.push({ type: 'image', ref: contentRef(asString(part.image_url) ?? asString(part.file_id) ?? '') });
    } else if (type === 'input_audio') {
      const audio = asObject(part.input_audio);
      parts.push({
        type: 'audio',
        ref: contentRef(`data:audio/${asString(audio.format) ?? 'unknown'};base64,${asString(audio.data) ?? ''}`),
      });
    } else if (type === 'file' || type === 'input_file') {
      const file = type === 'file' ? asObject(part.file) : part;
      const ref = asString(file.file_id) ?? contentRef(asString(file.file_data) ?? asString(file.file_url) ?? '');
      parts.push({ type: 'file', ref, ...(asString(file.filename) && { name: asString(file.filename) }) });
    } else if (type === 'refusal') {
      parts.push({ type: 'text', text: asString(part.refusal) ?? '' });
    }
  }
  return parts;
}

function responsesInput(input: unknown): Message[] {
  if (typeof input === 'string') return [{ role: 'user', parts: textParts(input) }];

  const messages: Message[] = [];
  for (const item of asArray(input).map(asObject)) {
    const type = asString(item.type) ?? 'message';
    if (type === 'message') {
      messages.push({ role: normalizeRole(asString(item.role)), parts: contentParts(item.content) });
    } else if (type === 'function_call') {
      messages.push({
        role: 'assistant',
        parts: [
          {
            type: 'tool_call',
            id: asString(item.call_id) ?? '',
            name: asString(item.name) ?? 'unknown',
            arguments: parseArguments(item.arguments),
          },
        ],
      });
    } else if (type === 'function_call_output') {
      messages.push({
        role: 'tool',
        parts: [
          { type: 'tool_result', tool_call_id: asString(item.call_id) ?? '', content: parseArguments(item.output) },
        ],
      });
    }
  }
  return messages;
}

function responsesTools(tools: unknown): ToolDefinition[] {
  const definitions: ToolDefinition[] = [];
  for (const tool of asArray(tools).map(asObject)) {
    const name = asString(tool.name) ?? asString(tool.type);
    if (!name) continue;
    definitions.push({
      name,
      ...(asString(tool.description) && { description: asString(tool.description) }),
      ...(tool.parameters !== undefined && { parameters: tool.parameters }),
    });
  }
  return definitions;
}

function responsesResult(data: unknown): CallResult {
  const response = asObject(data);
  const parts: Part[] = [];
  const toolCalls: ToolCall[] = [];
  let refusal: string | undefined;

  for (const item of asArray(response.output).map(asObject)) {
    const type = asString(item.type);
    if (type === 'message') {
      for (const content of asArray(item.content).map(asObject)) {
        if (content.type === 'output_text') parts.push({ type: 'text', text: asString(content.text) ?? '' });
        if (content.type === 'refusal') refusal ??= asString(content.refusal);
      }
    } else if (type === 'function_call') {
      const call = {
        id: asString(item.call_id) ?? '',
        name: asString(item.name) ?? 'unknown',
        arguments: parseArguments(item.arguments),
      };
      toolCalls.push(call);
      parts.push({ type: 'tool_call', ...call });
    } else if (type === 'reasoning') {
      const summary = asArray(item.summary)
        .map((entry) => asString(asObject(entry).text) ?? '')
        .join('\n');
      if (summary !== '') parts.push({ type: 'reasoning', text: summary });
    }
  }

  const status = asString(response.status);
  const usageSource = asObject(response.usage);
  const usage: Usage = {};
  setCount(usage, 'input_tokens', usageSource.input_tokens);
  setCount(usage, 'output_tokens', usageSource.output_tokens);
  setCount(usage, 'cached_input_tokens', asObject(usageSource.input_tokens_details).cached_tokens);
  setCount(usage, 'reasoning_tokens', asObject(usageSource.output_tokens_details).reasoning_tokens);

  const message: OutputMessage = { role: 'assistant', parts, ...(status && { finish_reason: status }) };
  return {
    response: buildResponse(asString(response.id), [message], toolCalls, status, refusal),
    usage,
    ...(asString(response.model) && { modelReturned: asString(response.model) }),
  };
}

/** Reads chat and completion usage; cached and reasoning tokens come from the details objects. */
export function chatUsage(value: unknown): Usage {
  const source = asObject(value);
  const usage: Usage = {};
  setCount(usage, 'input_tokens', source.prompt_tokens);
  setCount(usage, 'output_tokens', source.completion_tokens);
  setCount(usage, 'cached_input_tokens', asObject(source.prompt_tokens_details).cached_tokens);
  setCount(usage, 'reasoning_tokens', asObject(source.completion_tokens_details).reasoning_tokens);
  return usage;
}

function buildResponse(
  id: string | undefined,
  messages: OutputMessage[],
  toolCalls: ToolCall[],
  finishReason: string | undefined,
  refusal: string | undefined,
): CallResult['response'] {
  return {
    ...(id && { id }),
    messages,
    ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
    ...(finishReason && { finish_reason: finishReason }),
    ...(refusal && { refusal }),
  };
}

function normalizeRole(role: string | undefined): Message['role'] {
  if (role === 'system' || role === 'developer' || role === 'assistant' || role === 'tool') return role;
  if (role === 'function') return 'tool';
  return 'user';
}
