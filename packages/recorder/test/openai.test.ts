import OpenAI from 'openai';
import { Stream } from 'openai/streaming';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startModelServer, type ModelServer } from '../../../test/servers/model-server.js';
import { expectValidEvents, testRecorder } from './helpers.js';

let server: ModelServer;

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
});

function client(): OpenAI {
  return new OpenAI({ apiKey: 'test-key', baseURL: server.openaiBaseURL, maxRetries: 2 });
}

describe('openai chat.completions.create', () => {
  it('records a non-streamed call', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });

    const completion = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
      ],
      temperature: 0.2,
    });

    const [event] = await modelCalls();
    expect(event?.response?.messages[0]?.parts[0]).toEqual({
      type: 'text',
      text: completion.choices[0]?.message.content,
    });
    expect(event?.usage.input_tokens).toBe(completion.usage?.prompt_tokens);
    expect(event?.prompt.parameters?.temperature).toBe(0.2);
    expect(event?.context.feature).toBe('draft');
    expect(event?.cost.usd).toBeGreaterThan(0);
    expect(recorder.requestIdOf(completion)).toBe(event?.request_id);
    expectValidEvents(await modelCalls());
  });

  it('records a stream and hides the usage chunk', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });

    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Stream this please' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    const [event] = await modelCalls();
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
    expect(event?.response?.messages[0]?.parts[0]).toEqual({ type: 'text', text });
    expect(event?.usage.output_tokens).toBeGreaterThan(0);
    expect(event?.latency.streamed).toBe(true);
    expect(event?.latency.time_to_first_token_ms).toBeGreaterThanOrEqual(0);
    expect((server.requests[0]?.body as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });
    expectValidEvents(await modelCalls());
  });
});

describe('openai capture off the call path', () => {
  it('builds the event after the call returns', async () => {
    const built: string[] = [];
    const { recorder, modelCalls } = testRecorder({
      redaction: { detectors: false, custom: (text, path) => (built.push(path), text) },
      delivery: { batchSize: 1 },
    });
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });

    await openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hi' }] });
    const builtDuringCall = [...built];
    const [event] = await modelCalls();

    expect(builtDuringCall).toEqual([]);
    expect(built).toContain('/prompt/messages/0/parts/0/text');
    expect(event?.prompt.messages[0]?.parts[0]).toEqual({ type: 'text', text: 'Hi' });
  });

  it('records the prompt as it was sent', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'First turn' }];
    const params = { model: 'gpt-4.1-mini', messages, temperature: 0.2 };

    const completion = await openai.chat.completions.create(params);
    messages.push(completion.choices[0]!.message, { role: 'user', content: 'Second turn' });
    params.temperature = 0.9;
    params.model = 'gpt-4.1';

    const [event] = await modelCalls();
    expect(event?.prompt.messages).toHaveLength(1);
    expect(event?.prompt.messages[0]?.parts).toEqual([{ type: 'text', text: 'First turn' }]);
    expect(event?.prompt.parameters?.temperature).toBe(0.2);
    expect(event?.model.requested).toBe('gpt-4.1-mini');
  });

  // The response is read by reference when the batch is built, as the recorder README states.
  it('records a response the app edits before its batch', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });

    const completion = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    completion.choices[0]!.message.content = 'Edited by the app';

    const [event] = await modelCalls();
    expect(event?.response?.messages[0]?.parts[0]).toEqual({ type: 'text', text: 'Edited by the app' });
  });

  it('returns the SDK objects themselves', async () => {
    const { recorder } = testRecorder();
    const openai = recorder.instrument(client());
    const bare = client();

    const promise = openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'A' }],
    });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'B' }],
      stream: true,
    });
    await promise;
    await drain(stream);
    await recorder.flush();

    const barePromise = bare.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'C' }],
    });
    expect(promise.constructor).toBe(barePromise.constructor);
    expect(stream).toBeInstanceOf(Stream);
    expect(recorder.requestIdOf(stream)).toBeDefined();
    await barePromise;
  });
});

