import OpenAI from 'openai';
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
