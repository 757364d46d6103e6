import { validFeedback, validModelCall } from './fixtures.js';

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One invalid event, the path an issue must name, and a fragment of its message. */
export interface InvalidCase {
  name: string;
  event: unknown;
  path: string;
  message: string;
}

function modelCall(change: (event: Mutable) => void): unknown {
  const event = validModelCall() as Mutable;
  change(event);
  return event;
}

function feedback(change: (event: Mutable) => void): unknown {
  const event = validFeedback() as Mutable;
  change(event);
  return event;
}

export const validModelCalls: { name: string; event: unknown }[] = [
  { name: 'full streamed chat call', event: validModelCall() },
  {
    name: 'minimal call',
    event: modelCall((event) => {
      delete event.parent_id;
      delete event.redacted_paths;
      delete event.sdk;
      delete event.model.returned;
      event.prompt = { messages: [] };
      event.response = { messages: [] };
      event.usage = {};
      event.latency = { total_ms: 0, streamed: false };
      event.context = { feature: 'draft-email', user: { id: 'u', pseudonymized: true } };
    }),
  },
  {
    name: 'unpriced call',
    event: modelCall((event) => {
      event.cost = { usd: null, unpriced_reason: 'unknown model "acme-llm-9"' };
    }),
  },
  {
    name: 'provider-reported cost of zero',
    event: modelCall((event) => {
      event.cost = { usd: 0, source: 'provider' };
    }),
  },
  {
    name: 'user listed as missing',
    event: modelCall((event) => {
      delete event.context.user;
      event.context.missing = ['user', 'session'];
    }),
  },
  {
    name: 'unattributed feature',
    event: modelCall((event) => {
      event.context.feature = 'unattributed';
      event.context.missing = ['feature'];
    }),
  },
  {
    name: 'failed call without response',
    event: modelCall((event) => {
      event.response = null;
      event.usage = {};
      event.cost = { usd: null, unpriced_reason: 'no usage reported' };
      event.outcome = { status: 'error', error_type: 'RateLimitError', http_status: 429, retryable: true, attempt: 3 };
    }),
  },
  {
    name: 'cancelled stream with partial output',
    event: modelCall((event) => {
      event.outcome = { status: 'cancelled', attempt: 1 };
      event.response.finish_reason = undefined;
      delete event.response.finish_reason;
    }),
  },
  {
    name: 'embeddings call',
    event: modelCall((event) => {
      event.operation = 'embeddings';
      event.prompt = { messages: [{ role: 'user', parts: [{ type: 'text', text: 'hello' }] }] };
      event.response = { messages: [], embeddings: { count: 1, dimensions: 1536 } };
      event.latency = { total_ms: 12, streamed: false };
    }),
  },
  {
    name: 'tool result and reasoning parts',
    event: modelCall((event) => {
      event.prompt.messages.push({
        role: 'tool',
        parts: [{ type: 'tool_result', tool_call_id: 'call_1', content: { free: ['10:00'] }, is_error: false }],
      });
      event.response.messages[0].parts.unshift({ type: 'reasoning', text: 'Friday is free.' });
      event.usage.reasoning_tokens = 24;
    }),
  },
  {
    name: 'timestamp with nanoseconds',
    event: modelCall((event) => {
      event.timestamp = '2026-12-04T10:15:30.123456789Z';
    }),
  },
  {
    name: 'provider-specific request parameter',
    event: modelCall((event) => {
      event.prompt.parameters.logit_bias = { '50256': -100 };
    }),
  },
];