describe('openai streams', () => {
  it('keeps the usage chunk the caller asked for', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client());

    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Count tokens' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    const [event] = await modelCalls();
    const usageChunk = chunks.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    expect(event?.usage.input_tokens).toBe(usageChunk?.usage?.prompt_tokens);
  });

  it('accumulates streamed tool calls', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'tools', user: 'u1' });
    server.next({ text: '', toolCalls: [{ name: 'lookup_order', arguments: { orderId: 'A-17', full: true } }] });

    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Where is my order?' }],
      tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object' } } }],
      stream: true,
    });
    await drain(stream);

    const [event] = await modelCalls();
    expect(event?.response?.tool_calls?.[0]?.name).toBe('lookup_order');
    expect(event?.response?.tool_calls?.[0]?.arguments).toEqual({ orderId: 'A-17', full: true });
    expect(event?.prompt.tools?.[0]?.name).toBe('lookup_order');
    expectValidEvents(await modelCalls());
  });

  it('records a stream the caller breaks as cancelled', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });
    server.next({ text: 'one two three four five six seven eight', chunkDelayMs: 5 });

    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Long answer' }],
      stream: true,
    });
    let received = '';
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta.content ?? '';
      if (received.length > 0) break;
    }

    const [event] = await modelCalls();
    expect(event?.outcome.status).toBe('cancelled');
    expect(event?.response?.messages[0]?.parts[0]).toEqual({ type: 'text', text: received });
    expect(stream.controller.signal.aborted).toBe(true);
    expectValidEvents(await modelCalls());
  });

  // The openai Stream ends quietly when its signal aborts, so the recorder reads the signal.
  it('records an aborted stream as cancelled', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });
    server.next({ text: 'one two three four five six seven eight', chunkDelayMs: 20 });
    const abort = new AbortController();

    const stream = await openai.chat.completions.create(
      { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Long answer' }], stream: true },
      { signal: abort.signal },
    );
    const caught = await (async () => {
      try {
        for await (const chunk of stream) {
          if (chunk.choices[0]?.delta.content) abort.abort();
        }
      } catch (error) {
        return error;
      }
      return undefined;
    })();

    const [event] = await modelCalls();
    expect(caught).toBeUndefined();
    expect(event?.outcome.status).toBe('cancelled');
    expect(event?.outcome.error_type).toBe('cancelled');
    expectValidEvents(await modelCalls());
  });

  it('records a broken stream as an error', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });
    server.next({ text: 'one two three four five six', stopAfterChunks: 2 });

    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Long answer' }],
      stream: true,
    });
    await expect(
      (async () => {
        await drain(stream);
      })(),
    ).rejects.toThrow();

    const [event] = await modelCalls();
    expect(event?.outcome.status).toBe('error');
    expect(event?.latency.streamed).toBe(true);
    expectValidEvents(await modelCalls());
  });

  it('keeps tee and toReadableStream working', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client());

    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Tee me' }],
      stream: true,
    });
    const [left, right] = stream.tee();
    const leftChunks = [];
    for await (const chunk of left) leftChunks.push(chunk);
    const rightChunks = [];
    for await (const chunk of right) rightChunks.push(chunk);

    const readable = (
      await openai.chat.completions.create({
        model: 'gpt-4.1-mini',
        messages: [{ role: 'user', content: 'Readable' }],
        stream: true,
      })
    ).toReadableStream();
    const text = await new Response(readable as ReadableStream).text();

    expect(rightChunks).toEqual(leftChunks);
    expect(text.split('\n').filter(Boolean).length).toBeGreaterThan(1);
    expect((await modelCalls()).map((event) => event.outcome.status)).toEqual(['ok', 'ok']);
  });

  it('records the chat.completions.stream helper once', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });

    const runner = openai.chat.completions.stream({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Helper stream' }],
    });
    const final = await runner.finalChatCompletion();

    const events = await modelCalls();
    expect(events).toHaveLength(1);
    expect(events[0]?.response?.messages[0]?.parts[0]).toEqual({
      type: 'text',
      text: final.choices[0]?.message.content,
    });
    expect(recorder.requestIdOf(runner)).toBe(events[0]?.request_id);
  });
});

describe('openai errors', () => {
  it('counts SDK retries as attempts', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });
    server.next({ status: 429, retryAfterMs: 1 });
    server.next({ status: 500, retryAfterMs: 1 });

    await openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Retry' }] });

    const [event] = await modelCalls();
    expect(event?.outcome).toEqual({ status: 'ok', attempt: 3 });
    expect(server.requests).toHaveLength(3);
  });

  it('rethrows a 429 unchanged after retries', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseURL, maxRetries: 1 }));
    server.next({ status: 429, retryAfterMs: 1 });
    server.next({ status: 429, retryAfterMs: 1 });

    const error: unknown = await openai.chat.completions
      .create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Busy' }] })
      .catch((caught: unknown) => caught);

    const [event] = await modelCalls();
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(event?.outcome.status).toBe('error');
    expect(event?.outcome.error_type).toBe('RateLimitError');
    expect(event?.outcome.http_status).toBe(429);
    expect(event?.outcome.retryable).toBe(true);
    expect(event?.outcome.attempt).toBe(2);
    expect(event?.response).toBeNull();
    expectValidEvents(await modelCalls());
  });

  it('records a 400 as not retryable', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client());
    server.next({ status: 400 });

    await expect(
      openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Bad' }] }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);

    const [event] = await modelCalls();
    expect(event?.outcome.http_status).toBe(400);
    expect(event?.outcome.retryable).toBe(false);
    expect(event?.outcome.attempt).toBe(1);
  });
});

