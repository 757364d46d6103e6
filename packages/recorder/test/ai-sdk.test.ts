import { createOpenAI } from '@ai-sdk/openai';
import {
  embed,
  embedMany,
  generateObject,
  generateText,
  streamText,
  wrapEmbeddingModel,
  wrapLanguageModel,
  type LanguageModelMiddleware,
} from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

import { startModelServer, type ModelServer } from '../../../test/servers/model-server.js';
import { telltaleEmbeddingMiddleware, telltaleMiddleware } from '../src/index.js';
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

function model(recorder: ReturnType<typeof testRecorder>['recorder']) {
  const provider = createOpenAI({ apiKey: 'test-key', baseURL: server.openaiBaseURL });
  return wrapLanguageModel({
    model: provider.chat('gpt-4.1-mini'),
    middleware: telltaleMiddleware(recorder, { feature: 'assistant', user: 'u1' }),
  });
}

describe('telltaleMiddleware', () => {
  it('is a language model middleware', () => {
    const { recorder } = testRecorder();

    expectTypeOf(telltaleMiddleware(recorder)).toExtend<LanguageModelMiddleware>();
  });

  it('records generateText', async () => {
    const { recorder, modelCalls } = testRecorder();

    const result = await generateText({ model: model(recorder), prompt: 'Hello from the AI SDK', temperature: 0.1 });

    const [event] = await modelCalls();
    expect(event?.provider).toBe('openai');
    expect(event?.response?.messages[0]?.parts).toEqual([{ type: 'text', text: result.text }]);
    expect(event?.usage.input_tokens).toBe(result.usage.inputTokens);
    expect(event?.prompt.parameters?.temperature).toBe(0.1);
    expect(event?.context.feature).toBe('assistant');
    expectValidEvents(await modelCalls());
  });

  it('records streamText with time to first token', async () => {
    const { recorder, modelCalls } = testRecorder();

    const result = streamText({ model: model(recorder), prompt: 'Stream from the AI SDK' });
    let text = '';
    for await (const delta of result.textStream) text += delta;

    const [event] = await modelCalls();
    expect(event?.response?.messages[0]?.parts).toEqual([{ type: 'text', text }]);
    expect(event?.latency.streamed).toBe(true);
    expect(event?.latency.time_to_first_token_ms).toBeDefined();
    expect(event?.usage.output_tokens).toBeGreaterThan(0);
    expectValidEvents(await modelCalls());
  });

  it('records generateObject', async () => {
    const { recorder, modelCalls } = testRecorder();
    server.next({ text: '{"city":"Lyon"}' });

    // eslint-disable-next-line @typescript-eslint/no-deprecated -- ai 6 still ships generateObject and apps still call it.
    const result = await generateObject({
      model: model(recorder),
      schema: z.object({ city: z.string() }),
      prompt: 'Where?',
    });

    const [event] = await modelCalls();
    expect(result.object).toEqual({ city: 'Lyon' });
    expect(event?.response?.messages[0]?.parts).toEqual([{ type: 'text', text: '{"city":"Lyon"}' }]);
  });

  it('records a failed call and rethrows', async () => {
    const { recorder, modelCalls } = testRecorder();
    server.next({ status: 400 });

    await expect(generateText({ model: model(recorder), prompt: 'Bad', maxRetries: 0 })).rejects.toThrow();

    const [event] = await modelCalls();
    expect(event?.outcome.status).toBe('error');
    expect(event?.outcome.http_status).toBe(400);
    expectValidEvents(await modelCalls());
  });

  it('records embed and embedMany', async () => {
    const { recorder, modelCalls } = testRecorder();
    const provider = createOpenAI({ apiKey: 'test-key', baseURL: server.openaiBaseURL });
    const embeddingModel = wrapEmbeddingModel({
      model: provider.embedding('text-embedding-3-small'),
      middleware: telltaleEmbeddingMiddleware(recorder, { feature: 'search', user: 'u1' }),
    });

    const single = await embed({ model: embeddingModel, value: 'one' });
    await embedMany({ model: embeddingModel, values: ['two', 'three'] });

    const [first, second] = await modelCalls();
    expect(first?.operation).toBe('embeddings');
    expect(first?.response?.embeddings).toEqual({ count: 1, dimensions: single.embedding.length });
    expect(second?.response?.embeddings?.count).toBe(2);
    expect(second?.prompt.messages[0]?.parts).toEqual([
      { type: 'text', text: 'two' },
      { type: 'text', text: 'three' },
    ]);
    expectValidEvents(await modelCalls());
  });
});
