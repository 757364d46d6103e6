import Type, { type Static } from 'typebox';

import {
  ContextPart,
  JsonValue,
  Milliseconds,
  NonEmptyString,
  TokenCount,
  UserRef,
  UtcTimestamp,
  UuidV7,
} from './common.js';
import { discriminatedUnion } from './discriminated.js';

const closed = { additionalProperties: false } as const;

// ---------------------------------------------------------------------------------------------
// Message parts: structured, never a stringified blob. Binary content is referenced, not inlined.
// ---------------------------------------------------------------------------------------------

export const TextPart = Type.Object({ type: Type.Literal('text'), text: Type.String() }, closed);

export const ImagePart = Type.Object(
  {
    type: Type.Literal('image'),
    ref: Type.String({ description: 'URL, provider file id or content hash of the image; never the bytes.' }),
    media_type: Type.Optional(Type.String()),
  },
  closed,
);

export const FilePart = Type.Object(
  {
    type: Type.Literal('file'),
    ref: Type.String({ description: 'URL, provider file id or content hash of the file; never the bytes.' }),
    media_type: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
  },
  closed,
);

export const AudioPart = Type.Object(
  {
    type: Type.Literal('audio'),
    ref: Type.String({ description: 'URL, provider file id or content hash of the audio; never the bytes.' }),
    media_type: Type.Optional(Type.String()),
  },
  closed,
);

export const ToolCallPart = Type.Object(
  {
    type: Type.Literal('tool_call'),
    id: Type.String(),
    name: NonEmptyString,
    arguments: Type.Unknown({ description: 'Arguments parsed from JSON; the raw string when they do not parse.' }),
  },
  closed,
);

export const ToolResultPart = Type.Object(
  {
    type: Type.Literal('tool_result'),
    tool_call_id: Type.String(),
    content: JsonValue,
    is_error: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const ReasoningPart = Type.Object({ type: Type.Literal('reasoning'), text: Type.String() }, closed);

export const Part = discriminatedUnion(
  'type',
  [TextPart, ImagePart, FilePart, AudioPart, ToolCallPart, ToolResultPart, ReasoningPart],
  { description: 'One part of a message.' },
);
export type Part = Static<typeof Part>;

export const Role = Type.Union(
  [
    Type.Literal('system'),
    Type.Literal('developer'),
    Type.Literal('user'),
    Type.Literal('assistant'),
    Type.Literal('tool'),
  ],
  { description: 'Author of a message.' },
);
export type Role = Static<typeof Role>;

export const Message = Type.Object(
  {
    role: Role,
    parts: Type.Array(Part),
    name: Type.Optional(Type.String()),
  },
  closed,
);
export type Message = Static<typeof Message>;

// ---------------------------------------------------------------------------------------------
// Prompt
// ---------------------------------------------------------------------------------------------

export const PromptTemplate = Type.Object(
  {
    id: NonEmptyString,
    version: Type.Optional(Type.String()),
    variables: Type.Optional(Type.Record(Type.String(), JsonValue)),
  },
  { ...closed, description: 'The template the prompt was rendered from.' },
);
export type PromptTemplate = Static<typeof PromptTemplate>;

export const RetrievedDocument = Type.Object(
  {
    source: Type.String({ description: 'Index, collection or store the document came from.' }),
    id: Type.String(),
    content: Type.String(),
    score: Type.Optional(Type.Number()),
  },
  closed,
);
export type RetrievedDocument = Static<typeof RetrievedDocument>;

export const ToolDefinition = Type.Object(
  {
    name: NonEmptyString,
    description: Type.Optional(Type.String()),
    parameters: Type.Optional(JsonValue),
  },
  closed,
);
export type ToolDefinition = Static<typeof ToolDefinition>;

export const RequestParameters = Type.Object(
  {
    temperature: Type.Optional(Type.Number()),
    top_p: Type.Optional(Type.Number()),
    top_k: Type.Optional(Type.Number()),
    max_tokens: Type.Optional(TokenCount),
    stop: Type.Optional(Type.Array(Type.String())),
    seed: Type.Optional(Type.Integer()),
    frequency_penalty: Type.Optional(Type.Number()),
    presence_penalty: Type.Optional(Type.Number()),
    choice_count: Type.Optional(Type.Integer({ minimum: 1 })),
    response_format: Type.Optional(JsonValue),
    tool_choice: Type.Optional(JsonValue),
    reasoning_effort: Type.Optional(Type.String()),
    stream: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: true,
    description: 'Request parameters. Named ones are typed; provider-specific ones are kept as sent.',
  },
);
export type RequestParameters = Static<typeof RequestParameters>;

export const Prompt = Type.Object(
  {
    system: Type.Optional(Type.Array(Part, { description: 'System instructions given apart from the messages.' })),
    messages: Type.Array(Message),
    template: Type.Optional(PromptTemplate),
    retrieval: Type.Optional(Type.Array(RetrievedDocument)),
    tools: Type.Optional(Type.Array(ToolDefinition)),
    parameters: Type.Optional(RequestParameters),
  },
  closed,
);
export type Prompt = Static<typeof Prompt>;

// ---------------------------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------------------------

export const OutputMessage = Type.Object(
  {
    role: Role,
    parts: Type.Array(Part),
    finish_reason: Type.Optional(Type.String()),
  },
  closed,
);
export type OutputMessage = Static<typeof OutputMessage>;

export const ToolCall = Type.Object(
  {
    id: Type.String(),
    name: NonEmptyString,
    arguments: Type.Unknown({ description: 'Arguments parsed from JSON; the raw string when they do not parse.' }),
  },
  closed,
);
export type ToolCall = Static<typeof ToolCall>;

export const Response = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'Response id the provider returned.' })),
    messages: Type.Array(OutputMessage),
    tool_calls: Type.Optional(Type.Array(ToolCall)),
    structured_output: Type.Optional(JsonValue),
    finish_reason: Type.Optional(Type.String()),
    refusal: Type.Optional(Type.String()),
    embeddings: Type.Optional(
      Type.Object(
        { count: Type.Integer({ minimum: 0 }), dimensions: Type.Integer({ minimum: 0 }) },
        { ...closed, description: 'Shape of the returned vectors; the vectors themselves are not recorded.' },
      ),
    ),
  },
  closed,
);
export type Response = Static<typeof Response>;

