import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local model server for tests and benchmarks. It speaks the wire formats of the OpenAI API
 * (chat completions, responses, completions, embeddings) and the Anthropic Messages API,
 * including SSE streaming, so the real SDK packages can talk to it over HTTP on loopback.
 *
 * By default its responses are deterministic: the text echoes the last user message, and
 * usage is derived from the request size. `next(scenario)` queues the behaviour of the next request:
 * an HTTP error, delays, tool calls, chosen usage, or a stream that breaks after some chunks.
 */
export interface ModelServer {
  /** Base URL, such as `http://127.0.0.1:40123`. */
  url: string;
  /** Base URL for the `openai` SDK: `${url}/v1`. */
  openaiBaseURL: string;
  /** Base URL for `@anthropic-ai/sdk`, which appends `/v1/messages` itself. */
  anthropicBaseURL: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Queues the behaviour of the next request; queued scenarios are used first in, first out. */
  next(scenario: Scenario): void;
  /** Clears the request log and the scenario queue. */
  reset(): void;
  close(): Promise<void>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
}

export interface Scenario {
  /** HTTP status of the response; 400 and above send the provider's error body. */
  status?: number;
  /** Error body to send instead of the provider-shaped default. */
  errorBody?: unknown;
  /** Sets the `retry-after` header, in seconds. */
  retryAfterSeconds?: number;
  /** Sets the `retry-after-ms` header, which both SDKs read before `retry-after`. */
  retryAfterMs?: number;
  /** Wait before sending the response headers, in milliseconds. */
  delayMs?: number;
  /** Wait between streamed chunks, in milliseconds. */
  chunkDelayMs?: number;
  /** Output text; the default echoes the last user message. */
  text?: string;
  /** Tool calls the model makes, after the text (if any). */
  toolCalls?: { name: string; arguments: Record<string, unknown> }[];
  /** Token usage to report instead of the estimate from the request size. */
  usage?: Partial<Usage>;
  /** Destroys the connection after this many streamed chunks, as a broken network would. */
  stopAfterChunks?: number;
  /** Model name to report as the returned model; the default appends a dated suffix. */
  returnedModel?: string;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

interface Reply {
  id: number;
  model: string;
  returnedModel: string;
  text: string;
  toolCalls: { id: string; name: string; arguments: Record<string, unknown> }[];
  usage: Usage;
  scenario: Scenario;
}

/** Starts a model server on 127.0.0.1 with a free port. */
export async function startModelServer(): Promise<ModelServer> {
  const requests: RecordedRequest[] = [];
  const queue: Scenario[] = [];
  let counter = 0;

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      // A handler bug must show in the test output, not as a hung request.
      console.error('model-server: handler failed', error);
      if (!response.headersSent) sendJson(response, 500, { error: { message: String(error), type: 'server_error' } });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJson(request);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    requests.push({ method: request.method ?? 'GET', path, headers: request.headers, body });

    const scenario = queue.shift() ?? {};
    if (scenario.delayMs) await sleep(scenario.delayMs);

    const route = ROUTES[`${request.method ?? 'GET'} ${path}`];
    if (!route) {
      sendJson(response, 404, {
        error: { message: `No route for ${request.method} ${path}`, type: 'invalid_request_error' },
      });
      return;
    }

    if (scenario.status !== undefined && scenario.status >= 400) {
      sendError(response, route.provider, scenario);
      return;
    }

    counter += 1;
    const reply = buildReply(counter, (body ?? {}) as Record<string, unknown>, scenario);
    await route.handler(request, response, (body ?? {}) as Record<string, unknown>, reply);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    next(scenario) {
      queue.push(scenario);
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
    },
    close: () => closeServer(server),
  };
}

type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  body: Record<string, unknown>,
  reply: Reply,
) => Promise<void>;

const ROUTES: Record<string, { provider: 'openai' | 'anthropic'; handler: Handler }> = {
  'POST /v1/chat/completions': { provider: 'openai', handler: chatCompletions },
  'POST /v1/responses': { provider: 'openai', handler: responses },
  'POST /v1/completions': { provider: 'openai', handler: completions },
  'POST /v1/embeddings': { provider: 'openai', handler: embeddings },
  'POST /v1/messages': { provider: 'anthropic', handler: anthropicMessages },
};

