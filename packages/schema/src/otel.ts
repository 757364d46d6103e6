import type { FeedbackEvent } from './feedback.js';
import type { ModelCallEvent, OutputMessage, Part } from './model-call.js';
import type { TelltaleEvent } from './validate.js';

/**
 * Version of the OpenTelemetry GenAI semantic conventions this mapping follows: the
 * `semantic-conventions-genai` registry at v0.1.0 (stability: development). Attribute names
 * come from there; what the conventions lack (cost, feature, user, state) is under `telltale.*`.
 */
export const OTEL_GENAI_SEMCONV_VERSION = 'semantic-conventions-genai v0.1.0';

export type OtelAttributeValue = string | number | boolean | string[] | number[] | boolean[];
export type OtelAttributes = Record<string, OtelAttributeValue>;

export interface OtelMappingOptions {
  /**
   * Adds the opt-in content attributes (`gen_ai.system_instructions`, `gen_ai.input.messages`,
   * `gen_ai.output.messages`, `gen_ai.tool.definitions`) as JSON strings. Off by default, as
   * the conventions require, because they carry the prompt and response text.
   */
  includeContent?: boolean;
}

/** Maps an event to OpenTelemetry attributes: GenAI semantic conventions first, `telltale.*` for the rest. */
export function toOtelAttributes(event: TelltaleEvent, options: OtelMappingOptions = {}): OtelAttributes {
  return event.kind === 'model_call' ? modelCallAttributes(event, options) : feedbackAttributes(event);
}

/** Span name the conventions recommend: `{gen_ai.operation.name} {gen_ai.request.model}`. */
export function otelSpanName(event: ModelCallEvent): string {
  return `${otelOperationName(event.operation)} ${event.model.requested}`;
}

/**
 * Maps Telltale's operation to `gen_ai.operation.name`. The OpenAI Responses API is a chat
 * inference in the conventions; operations they do not name keep Telltale's value.
 */
export function otelOperationName(operation: ModelCallEvent['operation']): string {
  return operation === 'responses' ? 'chat' : operation;
}

function modelCallAttributes(event: ModelCallEvent, options: OtelMappingOptions): OtelAttributes {
  const attributes: OtelAttributes = {
    'gen_ai.provider.name': event.provider,
    'gen_ai.operation.name': otelOperationName(event.operation),
    'gen_ai.request.model': event.model.requested,
  };

  addRequestParameters(attributes, event);
  addResponse(attributes, event);
  addUsage(attributes, event);
  addOutcome(attributes, event);
  addTelltale(attributes, event);

  if (options.includeContent) addContent(attributes, event);

  return attributes;
}

function addRequestParameters(attributes: OtelAttributes, event: ModelCallEvent): void {
  const parameters = event.prompt.parameters;
  if (!parameters) return;

  set(attributes, 'gen_ai.request.temperature', parameters.temperature);
  set(attributes, 'gen_ai.request.top_p', parameters.top_p);
  set(attributes, 'gen_ai.request.top_k', parameters.top_k);
  set(attributes, 'gen_ai.request.max_tokens', parameters.max_tokens);
  set(attributes, 'gen_ai.request.seed', parameters.seed);
  set(attributes, 'gen_ai.request.frequency_penalty', parameters.frequency_penalty);
  set(attributes, 'gen_ai.request.presence_penalty', parameters.presence_penalty);
  set(attributes, 'gen_ai.request.stop_sequences', parameters.stop);
  if (parameters.choice_count !== undefined && parameters.choice_count !== 1) {
    attributes['gen_ai.request.choice.count'] = parameters.choice_count;
  }
}

function addResponse(attributes: OtelAttributes, event: ModelCallEvent): void {
  set(attributes, 'gen_ai.response.model', event.model.returned);
  if (event.latency.streamed) attributes['gen_ai.request.stream'] = true;
  if (event.latency.time_to_first_token_ms !== undefined) {
    attributes['gen_ai.response.time_to_first_chunk'] = event.latency.time_to_first_token_ms / 1000;
  }

  const response = event.response;
  if (!response) return;

  set(attributes, 'gen_ai.response.id', response.id);

  const finishReasons = response.messages
    .map((message) => message.finish_reason)
    .filter((reason): reason is string => reason !== undefined);
  if (finishReasons.length === 0 && response.finish_reason) finishReasons.push(response.finish_reason);
  if (finishReasons.length > 0) attributes['gen_ai.response.finish_reasons'] = finishReasons;

  if (response.embeddings) attributes['gen_ai.embeddings.dimension.count'] = response.embeddings.dimensions;
}

function addUsage(attributes: OtelAttributes, event: ModelCallEvent): void {
  const usage = event.usage;

  set(attributes, 'gen_ai.usage.input_tokens', usage.input_tokens);
  set(attributes, 'gen_ai.usage.output_tokens', usage.output_tokens);
  set(attributes, 'gen_ai.usage.cache_read.input_tokens', usage.cached_input_tokens);
  set(attributes, 'gen_ai.usage.cache_creation.input_tokens', usage.cache_write_tokens);
  set(attributes, 'gen_ai.usage.reasoning.output_tokens', usage.reasoning_tokens);
}