// ---------------------------------------------------------------------------------------------
// Cost and latency
// ---------------------------------------------------------------------------------------------

export const Usage = Type.Object(
  {
    input_tokens: Type.Optional(TokenCount),
    output_tokens: Type.Optional(TokenCount),
    cached_input_tokens: Type.Optional(TokenCount),
    cache_write_tokens: Type.Optional(TokenCount),
    reasoning_tokens: Type.Optional(TokenCount),
  },
  {
    ...closed,
    description:
      'Token counts as the provider reported them. An absent field was not reported. Cached input is part of input_tokens and reasoning is part of output_tokens, as in the OpenTelemetry GenAI conventions.',
  },
);
export type Usage = Static<typeof Usage>;

/** `price-table@YYYY-MM-DD`, `provider` or `override`. */
export const COST_SOURCE_PATTERN = '^(price-table@\\d{4}-\\d{2}-\\d{2}|provider|override)$';

export const Cost = Type.Object(
  {
    usd: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
      description: 'Cost in US dollars, or null when the call could not be priced. Never a silent 0.',
    }),
    source: Type.Optional(
      Type.String({
        pattern: COST_SOURCE_PATTERN,
        description: 'Where the price came from: price-table@YYYY-MM-DD, provider or override.',
      }),
    ),
    unpriced_reason: Type.Optional(
      Type.String({ minLength: 1, description: 'Why usd is null, for example "unknown model".' }),
    ),
  },
  {
    ...closed,
    if: { properties: { usd: { type: 'number' } }, required: ['usd'] },
    then: { required: ['source'] },
    else: {
      if: { properties: { usd: { type: 'null' } }, required: ['usd'] },
      then: { required: ['unpriced_reason'], not: { required: ['source'] } },
    },
  },
);
export type Cost = Static<typeof Cost>;

