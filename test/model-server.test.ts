import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';

import { startModelServer, type ModelServer } from './servers/model-server.js';

let server: ModelServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  server = await startModelServer();
  openai = new OpenAI({ apiKey: 'test-key', baseURL: server.openaiBaseURL, maxRetries: 2 });
  anthropic = new Anthropic({ apiKey: 'test-key', baseURL: server.anthropicBaseURL, maxRetries: 2 });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.reset();
});

describe('model server with the openai SDK', () => {
  test('chat completion', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Say hi' }],
    });

    expect(completion.choices[0]?.message.content).toBe('Echo: Say hi');
    expect(completion.model).toBe('gpt-4.1-mini-2026-01-01');
    expect(completion.usage?.completion_tokens).toBe(3);
    expect(server.requests[0]?.path).toBe('/v1/chat/completions');
  });

  test('chat stream with usage chunk', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });

    let text = '';
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usageChunks += 1;
    }

    expect(text).toBe('Echo: one two three');
    expect(usageChunks).toBe(1);
  });

  test('chat stream without usage chunk', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });

    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.every((chunk) => chunk.usage === undefined || chunk.usage === null)).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  test('streamed tool calls through the stream helper', async () => {
    server.next({ toolCalls: [{ name: 'lookup_order', arguments: { orderId: '42' } }] });

    const runner = openai.chat.completions.stream({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Where is order 42?' }],
      tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object' } } }],
    });
    const final = await runner.finalChatCompletion();

    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      function: { name: 'lookup_order', arguments: '{"orderId":"42"}' },
    });
  });

  test('structured output through parse', async () => {
    const completion = await openai.chat.completions.parse({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Classify' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'label',
          strict: true,
          schema: { type: 'object', properties: { label: { enum: ['spam', 'ham'] } }, required: ['label'] },
        },
      },
    });

    expect(completion.choices[0]?.message.parsed).toEqual({ label: 'spam' });
  });

  test('responses create and stream', async () => {
    const created = await openai.responses.create({ model: 'gpt-4.1-mini', input: 'Ping' });
    const stream = openai.responses.stream({ model: 'gpt-4.1-mini', input: 'Pong please' });
    let deltas = '';
    stream.on('response.output_text.delta', (event) => {
      deltas += event.delta;
    });
    const final = await stream.finalResponse();

    expect(created.output_text).toBe('Echo: Ping');
    expect(deltas).toBe('Echo: Pong please');
    expect(final.output_text).toBe('Echo: Pong please');
    expect(final.usage?.output_tokens).toBe(3);
  });

  test('legacy completions and embeddings', async () => {
    const completion = await openai.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Once' });
    const embedding = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });

    expect(completion.choices[0]?.text).toBe('Echo: Once');
    expect(embedding.data).toHaveLength(2);
    expect(embedding.data[0]?.embedding).toHaveLength(8);
    expect(embedding.usage.prompt_tokens).toBeGreaterThan(0);
  });

  test('429 is retried by the SDK', async () => {
    server.next({ status: 429 });
    server.next({ status: 429 });

    const completion = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'retry me' }],
    });

    expect(completion.choices[0]?.message.content).toBe('Echo: retry me');
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]?.headers['x-stainless-retry-count']).toBe('2');
  });

  test('500 surfaces as an APIError', async () => {
    server.next({ status: 500 });

    const error = await openai.chat.completions
      .create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }] }, { maxRetries: 0 })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
  });

  test('broken stream rejects the iterator', async () => {
    server.next({ stopAfterChunks: 2, text: 'a b c d e f' });

    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const received: string[] = [];
    const consume = async (): Promise<void> => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    };

    await expect(consume()).rejects.toThrow();
    expect(received.length).toBeLessThanOrEqual(2);
  });

  test('client abort of a slow stream', async () => {
    server.next({ chunkDelayMs: 50, text: 'slow words arrive one at a time here' });
    const controller = new AbortController();

    const stream = await openai.chat.completions.create(
      { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }], stream: true },
      { signal: controller.signal },
    );
    let chunks = 0;
    const consume = async (): Promise<void> => {
      for await (const chunk of stream) {
        chunks += chunk.choices.length;
        if (chunks === 2) controller.abort();
      }
    };

    // openai 6 ends the iteration quietly when its own signal aborts it.
    await consume();
    expect(chunks).toBe(2);

    // The server keeps serving after the abort.
    const after = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'ok' }] });
    expect(after.choices[0]?.message.content).toBe('Echo: ok');
  });
});

describe('model server with the anthropic SDK', () => {
  test('message', async () => {
    const message = await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hello there' }],
    });

    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Echo: Hello there' });
    expect(message.usage.output_tokens).toBe(3);
    expect(server.requests[0]?.path).toBe('/v1/messages');
  });

  test('stream with cumulative usage', async () => {
    server.next({ usage: { outputTokens: 7, cachedInputTokens: 5, cacheWriteTokens: 2 } });

    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Count' }],
    });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();

    expect(text).toBe('Echo: Count');
    expect(final.usage.output_tokens).toBe(7);
    expect(final.usage.cache_read_input_tokens).toBe(5);
    expect(final.usage.cache_creation_input_tokens).toBe(2);
  });

  test('streamed tool use', async () => {
    server.next({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Berlin' } }] });

    const final = await anthropic.messages
      .stream({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Weather?' }],
        tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
      })
      .finalMessage();

    expect(final.stop_reason).toBe('tool_use');
    expect(final.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Berlin' } });
  });

  test('429 with the anthropic error shape', async () => {
    server.next({ status: 429 });

    const error = await anthropic.messages
      .create(
        { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] },
        { maxRetries: 0 },
      )
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
  });
});