export const invalidModelCalls: InvalidCase[] = [
  {
    name: 'missing feature',
    event: modelCall((event) => delete event.context.feature),
    path: '/context/feature',
    message: 'every model call names the feature',
  },
  {
    name: 'empty feature',
    event: modelCall((event) => (event.context.feature = '')),
    path: '/context/feature',
    message: 'must not be empty',
  },
  {
    name: 'missing user not listed',
    event: modelCall((event) => delete event.context.user),
    path: '/context/missing',
    message: 'list "user" in context.missing',
  },
  {
    name: 'missing user listed wrong part',
    event: modelCall((event) => {
      delete event.context.user;
      event.context.missing = ['session'];
    }),
    path: '/context/missing',
    message: 'must list "user"',
  },
  {
    name: 'user set but listed missing',
    event: modelCall((event) => (event.context.missing = ['user'])),
    path: '/context/missing',
    message: 'must not list "user"',
  },
  {
    name: 'unknown missing part',
    event: modelCall((event) => (event.context.missing = ['mood'])),
    path: '/context/missing/0',
    message: 'must be "feature", "user", "session", "release" or "environment"',
  },
  {
    name: 'silent zero cost as string',
    event: modelCall((event) => (event.cost = { usd: '0', source: 'provider' })),
    path: '/cost/usd',
    message: 'must be a number or null',
  },
  {
    name: 'priced cost without source',
    event: modelCall((event) => (event.cost = { usd: 0.01 })),
    path: '/cost/source',
    message: 'say where the price came from',
  },
  {
    name: 'unpriced cost without reason',
    event: modelCall((event) => (event.cost = { usd: null })),
    path: '/cost/unpriced_reason',
    message: 'never record 0',
  },
  {
    name: 'unpriced cost with source',
    event: modelCall((event) => (event.cost = { usd: null, source: 'provider', unpriced_reason: 'x' })),
    path: '/cost/source',
    message: 'must be absent when cost.usd is null',
  },
  {
    name: 'malformed cost source',
    event: modelCall((event) => (event.cost.source = 'price-table@yesterday')),
    path: '/cost/source',
    message: 'price-table@YYYY-MM-DD',
  },
  {
    name: 'negative cost',
    event: modelCall((event) => (event.cost.usd = -0.5)),
    path: '/cost/usd',
    message: 'must be zero or more',
  },
  {
    name: 'negative tokens',
    event: modelCall((event) => (event.usage.input_tokens = -1)),
    path: '/usage/input_tokens',
    message: 'must be zero or more',
  },
  {
    name: 'fractional tokens',
    event: modelCall((event) => (event.usage.cached_input_tokens = 2.5)),
    path: '/usage/cached_input_tokens',
    message: 'must be an integer',
  },
  {
    name: 'tokens as string',
    event: modelCall((event) => (event.usage.output_tokens = '64')),
    path: '/usage/output_tokens',
    message: 'must be an integer, not "64"',
  },
  {
    name: 'timestamp with offset',
    event: modelCall((event) => (event.timestamp = '2026-12-04T11:15:30+01:00')),
    path: '/timestamp',
    message: 'in UTC ending in Z',
  },
  {
    name: 'timestamp without time',
    event: modelCall((event) => (event.timestamp = '2026-12-04')),
    path: '/timestamp',
    message: 'RFC 3339',
  },
  {
    name: 'timestamp on impossible date',
    event: modelCall((event) => (event.timestamp = '2026-02-30T10:00:00Z')),
    path: '/timestamp',
    message: 'RFC 3339',
  },
  {
    name: 'request id version 4',
    event: modelCall((event) => (event.request_id = '9b2f1c4e-3d5a-4f6b-8c7d-1e2f3a4b5c6d')),
    path: '/request_id',
    message: 'UUID version 7',
  },
  {
    name: 'request id upper case',
    event: modelCall((event) => (event.request_id = '0193A1B2-7C3D-7E4F-8A5B-6C7D8E9F0A1B')),
    path: '/request_id',
    message: 'lower-case UUID version 7',
  },
  {
    name: 'parent id not a uuid',
    event: modelCall((event) => (event.parent_id = 'req-1')),
    path: '/parent_id',
    message: 'UUID version 7',
  },
  {
    name: 'unknown operation',
    event: modelCall((event) => (event.operation = 'chatty')),
    path: '/operation',
    message: 'must be "chat", "responses"',
  },
  {
    name: 'provider with spaces',
    event: modelCall((event) => (event.provider = 'Open AI')),
    path: '/provider',
    message: 'gen_ai.provider.name',
  },
  {
    name: 'prompt as stringified blob',
    event: modelCall((event) => (event.prompt = JSON.stringify(event.prompt))),
    path: '/prompt',
    message: 'must be an object',
  },
  {
    name: 'message without role',
    event: modelCall((event) => delete event.prompt.messages[0].role),
    path: '/prompt/messages/0/role',
    message: 'is required',
  },
  {
    name: 'unknown role',
    event: modelCall((event) => (event.prompt.messages[0].role = 'human')),
    path: '/prompt/messages/0/role',
    message: 'must be "system", "developer", "user", "assistant" or "tool"',
  },
  {
    name: 'unknown part type',
    event: modelCall((event) => event.response.messages[0].parts.push({ type: 'video', ref: 'x' })),
    path: '/response/messages/0/parts/2/type',
    message: 'must be "text", "image"',
  },
  {
    name: 'text part with misspelled field',
    event: modelCall((event) => (event.prompt.messages[0].parts[0] = { type: 'text', txt: 'hi' })),
    path: '/prompt/messages/0/parts/0/text',
    message: 'is required',
  },
  {
    name: 'tool call without name',
    event: modelCall((event) => delete event.response.tool_calls[0].name),
    path: '/response/tool_calls/0/name',
    message: 'is required',
  },
  {
    name: 'response as string',
    event: modelCall((event) => (event.response = 'Hi Dana')),
    path: '/response',
    message: 'must be an object or null',
  },
  {
    name: 'error without type',
    event: modelCall((event) => (event.outcome = { status: 'error', attempt: 1 })),
    path: '/outcome/error_type',
    message: 'give the error class',
  },
  {
    name: 'attempt zero',
    event: modelCall((event) => (event.outcome.attempt = 0)),
    path: '/outcome/attempt',
    message: 'must be at least 1',
  },
  {
    name: 'http status out of range',
    event: modelCall((event) => (event.outcome = { status: 'error', error_type: 'x', http_status: 700, attempt: 1 })),
    path: '/outcome/http_status',
    message: 'must be at most 599',
  },
  {
    name: 'negative latency',
    event: modelCall((event) => (event.latency.total_ms = -1)),
    path: '/latency/total_ms',
    message: 'must be zero or more',
  },
  {
    name: 'latency without streamed flag',
    event: modelCall((event) => delete event.latency.streamed),
    path: '/latency/streamed',
    message: 'is required',
  },
  {
    name: 'unknown top-level field',
    event: modelCall((event) => (event.userId = 'u_42')),
    path: '/userId',
    message: 'is not a field',
  },
  {
    name: 'unknown context field',
    event: modelCall((event) => (event.context.templateId = 'follow-up')),
    path: '/context/templateId',
    message: 'move app data into context.state',
  },
  {
    name: 'schema major 2',
    event: modelCall((event) => (event.schema_version = '2.0.0')),
    path: '/schema_version',
    message: 'event schema version',
  },
  {
    name: 'redacted path not a pointer',
    event: modelCall((event) => (event.redacted_paths = ['prompt.messages'])),
    path: '/redacted_paths/0',
    message: 'must be a string matching',
  },
  {
    name: 'missing usage',
    event: modelCall((event) => delete event.usage),
    path: '/usage',
    message: 'is required',
  },
];

