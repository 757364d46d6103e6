import Anthropic from '@anthropic-ai/sdk';
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

function client(maxRetries = 2): Anthropic {
  return new Anthropic({ apiKey: 'test-key', baseURL: server.anthropicBaseURL, maxRetries });
}

const request = {
  model: 'claude-sonnet-4-5',
  max_tokens: 200,
  system: 'Answer in one line.',
  messages: [{ role: 'user' as const, content: 'Hello Claude' }],
};

describe('anthropic messages', () => {
  it('records messages.create with cache usage', async () => {
    const { recorder, modelCalls } = testRecorder();
    const anthropic = recorder.instrument(client(), { feature: 'draft', user: 'u1' });
    server.next({ usage: { inputTokens: 100, cachedInputTokens: 1000, cacheWriteTokens: 200, outputTokens: 50 } });

    const message = await anthropic.messages.create(request);

    const [event] = await modelCalls();
    expect(event?.provider).toBe('anthropic');
    expect(event?.prompt.system).toEqual([{ type: 'text', text: 'Answer in one line.' }]);
    expect(event?.usage).toEqual({
      input_tokens: 1300,
      cached_input_tokens: 1000,
      cache_write_tokens: 200,
      output_tokens: 50,
    });
    expect(event?.cost).toEqual({
      usd: (100 * 3 + 1000 * 0.3 + 200 * 3.75 + 50 * 15) / 1e6,
      source: 'price-table@2026-12-04',
    });
    expect(recorder.requestIdOf(message)).toBe(event?.request_id);
    expectValidEvents(await modelCalls());
  });

  it('takes the last cumulative usage of a stream', async () => {
    const { recorder, modelCalls } = testRecorder();
    const anthropic = recorder.instrument(client(), { feature: 'draft', user: 'u1' });
    server.next({ text: 'alpha beta gamma delta', usage: { inputTokens: 30, outputTokens: 12 } });

    const stream = await anthropic.messages.create({ ...request, stream: true });
    let text = '';
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }

    const [event] = await modelCalls();
    expect(event?.usage.output_tokens).toBe(12);
    expect(event?.usage.input_tokens).toBe(30);
    expect(event?.response?.messages[0]?.parts).toEqual([{ type: 'text', text }]);
    expect(event?.latency.streamed).toBe(true);
    expectValidEvents(await modelCalls());
  });

  it('records the messages.stream helper once', async () => {
    const { recorder, modelCalls } = testRecorder();
    const anthropic = recorder.instrument(client(), { feature: 'draft', user: 'u1' });
    server.next({ text: 'Checking', toolCalls: [{ name: 'get_weather', arguments: { city: 'Lyon' } }] });

    const stream = anthropic.messages.stream({
      ...request,
      tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
    });
    const final = await stream.finalMessage();

    const events = await modelCalls();
    expect(events).toHaveLength(1);
    expect(events[0]?.response?.tool_calls).toEqual([
      {
        id: final.content.find((block) => block.type === 'tool_use')?.id,
        name: 'get_weather',
        arguments: { city: 'Lyon' },
      },
    ]);
    expect(recorder.requestIdOf(stream)).toBe(events[0]?.request_id);
    expectValidEvents(events);
  });

  it('records an aborted helper stream as cancelled', async () => {
    const { recorder, modelCalls } = testRecorder();
    const anthropic = recorder.instrument(client(), { feature: 'draft', user: 'u1' });
    server.next({ text: 'one two three four five six seven', chunkDelayMs: 20 });

    const stream = anthropic.messages.stream(request);
    stream.on('text', () => {
      stream.abort();
    });
    await expect(stream.done()).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);

    const [event] = await modelCalls();
    expect(event?.outcome.status).toBe('cancelled');
    expectValidEvents(await modelCalls());
  });

  it('counts retries and rethrows errors', async () => {
    const { recorder, modelCalls } = testRecorder();
    const anthropic = recorder.instrument(client(1), { feature: 'draft', user: 'u1' });
    server.next({ status: 500, retryAfterMs: 1 });
    server.next({ status: 529, retryAfterMs: 1 });

    const error: unknown = await anthropic.messages.create(request).catch((caught: unknown) => caught);

    const [event] = await modelCalls();
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(event?.outcome.http_status).toBe(529);
    expect(event?.outcome.retryable).toBe(true);
    expect(event?.outcome.attempt).toBe(2);
    expectValidEvents(await modelCalls());
  });

  it('records messages.parse structured output', async () => {
    const { recorder, modelCalls } = testRecorder();
    const anthropic = recorder.instrument(client(), { feature: 'extract', user: 'u1' });
    server.next({ text: '{"city":"Graz"}' });

    const parsed = await anthropic.messages.parse({
      ...request,
      output_config: {
        format: { type: 'json_schema', schema: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    });

    const [event] = await modelCalls();
    expect(parsed.parsed_output).toEqual({ city: 'Graz' });
    expect(event?.response?.structured_output).toEqual({ city: 'Graz' });
    expect(recorder.requestIdOf(parsed)).toBe(event?.request_id);
    expectValidEvents(await modelCalls());
  });

  it('records beta.messages.create', async () => {
    const { recorder, modelCalls } = testRecorder();
    const anthropic = recorder.instrument(client(), { feature: 'draft', user: 'u1' });

    await anthropic.beta.messages.create(request);

    const [event] = await modelCalls();
    expect(event?.outcome.status).toBe('ok');
    expect(event?.operation).toBe('chat');
  });
});