function addOutcome(attributes: OtelAttributes, event: ModelCallEvent): void {
  const outcome = event.outcome;

  if (outcome.status === 'error') attributes['error.type'] = outcome.error_type ?? '_OTHER';
  set(attributes, 'http.response.status_code', outcome.http_status);
  attributes['telltale.outcome.status'] = outcome.status;
  attributes['telltale.outcome.attempt'] = outcome.attempt;
  set(attributes, 'telltale.outcome.retryable', outcome.retryable);
}

function addTelltale(attributes: OtelAttributes, event: ModelCallEvent): void {
  const context = event.context;

  attributes['telltale.schema_version'] = event.schema_version;
  attributes['telltale.request_id'] = event.request_id;
  set(attributes, 'telltale.parent_id', event.parent_id);

  if (event.cost.usd !== null) attributes['telltale.cost.usd'] = event.cost.usd;
  set(attributes, 'telltale.cost.source', event.cost.source);
  set(attributes, 'telltale.cost.unpriced_reason', event.cost.unpriced_reason);
  attributes['telltale.latency.total_ms'] = event.latency.total_ms;

  attributes['telltale.feature'] = context.feature;
  set(attributes, 'gen_ai.conversation.id', context.session);
  set(attributes, 'telltale.user.id', context.user?.id);
  set(attributes, 'telltale.user.pseudonymized', context.user?.pseudonymized);
  set(attributes, 'telltale.release', context.release);
  set(attributes, 'telltale.environment', context.environment);
  if (context.missing && context.missing.length > 0) attributes['telltale.context.missing'] = [...context.missing];
  for (const [key, value] of Object.entries(context.state ?? {})) {
    attributes[`telltale.state.${key}`] = toAttributeValue(value);
  }

  const template = event.prompt.template;
  set(attributes, 'telltale.template.id', template?.id);
  set(attributes, 'telltale.template.version', template?.version);
  if (event.redacted_paths && event.redacted_paths.length > 0) {
    attributes['telltale.redacted_paths'] = [...event.redacted_paths];
  }
}

function addContent(attributes: OtelAttributes, event: ModelCallEvent): void {
  const prompt = event.prompt;

  if (prompt.system && prompt.system.length > 0) {
    attributes['gen_ai.system_instructions'] = JSON.stringify(prompt.system.map(toOtelPart));
  }
  attributes['gen_ai.input.messages'] = JSON.stringify(
    prompt.messages.map((message) => ({
      role: message.role,
      parts: message.parts.map(toOtelPart),
      ...(message.name === undefined ? {} : { name: message.name }),
    })),
  );
  if (event.response) {
    attributes['gen_ai.output.messages'] = JSON.stringify(event.response.messages.map(toOtelOutputMessage));
  }
  if (prompt.tools && prompt.tools.length > 0) {
    attributes['gen_ai.tool.definitions'] = JSON.stringify(prompt.tools.map((tool) => ({ type: 'function', ...tool })));
  }
}

function toOtelOutputMessage(message: OutputMessage): Record<string, unknown> {
  return {
    role: message.role,
    parts: message.parts.map(toOtelPart),
    ...(message.finish_reason === undefined ? {} : { finish_reason: message.finish_reason }),
  };
}

/** Converts a message part to the part shape of the conventions' message JSON schemas. */
function toOtelPart(part: Part): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { type: 'text', content: part.text };
    case 'reasoning':
      return { type: 'reasoning', content: part.text };
    case 'tool_call':
      return { type: 'tool_call', id: part.id, name: part.name, arguments: part.arguments };
    case 'tool_result':
      return { type: 'tool_call_response', id: part.tool_call_id, response: part.content };
    case 'image':
    case 'audio':
    case 'file':
      return {
        type: 'uri',
        modality: part.type === 'file' ? 'document' : part.type,
        uri: part.ref,
        ...(part.media_type === undefined ? {} : { mime_type: part.media_type }),
      };
  }
}

function feedbackAttributes(event: FeedbackEvent): OtelAttributes {
  const attributes: OtelAttributes = {
    'telltale.schema_version': event.schema_version,
    'telltale.feedback.event_id': event.event_id,
    'telltale.request_id': event.request_id,
    'telltale.feedback.signal': event.signal,
    'telltale.feedback.source': event.source,
  };

  if (event.value !== undefined) attributes['telltale.feedback.value'] = event.value;
  set(attributes, 'telltale.feedback.edit_distance', event.edit_distance);
  set(attributes, 'telltale.feedback.phrases', event.phrases);
  set(attributes, 'telltale.feature', event.context?.feature);
  set(attributes, 'telltale.user.id', event.context?.user?.id);
  set(attributes, 'gen_ai.conversation.id', event.context?.session);

  return attributes;
}

function set(attributes: OtelAttributes, key: string, value: OtelAttributeValue | undefined): void {
  if (value !== undefined) attributes[key] = value;
}

/** OpenTelemetry attributes hold primitives and homogeneous arrays; anything else becomes JSON. */
function toAttributeValue(value: unknown): OtelAttributeValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;

  // JSON.stringify returns undefined for undefined, functions and symbols, despite its type.
  const json = JSON.stringify(value) as string | undefined;
  return json ?? 'null';
}