export const Latency = Type.Object(
  {
    total_ms: Milliseconds,
    time_to_first_token_ms: Type.Optional(Milliseconds),
    streamed: Type.Boolean(),
  },
  closed,
);
export type Latency = Static<typeof Latency>;

// ---------------------------------------------------------------------------------------------
// User context
// ---------------------------------------------------------------------------------------------

export const Context = Type.Object(
  {
    feature: Type.String({
      minLength: 1,
      description: 'Feature of the app the call serves, from the feature catalog.',
    }),
    user: Type.Optional(UserRef),
    session: Type.Optional(Type.String({ minLength: 1 })),
    release: Type.Optional(Type.String({ minLength: 1 })),
    environment: Type.Optional(Type.String({ minLength: 1 })),
    state: Type.Optional(
      Type.Record(Type.String(), JsonValue, { description: 'App-defined state of the feature, typed by the catalog.' }),
    ),
    missing: Type.Optional(
      Type.Array(ContextPart, {
        uniqueItems: true,
        description: 'Parts of the context the recorder could not establish.',
      }),
    ),
  },
  {
    ...closed,
    if: { required: ['user'] },
    then: { properties: { missing: { not: { contains: { const: 'user' } } } } },
    else: { required: ['missing'], properties: { missing: { contains: { const: 'user' } } } },
  },
);
export type Context = Static<typeof Context>;

// ---------------------------------------------------------------------------------------------
// Outcome
// ---------------------------------------------------------------------------------------------

export const Outcome = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('cancelled')]),
    error_type: Type.Optional(
      Type.String({ minLength: 1, description: 'Error class or provider error code, low cardinality.' }),
    ),
    error_message: Type.Optional(Type.String()),
    http_status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
    retryable: Type.Optional(Type.Boolean()),
    attempt: Type.Integer({ minimum: 1, description: '1 for the first try; SDK retries count up.' }),
  },
  {
    ...closed,
    if: { properties: { status: { const: 'error' } }, required: ['status'] },
    then: { required: ['error_type'] },
  },
);
export type Outcome = Static<typeof Outcome>;

export const Operation = Type.Union(
  [
    Type.Literal('chat'),
    Type.Literal('responses'),
    Type.Literal('text_completion'),
    Type.Literal('embeddings'),
    Type.Literal('generate_content'),
    Type.Literal('image_generation'),
    Type.Literal('speech'),
    Type.Literal('transcription'),
    Type.Literal('rerank'),
  ],
  { description: 'Kind of model call.' },
);
export type Operation = Static<typeof Operation>;

// ---------------------------------------------------------------------------------------------
// The event
// ---------------------------------------------------------------------------------------------

export const ModelCallEvent = Type.Object(
  {
    kind: Type.Literal('model_call'),
    schema_version: Type.String({ pattern: '^1\\.\\d+\\.\\d+$', description: 'Event schema version, semver.' }),
    request_id: UuidV7,
    parent_id: Type.Optional(UuidV7),
    timestamp: UtcTimestamp,
    provider: Type.String({
      pattern: '^[a-z0-9][a-z0-9_.-]*$',
      description: 'Provider in OpenTelemetry gen_ai.provider.name form: openai, anthropic, aws.bedrock, …',
    }),
    operation: Operation,
    model: Type.Object(
      {
        requested: Type.String({ minLength: 1 }),
        returned: Type.Optional(Type.String({ minLength: 1 })),
      },
      closed,
    ),
    prompt: Prompt,
    response: Type.Union([Response, Type.Null()], {
      description: 'Null when the call failed before any output arrived.',
    }),
    usage: Usage,
    cost: Cost,
    latency: Latency,
    context: Context,
    outcome: Outcome,
    redacted_paths: Type.Optional(
      Type.Array(Type.String({ pattern: '^(/[^/]*)+$' }), {
        description: 'JSON Pointers of the values that redaction replaced.',
      }),
    ),
    sdk: Type.Optional(Type.Object({ name: Type.String(), version: Type.Optional(Type.String()) }, closed)),
  },
  { ...closed, $id: 'urn:telltale:schema:model-call', title: 'Telltale model_call event' },
);
export type ModelCallEvent = Static<typeof ModelCallEvent>;