// ---------------------------------------------------------------------------------------------
// OpenAI chat completions
// ---------------------------------------------------------------------------------------------

async function chatCompletions(
  _request: IncomingMessage,
  response: ServerResponse,
  body: Record<string, unknown>,
  reply: Reply,
): Promise<void> {
  const id = `chatcmpl-${reply.id}`;
  const created = Math.floor(Date.now() / 1000);
  const finishReason = reply.toolCalls.length > 0 ? 'tool_calls' : 'stop';
  const text = structuredText(body, reply);
  const usage = openaiChatUsage(reply.usage);

  if (body.stream !== true) {
    sendJson(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model: reply.returnedModel,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: reply.toolCalls.length > 0 && !reply.scenario.text ? null : text,
            refusal: null,
            ...(reply.toolCalls.length > 0 ? { tool_calls: reply.toolCalls.map(openaiToolCall) } : {}),
          },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage,
      system_fingerprint: 'fp_local',
    });
    return;
  }

  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: reply.returnedModel,
    system_fingerprint: 'fp_local',
    choices,
    ...extra,
  });
  const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;

  const events: unknown[] = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])];
  if (reply.toolCalls.length === 0 || reply.scenario.text) {
    for (const piece of splitText(text)) {
      events.push(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]));
    }
  }
  reply.toolCalls.forEach((call, index) => {
    events.push(
      chunk([
        {
          index: 0,
          delta: {
            tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
          },
          finish_reason: null,
        },
      ]),
    );
    for (const piece of splitArguments(JSON.stringify(call.arguments))) {
      events.push(
        chunk([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: piece } }] }, finish_reason: null }]),
      );
    }
  });
  events.push(chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
  if (includeUsage) events.push(chunk([], { usage }));

  await streamSse(
    response,
    events.map((data) => ({ data })),
    reply.scenario,
    true,
  );
}

function openaiToolCall(call: Reply['toolCalls'][number]): Record<string, unknown> {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } };
}

function openaiChatUsage(usage: Usage): Record<string, unknown> {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens, audio_tokens: 0 },
  };
}

// ---------------------------------------------------------------------------------------------
// OpenAI responses
// ---------------------------------------------------------------------------------------------