export const validFeedbacks: { name: string; event: unknown }[] = [
  { name: 'edit with distance', event: validFeedback() },
  {
    name: 'thumbs down without context',
    event: feedback((event) => {
      event.signal = 'thumbs_down';
      delete event.edit_distance;
      delete event.context;
    }),
  },
  {
    name: 'app-defined signal with value',
    event: feedback((event) => {
      event.signal = 'escalated_to_human';
      event.value = 'billing';
      delete event.edit_distance;
    }),
  },
  {
    name: 'uncertainty from recorder',
    event: feedback((event) => {
      event.signal = 'uncertainty';
      event.source = 'recorder';
      event.phrases = ["I'm not sure"];
      delete event.edit_distance;
    }),
  },
];

export const invalidFeedbacks: InvalidCase[] = [
  {
    name: 'edit without distance',
    event: feedback((event) => delete event.edit_distance),
    path: '/edit_distance',
    message: 'required for an "edit" signal',
  },
  {
    name: 'edit distance above one',
    event: feedback((event) => (event.edit_distance = 1.5)),
    path: '/edit_distance',
    message: 'must be at most 1',
  },
  {
    name: 'uncertainty without phrases',
    event: feedback((event) => {
      event.signal = 'uncertainty';
      delete event.edit_distance;
    }),
    path: '/phrases',
    message: 'phrases found in the response',
  },
  {
    name: 'signal with spaces',
    event: feedback((event) => (event.signal = 'Thumbs Up')),
    path: '/signal',
    message: 'app-defined kind',
  },
  {
    name: 'request id not a uuid',
    event: feedback((event) => (event.request_id = 'chatcmpl-123')),
    path: '/request_id',
    message: 'UUID version 7',
  },
  {
    name: 'unknown source',
    event: feedback((event) => (event.source = 'user')),
    path: '/source',
    message: 'must be "app" or "recorder"',
  },
];