describe('openai response helpers', () => {
  it('keeps withResponse and asResponse', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client());

    const { data, response, request_id } = await openai.chat.completions
      .create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'With response' }] })
      .withResponse();
    const raw = await openai.chat.completions
      .create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Raw' }] })
      .asResponse();
    const body = (await raw.json()) as { choices: unknown[] };

    const events = await modelCalls();
    expect(data.choices).toHaveLength(1);
    expect(response.status).toBe(200);
    expect(request_id === null || typeof request_id === 'string').toBe(true);
    expect(body.choices).toHaveLength(1);
    expect(events).toHaveLength(2);
    expect(recorder.requestIdOf(data)).toBe(events[0]?.request_id);
  });
});

describe('openai other endpoints', () => {
  it('records responses.create', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });
    server.next({ usage: { inputTokens: 100, cachedInputTokens: 40, outputTokens: 20, reasoningTokens: 5 } });

    const response = await openai.responses.create({ model: 'o4-mini', instructions: 'Be brief.', input: 'Hi there' });

    const [event] = await modelCalls();
    expect(event?.operation).toBe('responses');
    expect(event?.prompt.system).toEqual([{ type: 'text', text: 'Be brief.' }]);
    expect(event?.response?.messages[0]?.parts).toContainEqual({ type: 'text', text: response.output_text });
    expect(event?.usage).toEqual({
      input_tokens: 100,
      cached_input_tokens: 40,
      output_tokens: 20,
      reasoning_tokens: 5,
    });
    expectValidEvents(await modelCalls());
  });

  it('records a streamed responses.create', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });

    const stream = await openai.responses.create({ model: 'gpt-4.1-mini', input: 'Stream it', stream: true });
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;

    const [event] = await modelCalls();
    expect(event?.response?.messages[0]?.parts).toContainEqual({ type: 'text', text });
    expect(event?.usage.output_tokens).toBeGreaterThan(0);
    expect(event?.latency.time_to_first_token_ms).toBeDefined();
    expectValidEvents(await modelCalls());
  });

  it('records completions and embeddings', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'search', user: 'u1' });

    await openai.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi' });
    const embedding = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });

    const [completion, embeddings] = await modelCalls();
    expect(completion?.operation).toBe('text_completion');
    expect(embeddings?.operation).toBe('embeddings');
    expect(embeddings?.response?.embeddings).toEqual({ count: 2, dimensions: embedding.data[0]?.embedding.length });
    expectValidEvents(await modelCalls());
  });

  it('passes other methods through', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client());

    const url = openai.buildURL('/models', null);
    const listing = openai.models.list();

    expect(openai.apiKey).toBe('test-key');
    expect(openai.chat.completions.constructor.name).toContain('Completions');
    expect(url).toBe(`${server.openaiBaseURL}/models`);
    await expect(listing).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect(await modelCalls()).toHaveLength(0);
  });
});

async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe('openai helpers', () => {
  it('records chat.completions.parse once', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'extract', user: 'u1' });
    server.next({ text: '{"city":"Lyon"}' });

    const parsed = await openai.chat.completions.parse({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Where?' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'place', schema: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    });

    const events = await modelCalls();
    expect(parsed.choices[0]?.message.parsed).toEqual({ city: 'Lyon' });
    expect(events).toHaveLength(1);
    expect(events[0]?.prompt.parameters?.response_format).toMatchObject({ type: 'json_schema' });
    expect(events[0]?.response?.structured_output).toEqual({ city: 'Lyon' });
    expect(recorder.requestIdOf(parsed)).toBe(events[0]?.request_id);
    expectValidEvents(events);
  });

  it('records no structured output without a schema', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'extract', user: 'u1' });

    await openai.chat.completions.parse({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Plain' }] });

    const [event] = await modelCalls();
    expect(event?.response?.structured_output).toBeUndefined();
    expect(event?.response?.messages[0]?.parts[0]?.type).toBe('text');
  });

  it('records responses.parse structured output', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'extract', user: 'u1' });
    server.next({ text: '{"city":"Porto"}' });

    const parsed = await openai.responses.parse({
      model: 'gpt-4.1-mini',
      input: 'Where?',
      text: {
        format: {
          type: 'json_schema',
          name: 'place',
          schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    });

    const [event] = await modelCalls();
    expect(parsed.output_parsed).toEqual({ city: 'Porto' });
    expect(event?.response?.structured_output).toEqual({ city: 'Porto' });
    expect(recorder.requestIdOf(parsed)).toBe(event?.request_id);
    expectValidEvents(await modelCalls());
  });

  it('records the responses.stream helper once', async () => {
    const { recorder, modelCalls } = testRecorder();
    const openai = recorder.instrument(client(), { feature: 'draft', user: 'u1' });

    const runner = openai.responses.stream({ model: 'gpt-4.1-mini', input: 'Helper stream' });
    const final = await runner.finalResponse();

    const events = await modelCalls();
    expect(events).toHaveLength(1);
    expect(events[0]?.response?.messages[0]?.parts).toContainEqual({ type: 'text', text: final.output_text });
    expect(recorder.requestIdOf(runner)).toBe(events[0]?.request_id);
    expectValidEvents(events);
  });
});