async function responses(
  _request: IncomingMessage,
  response: ServerResponse,
  body: Record<string, unknown>,
  reply: Reply,
): Promise<void> {
  const id = `resp_${reply.id}`;
  const messageId = `msg_${reply.id}`;
  const createdAt = Math.floor(Date.now() / 1000);
  const text = structuredText(body, reply);
  const hasText = reply.toolCalls.length === 0 || reply.scenario.text !== undefined;

  const messageItem = {
    type: 'message',
    id: messageId,
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
  const callItems = reply.toolCalls.map((call, index) => ({
    type: 'function_call',
    id: `fc_${reply.id}_${index}`,
    call_id: call.id,
    name: call.name,
    arguments: JSON.stringify(call.arguments),
    status: 'completed',
  }));
  const output = [...(hasText ? [messageItem] : []), ...callItems];
  const usage = {
    input_tokens: reply.usage.inputTokens,
    input_tokens_details: { cached_tokens: reply.usage.cachedInputTokens },
    output_tokens: reply.usage.outputTokens,
    output_tokens_details: { reasoning_tokens: reply.usage.reasoningTokens },
    total_tokens: reply.usage.inputTokens + reply.usage.outputTokens,
  };
  const base = {
    id,
    object: 'response',
    created_at: createdAt,
    model: reply.returnedModel,
    instructions: body.instructions ?? null,
    parallel_tool_calls: true,
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    temperature: body.temperature ?? 1,
    top_p: body.top_p ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    error: null,
    incomplete_details: null,
    metadata: body.metadata ?? {},
    service_tier: 'default',
  };
  const completed = { ...base, status: 'completed', output, output_text: hasText ? text : '', usage };

  if (body.stream !== true) {
    sendJson(response, 200, completed);
    return;
  }

  const events: Record<string, unknown>[] = [];
  const inProgress = { ...base, status: 'in_progress', output: [], usage: null };
  events.push({ type: 'response.created', response: inProgress });
  events.push({ type: 'response.in_progress', response: inProgress });

  let outputIndex = 0;
  if (hasText) {
    const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
    events.push({
      type: 'response.output_item.added',
      output_index: outputIndex,
      item: { ...messageItem, status: 'in_progress', content: [] },
    });
    events.push({
      type: 'response.content_part.added',
      item_id: messageId,
      output_index: outputIndex,
      content_index: 0,
      part,
    });
    for (const delta of splitText(text)) {
      events.push({
        type: 'response.output_text.delta',
        item_id: messageId,
        output_index: outputIndex,
        content_index: 0,
        delta,
        logprobs: [],
      });
    }
    events.push({
      type: 'response.output_text.done',
      item_id: messageId,
      output_index: outputIndex,
      content_index: 0,
      text,
      logprobs: [],
    });
    events.push({
      type: 'response.content_part.done',
      item_id: messageId,
      output_index: outputIndex,
      content_index: 0,
      part: { ...part, text },
    });
    events.push({ type: 'response.output_item.done', output_index: outputIndex, item: messageItem });
    outputIndex += 1;
  }
  for (const item of callItems) {
    events.push({
      type: 'response.output_item.added',
      output_index: outputIndex,
      item: { ...item, arguments: '', status: 'in_progress' },
    });
    for (const delta of splitArguments(item.arguments)) {
      events.push({
        type: 'response.function_call_arguments.delta',
        item_id: item.id,
        output_index: outputIndex,
        delta,
      });
    }
    events.push({
      type: 'response.function_call_arguments.done',
      item_id: item.id,
      output_index: outputIndex,
      arguments: item.arguments,
    });
    events.push({ type: 'response.output_item.done', output_index: outputIndex, item });
    outputIndex += 1;
  }
  events.push({ type: 'response.completed', response: completed });

  await streamSse(
    response,
    events.map((data, index) => ({ event: String(data.type), data: { ...data, sequence_number: index } })),
    reply.scenario,
    false,
  );
}

// ---------------------------------------------------------------------------------------------
// OpenAI completions and embeddings
// ---------------------------------------------------------------------------------------------

async function completions(
  _request: IncomingMessage,
  response: ServerResponse,
  body: Record<string, unknown>,
  reply: Reply,
): Promise<void> {
  const id = `cmpl-${reply.id}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = {
    prompt_tokens: reply.usage.inputTokens,
    completion_tokens: reply.usage.outputTokens,
    total_tokens: reply.usage.inputTokens + reply.usage.outputTokens,
  };
  const base = { id, object: 'text_completion', created, model: reply.returnedModel };

  if (body.stream !== true) {
    sendJson(response, 200, {
      ...base,
      choices: [{ text: reply.text, index: 0, logprobs: null, finish_reason: 'stop' }],
      usage,
    });
    return;
  }

  const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const pieces = splitText(reply.text);
  const events: unknown[] = pieces.map((text, index) => ({
    ...base,
    choices: [{ text, index: 0, logprobs: null, finish_reason: index === pieces.length - 1 ? 'stop' : null }],
  }));
  if (includeUsage) events.push({ ...base, choices: [], usage });

  await streamSse(
    response,
    events.map((data) => ({ data })),
    reply.scenario,
    true,
  );
}

async function embeddings(
  _request: IncomingMessage,
  response: ServerResponse,
  body: Record<string, unknown>,
  reply: Reply,
): Promise<void> {
  const inputs = Array.isArray(body.input) ? (body.input as unknown[]) : [body.input];
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : 8;
  // The openai SDK requests base64 by default and decodes the little-endian float32 bytes itself.
  const asBase64 = body.encoding_format === 'base64';

  const data = inputs.map((input, index) => {
    const vector = Array.from({ length: dimensions }, (_, position) => pseudoRandom(`${String(input)}:${position}`));
    return {
      object: 'embedding',
      index,
      embedding: asBase64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
    };
  });

  sendJson(response, 200, {
    object: 'list',
    data,
    model: reply.returnedModel,
    usage: { prompt_tokens: reply.usage.inputTokens, total_tokens: reply.usage.inputTokens },
  });
  return Promise.resolve();
}

// ---------------------------------------------------------------------------------------------
// Anthropic messages
// ---------------------------------------------------------------------------------------------

async function anthropicMessages(
  _request: IncomingMessage,
  response: ServerResponse,
  body: Record<string, unknown>,
  reply: Reply,
): Promise<void> {
  const id = `msg_${String(reply.id).padStart(8, '0')}`;
  const hasText = reply.toolCalls.length === 0 || reply.scenario.text !== undefined;
  const stopReason = reply.toolCalls.length > 0 ? 'tool_use' : 'end_turn';
  const content = [
    ...(hasText ? [{ type: 'text', text: reply.text }] : []),
    ...reply.toolCalls.map((call) => ({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments })),
  ];
  const usage = {
    input_tokens: reply.usage.inputTokens,
    output_tokens: reply.usage.outputTokens,
    cache_creation_input_tokens: reply.usage.cacheWriteTokens,
    cache_read_input_tokens: reply.usage.cachedInputTokens,
  };

  if (body.stream !== true) {
    sendJson(response, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model: reply.returnedModel,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    });
    return;
  }

  const events: { event: string; data: Record<string, unknown> }[] = [];
  const push = (event: string, data: Record<string, unknown>): void => {
    events.push({ event, data: { type: event, ...data } });
  };

  // As the real API does, message_start reports output_tokens so far and message_delta the
  // cumulative total at the end: adding them up double-counts.
  push('message_start', {
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model: reply.returnedModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  push('ping', {});

  let index = 0;
  if (hasText) {
    push('content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const text of splitText(reply.text))
      push('content_block_delta', { index, delta: { type: 'text_delta', text } });
    push('content_block_stop', { index });
    index += 1;
  }
  for (const call of reply.toolCalls) {
    push('content_block_start', {
      index,
      content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
    });
    for (const partial of splitArguments(JSON.stringify(call.arguments))) {
      push('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: partial } });
    }
    push('content_block_stop', { index });
    index += 1;
  }
  push('message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: reply.usage.outputTokens },
  });
  push('message_stop', {});

  await streamSse(response, events, reply.scenario, false);
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

function buildReply(id: number, body: Record<string, unknown>, scenario: Scenario): Reply {
  const model = typeof body.model === 'string' ? body.model : 'unknown-model';
  const text = scenario.text ?? `Echo: ${lastUserText(body) || 'hello'}`;
  const inputTokens = Math.max(
    1,
    Math.ceil(JSON.stringify(body.messages ?? body.input ?? body.prompt ?? '').length / 4),
  );

  return {
    id,
    model,
    returnedModel: scenario.returnedModel ?? `${model}-2026-01-01`,
    text,
    toolCalls: (scenario.toolCalls ?? []).map((call, index) => ({ ...call, id: `call_${id}_${index}` })),
    usage: {
      inputTokens,
      outputTokens: Math.max(1, text.split(/\s+/).length),
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      ...scenario.usage,
    },
    scenario,
  };
}

/** Returns the text of the last user message in any of the request shapes the server accepts. */
function lastUserText(body: Record<string, unknown>): string {
  if (typeof body.prompt === 'string') return body.prompt;
  if (typeof body.input === 'string') return body.input;

  const messages = (Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : []) as {
    role?: string;
    content?: unknown;
  }[];
  const user = messages.filter((message) => message.role === 'user').at(-1);
  if (!user) return '';
  if (typeof user.content === 'string') return user.content;
  if (Array.isArray(user.content)) {
    return (user.content as { text?: unknown }[])
      .map((part) => (typeof part.text === 'string' ? part.text : ''))
      .join(' ')
      .trim();
  }
  return '';
}

/**
 * Returns the output text, as JSON that fits the requested schema when the request
 * specifies structured output (`response_format` in chat completions, `text.format` in responses).
 */
function structuredText(body: Record<string, unknown>, reply: Reply): string {
  if (reply.scenario.text !== undefined) return reply.scenario.text;

  const chatFormat = body.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  const responsesFormat = (body.text as { format?: { type?: string; schema?: unknown } } | undefined)?.format;

  if (chatFormat?.type === 'json_schema') return JSON.stringify(exampleOf(chatFormat.json_schema?.schema));
  if (responsesFormat?.type === 'json_schema') return JSON.stringify(exampleOf(responsesFormat.schema));
  if (chatFormat?.type === 'json_object') return JSON.stringify({ answer: reply.text });
  return reply.text;
}

/** Builds a small value that matches a JSON Schema: the first enum value, required properties filled. */
function exampleOf(schema: unknown): unknown {
  const node = (schema ?? {}) as Record<string, unknown>;
  if (Array.isArray(node.enum)) return node.enum[0];
  if ('const' in node) return node.const;
  if (Array.isArray(node.anyOf)) return exampleOf(node.anyOf[0]);

  const type = Array.isArray(node.type) ? (node.type[0] as unknown) : node.type;
  switch (type) {
    case 'object': {
      const properties = (node.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, exampleOf(value)]));
    }
    case 'array':
      return [exampleOf(node.items)];
    case 'string':
      return 'example';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}

/** Splits text into word-sized chunks that concatenate back to the same text. */
function splitText(text: string): string[] {
  const pieces = text.match(/\S+\s*|\s+/g) ?? [];
  return pieces.length > 0 ? pieces : [''];
}

/** Splits a JSON string into a few fragments, as providers stream tool-call arguments. */
function splitArguments(json: string): string[] {
  const size = Math.max(1, Math.ceil(json.length / 3));
  const pieces: string[] = [];
  for (let start = 0; start < json.length; start += size) pieces.push(json.slice(start, start + size));
  return pieces.length > 0 ? pieces : [''];
}

async function streamSse(
  response: ServerResponse,
  events: { event?: string; data: unknown }[],
  scenario: Scenario,
  doneSentinel: boolean,
): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': `req_local_${Date.now()}`,
    'request-id': `req_local_${Date.now()}`,
  });
  response.flushHeaders();

  let sent = 0;
  for (const { event, data } of events) {
    if (response.destroyed) return;
    if (scenario.stopAfterChunks !== undefined && sent >= scenario.stopAfterChunks) {
      response.destroy();
      return;
    }
    if (scenario.chunkDelayMs && sent > 0) await sleep(scenario.chunkDelayMs);

    response.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
    sent += 1;
  }

  if (doneSentinel && !response.destroyed) response.write('data: [DONE]\n\n');
  response.end();
}

function sendError(response: ServerResponse, provider: 'openai' | 'anthropic', scenario: Scenario): void {
  const status = scenario.status ?? 500;
  const headers: Record<string, string> = {};
  if (scenario.retryAfterSeconds !== undefined) headers['retry-after'] = String(scenario.retryAfterSeconds);
  if (scenario.retryAfterMs !== undefined) headers['retry-after-ms'] = String(scenario.retryAfterMs);
  // Both SDKs retry 429 and 5xx by default, so a 1 ms wait keeps retrying tests fast.
  if (scenario.retryAfterMs === undefined && scenario.retryAfterSeconds === undefined) headers['retry-after-ms'] = '1';

  const body = scenario.errorBody ?? (provider === 'anthropic' ? anthropicError(status) : openaiError(status));
  sendJson(response, status, body, headers);
}

function openaiError(status: number): unknown {
  if (status === 429) {
    return {
      error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' },
    };
  }
  if (status === 401)
    return {
      error: {
        message: 'Incorrect API key provided',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    };
  if (status === 400)
    return { error: { message: 'Invalid request', type: 'invalid_request_error', param: null, code: null } };
  return {
    error: {
      message: 'The server had an error while processing your request.',
      type: 'server_error',
      param: null,
      code: null,
    },
  };
}

function anthropicError(status: number): unknown {
  const type =
    status === 429
      ? 'rate_limit_error'
      : status === 529
        ? 'overloaded_error'
        : status === 401
          ? 'authentication_error'
          : status === 400
            ? 'invalid_request_error'
            : 'api_error';
  return { type: 'error', error: { type, message: `Local model server answered ${status}` } };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-request-id': `req_local_${Date.now()}`,
    'request-id': `req_local_${Date.now()}`,
    ...headers,
  });
  response.end(payload);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  if (chunks.length === 0) return undefined;

  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Deterministic number in [-1, 1) from a string, so embeddings are stable across runs. */
function pseudoRandom(seed: string): number {
  let hash = 2166136261;
  for (let index = 0; index < seed.length; index += 1) {
    hash ^= seed.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return ((hash >>> 0) / 2 ** 32) * 2 - 1;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}
