import type { Message, OutputMessage, Part, Prompt, ToolCall, ToolDefinition, Usage } from '@telltale/schema';

import {
  asArray,
  asCount,
  asObject,
  asString,
  contentRef,
  parseArguments,
  pickParameters,
  prepareRequest,
  textParts,
  type CallResult,
  type CallSpec,
  type Loose,
  type StreamItemKind,
} from './spec.js';

/** `messages.create` of the Anthropic SDK, which `stream()` and `parse()` call in turn. */
export const anthropicMessagesSpec: CallSpec = {
  operation: 'chat',

  prepare: prepareRequest,

  prompt(request) {
    const prompt: Prompt = {
      messages: asArray(request.messages).map((message) => anthropicMessage(asObject(message))),
    };

    if (typeof request.system === 'string') prompt.system = textParts(request.system);
    else if (Array.isArray(request.system)) prompt.system = blocksToParts(request.system);

    const tools: ToolDefinition[] = [];
    for (const tool of asArray(request.tools).map(asObject)) {
      const name = asString(tool.name);
      if (!name) continue;
      tools.push({
        name,
        ...(asString(tool.description) && { description: asString(tool.description) }),
        ...(tool.input_schema !== undefined && { parameters: tool.input_schema }),
      });
    }
    if (tools.length > 0) prompt.tools = tools;

    const parameters = pickParameters(request, {
      temperature: 'temperature',
      top_p: 'top_p',
      top_k: 'top_k',
      max_tokens: 'max_tokens',
      stop_sequences: 'stop',
      tool_choice: 'tool_choice',
      thinking: 'thinking',
      output_format: 'response_format',
      stream: 'stream',
    });
    if (Object.keys(parameters).length > 0) prompt.parameters = parameters;

    return prompt;
  },

  fromResponse(data) {
    const message = asObject(data);
    return messageResult(message, asArray(message.content).map(asObject), anthropicUsage(message.usage));
  },

  accumulate() {
    let message: Loose = {};
    const blocks: Loose[] = [];
    const json = new Map<number, string>();
    let raw: Loose = {};

    return {
      add(item) {
        const event = asObject(item);
        let kind: StreamItemKind = 'other';

        switch (event.type) {
          case 'message_start':
            message = { ...asObject(event.message) };
            raw = { ...asObject(message.usage) };
            break;
          case 'content_block_start': {
            const index = typeof event.index === 'number' ? event.index : blocks.length;
            blocks[index] = { ...asObject(event.content_block) };
            break;
          }
          case 'content_block_delta': {
            const index = typeof event.index === 'number' ? event.index : blocks.length - 1;
            const block = (blocks[index] ??= { type: 'text', text: '' });
            const delta = asObject(event.delta);
            kind = 'output';
            if (delta.type === 'text_delta') block.text = `${asString(block.text) ?? ''}${asString(delta.text) ?? ''}`;
            else if (delta.type === 'thinking_delta')
              block.thinking = `${asString(block.thinking) ?? ''}${asString(delta.thinking) ?? ''}`;
            else if (delta.type === 'input_json_delta')
              json.set(index, `${json.get(index) ?? ''}${asString(delta.partial_json) ?? ''}`);
            break;
          }
          case 'message_delta': {
            const delta = asObject(event.delta);
            if (delta.stop_reason !== undefined) message.stop_reason = delta.stop_reason;
            // Usage in message_delta is cumulative: the latest value of each field replaces the earlier one.
            for (const [field, value] of Object.entries(asObject(event.usage))) {
              if (value !== null && value !== undefined) raw[field] = value;
            }
            break;
          }
        }
        return kind;
      },
      result() {
        for (const [index, text] of json) {
          const block = blocks[index];
          if (block) block.input = parseArguments(text);
        }
        return messageResult(message, blocks.filter(Boolean), anthropicUsage(raw));
      },
    };
  },
};

/**
 * Converts Anthropic usage to the event's: Anthropic's `input_tokens` excludes cache reads and
 * writes, the event's includes them.
 */
export function anthropicUsage(value: unknown): Usage {
  const source = asObject(value);
  const input = asCount(source.input_tokens);
  const cacheRead = asCount(source.cache_read_input_tokens) ?? 0;
  const cacheWrite = asCount(source.cache_creation_input_tokens) ?? 0;
  const usage: Usage = {};

  if (input !== undefined) usage.input_tokens = input + cacheRead + cacheWrite;
  const output = asCount(source.output_tokens);
  if (output !== undefined) usage.output_tokens = output;
  if (cacheRead > 0) usage.cached_input_tokens = cacheRead;
  if (cacheWrite > 0) usage.cache_write_tokens = cacheWrite;
  return usage;
}

function messageResult(message: Loose, blocks: Loose[], usage: Usage): CallResult {
  const parts: Part[] = [];
  const toolCalls: ToolCall[] = [];

  for (const block of blocks) {
    if (block.type === 'text') parts.push({ type: 'text', text: asString(block.text) ?? '' });
    else if (block.type === 'thinking') parts.push({ type: 'reasoning', text: asString(block.thinking) ?? '' });
    else if (block.type === 'tool_use' || block.type === 'server_tool_use') {
      const call = {
        id: asString(block.id) ?? '',
        name: asString(block.name) ?? 'unknown',
        arguments: block.input ?? {},
      };
      toolCalls.push(call);
      parts.push({ type: 'tool_call', ...call });
    }
  }

  const stopReason = asString(message.stop_reason);
  const output: OutputMessage = { role: 'assistant', parts, ...(stopReason && { finish_reason: stopReason }) };
  const id = asString(message.id);
  const result: CallResult = {
    response: {
      ...(id && { id }),
      messages: [output],
      ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
      ...(stopReason && { finish_reason: stopReason }),
      ...(message.parsed_output !== undefined &&
        message.parsed_output !== null && { structured_output: message.parsed_output }),
    },
    usage,
  };
  const model = asString(message.model);
  if (model) result.modelReturned = model;
  return result;
}

function anthropicMessage(message: Loose): Message {
  const role = message.role === 'assistant' ? 'assistant' : 'user';
  const content = message.content;
  const parts = typeof content === 'string' ? textParts(content) : blocksToParts(asArray(content));

  if (role === 'user' && parts.length > 0 && parts.every((part) => part.type === 'tool_result')) {
    return { role: 'tool', parts };
  }
  return { role, parts };
}

function blocksToParts(blocks: unknown[]): Part[] {
  const parts: Part[] = [];
  for (const block of blocks.map(asObject)) {
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: asString(block.text) ?? '' });
        break;
      case 'image':
      case 'document': {
        const source = asObject(block.source);
        const ref =
          asString(source.url) ??
          asString(source.file_id) ??
          contentRef(`data:${asString(source.media_type) ?? ''};base64,${asString(source.data) ?? ''}`);
        const mediaType = asString(source.media_type);
        parts.push(
          block.type === 'image'
            ? { type: 'image', ref, ...(mediaType && { media_type: mediaType }) }
            : { type: 'file', ref, ...(mediaType && { media_type: mediaType }) },
        );
        break;
      }
      case 'tool_use':
        parts.push({
          type: 'tool_call',
          id: asString(block.id) ?? '',
          name: asString(block.name) ?? 'unknown',
          arguments: block.input ?? {},
        });
        break;
      case 'tool_result': {
        const content =
          typeof block.content === 'string'
            ? block.content
            : blocksToParts(asArray(block.content))
                .map((part) => (part.type === 'text' ? part.text : `[${part.type}]`))
                .join('');
        parts.push({
          type: 'tool_result',
          tool_call_id: asString(block.tool_use_id) ?? '',
          content,
          ...(block.is_error === true && { is_error: true }),
        });
        break;
      }
      case 'thinking':
        parts.push({ type: 'reasoning', text: asString(block.thinking) ?? '' });
        break;
    }
  }
  return parts;
}
