import { defineFeatures, type FeaturesOf } from '@telltale/schema';
import { describe, expect, it } from 'vitest';

import { Redactor, isLuhnValid, normalizedEditDistance, pseudonymize } from '../src/index.js';
import { expectValidEvents, testRecorder } from './helpers.js';

const features = defineFeatures<{
  'draft-email': { templateId: string; tone: 'formal' | 'casual' };
  summarize: { messageCount: number };
}>('draft-email', 'summarize');
type Features = FeaturesOf<typeof features>;

describe('record', () => {
  it('records usage and text from the result', async () => {
    const { recorder, sink, modelCalls } = testRecorder<Features>();

    const result = await recorder.withContext(
      { feature: 'draft-email', state: { templateId: 't1', tone: 'formal' }, user: 'u1', session: 's1' },
      () =>
        recorder.record({ provider: 'mistral_ai', model: 'mistral-small', prompt: 'Write a haiku' }, () =>
          Promise.resolve({
            text: 'Leaves fall',
            usage: { prompt_tokens: 4, completion_tokens: 3 },
            model: 'mistral-small-2503',
          }),
        ),
    );

    const [event] = await modelCalls();
    expect(event?.usage).toEqual({ input_tokens: 4, output_tokens: 3 });
    expect(event?.model).toEqual({ requested: 'mistral-small', returned: 'mistral-small-2503' });
    expect(event?.response?.messages[0]?.parts).toEqual([{ type: 'text', text: 'Leaves fall' }]);
    expect(event?.context).toEqual({
      feature: 'draft-email',
      state: { templateId: 't1', tone: 'formal' },
      user: { id: 'u1', pseudonymized: false },
      session: 's1',
    });
    expect(features.has(event?.context.feature ?? '')).toBe(true);
    expect(event?.cost.usd).toBeNull();
    expect(recorder.requestIdOf(result)).toBe(event?.request_id);
    expect(recorder.stats().unpriced).toBe(1);
    expectValidEvents(sink.events);
  });

  it('uses the mapper the caller passes', async () => {
    const { recorder, modelCalls } = testRecorder<Features>();

    await recorder.record(
      {
        provider: 'openai',
        model: 'gpt-4.1-mini',
        context: { feature: 'summarize', state: { messageCount: 3 }, user: 'u2' },
        map: (result: { output: string; tokens: [number, number] }) => ({
          response: { messages: [{ role: 'assistant', parts: [{ type: 'text', text: result.output }] }] },
          usage: { input_tokens: result.tokens[0], output_tokens: result.tokens[1] },
        }),
      },
      () => ({ output: 'short', tokens: [1_000_000, 0] as [number, number] }),
    );

    const [event] = await modelCalls();
    expect(event?.cost).toEqual({ usd: 0.4, source: 'price-table@2026-12-04' });
    expect(event?.context.feature).toBe('summarize');
  });

  it('rethrows and records the error', async () => {
    const { recorder, sink, modelCalls } = testRecorder();
    const failure = new TypeError('upstream broke');

    await expect(recorder.record({ provider: 'openai', model: 'gpt-4.1' }, () => Promise.reject(failure))).rejects.toBe(
      failure,
    );

    const [event] = await modelCalls();
    expect(event?.outcome).toMatchObject({ status: 'error', error_type: 'TypeError', error_message: 'upstream broke' });
    expect(event?.response).toBeNull();
    expectValidEvents(sink.events);
  });

  it('records missing context as unattributed', async () => {
    const { recorder, sink, modelCalls } = testRecorder();

    await recorder.record({ provider: 'openai', model: 'gpt-4.1' }, () => 'ok');

    const [event] = await modelCalls();
    expect(event?.context.feature).toBe('unattributed');
    expect(event?.context.missing).toEqual(['feature', 'user', 'session']);
    expect(recorder.stats().missingContext).toBe(1);
    expectValidEvents(sink.events);
  });

  it('lets per-call context override the active one', async () => {
    const { recorder, modelCalls } = testRecorder<Features>({ release: 'abc123', environment: 'test' });

    await recorder.withContext({ feature: 'summarize', user: 'u1' }, () =>
      recorder.record({ provider: 'openai', model: 'gpt-4.1', context: { user: 'u2' } }, () => 'ok'),
    );

    const [event] = await modelCalls();
    expect(event?.context.user?.id).toBe('u2');
    expect(event?.context.feature).toBe('summarize');
    expect(event?.context.release).toBe('abc123');
    expect(event?.context.environment).toBe('test');
  });

  it('pseudonymizes user ids with the key', async () => {
    const { recorder, modelCalls } = testRecorder({ pseudonymizationKey: 'secret' });

    await recorder.record({ provider: 'openai', model: 'gpt-4.1', context: { user: 'alice@example.com' } }, () => 'ok');

    const [event] = await modelCalls();
    expect(event?.context.user).toEqual({ id: pseudonymize('alice@example.com', 'secret'), pseudonymized: true });
    expect(event?.context.user?.id).not.toContain('alice');
  });

  it('never throws a capture bug into the call', async () => {
    const { recorder } = testRecorder();

    const result = await recorder.record(
      {
        provider: 'openai',
        model: 'gpt-4.1',
        map: () => {
          throw new Error('mapper bug');
        },
      },
      () => 'answer',
    );

    expect(result).toBe('answer');
    expect(recorder.stats().captureErrors).toBe(1);
  });
});

describe('redaction', () => {
  it('redacts prompt and response and lists the paths', async () => {
    const { recorder, sink, modelCalls } = testRecorder();

    await recorder.record(
      {
        provider: 'openai',
        model: 'gpt-4.1',
        prompt: 'Mail bob@example.com, card 4111 1111 1111 1111, key sk-proj-abcdefghijklmnopqrstuvwx',
      },
      () => ({ text: 'Call +1 415 555 0134 or use AKIAABCDEFGHIJKLMNOP' }),
    );

    const [event] = await modelCalls();
    expect(event?.prompt.messages[0]?.parts[0]).toEqual({
      type: 'text',
      text: 'Mail [REDACTED:email], card [REDACTED:card], key [REDACTED:api_key]',
    });
    expect(event?.response?.messages[0]?.parts[0]).toEqual({
      type: 'text',
      text: 'Call [REDACTED:phone] or use [REDACTED:aws_key]',
    });
    expect(event?.redacted_paths).toEqual(['/prompt/messages/0/parts/0/text', '/response/messages/0/parts/0/text']);
    expectValidEvents(sink.events);
  });

  it('runs the custom redactor', () => {
    const redactor = new Redactor({ detectors: false, custom: (text) => text.replaceAll('ACME-42', '[ticket]') });
    const paths: string[] = [];

    const redacted = redactor.redact({ 'a/b': ['see ACME-42'] }, '/state', paths);

    expect(redacted).toEqual({ 'a/b': ['see [ticket]'] });
    expect(paths).toEqual(['/state/a~1b/0']);
  });

  it('keeps numbers that fail the Luhn check', () => {
    const redactor = new Redactor({ detectors: ['card'] });

    expect(redactor.redactText('order 4111 1111 1111 1112')).toBe('order 4111 1111 1111 1112');
    expect(isLuhnValid('4242424242424242')).toBe(true);
  });

  it('redacts JWTs', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

    expect(new Redactor().redactText(`Bearer ${jwt}`)).toBe('Bearer [REDACTED:jwt]');
  });
});

describe('feedback', () => {
  it('records signals with context', async () => {
    const { recorder, sink } = testRecorder<Features>();

    const requestId = await recorder.withContext({ feature: 'summarize', user: 'u1' }, async () => {
      const result = await recorder.record({ provider: 'openai', model: 'gpt-4.1' }, () => ({ text: 'Summary' }));
      const id = recorder.requestIdOf(result)!;
      recorder.feedback(id, 'thumbs_up');
      recorder.feedback(id, 'edit', { original: 'Summary', edited: 'Summary!' });
      recorder.feedback(id, 'copied', true);
      return id;
    });
    await recorder.flush();

    expect(sink.feedback.map((event) => [event.signal, event.request_id])).toEqual([
      ['thumbs_up', requestId],
      ['edit', requestId],
      ['copied', requestId],
    ]);
    expect(sink.feedback[1]?.edit_distance).toBeCloseTo(1 / 8, 10);
    expect(sink.feedback[2]?.value).toBe(true);
    expect(sink.feedback[0]?.context).toEqual({ feature: 'summarize', user: { id: 'u1', pseudonymized: false } });
    expectValidEvents(sink.events);
  });

  it('detects uncertainty phrases', async () => {
    const { recorder, sink } = testRecorder();

    await recorder.record({ provider: 'openai', model: 'gpt-4.1' }, () => ({
      text: "I\u2019m not sure, but I don't know either.",
    }));
    await recorder.flush();

    expect(sink.feedback).toHaveLength(1);
    expect(sink.feedback[0]?.signal).toBe('uncertainty');
    expect(sink.feedback[0]?.source).toBe('recorder');
    expect(sink.feedback[0]?.phrases).toEqual(["i'm not sure", "i don't know"]);
    expectValidEvents(sink.events);
  });

  it('counts an invalid signal as a capture error', () => {
    const { recorder } = testRecorder();

    recorder.feedback('0193a1b2-7c3d-7e4f-8a5b-000000000000', 'Not Valid');

    expect(recorder.stats().captureErrors).toBe(1);
  });
});

describe('normalizedEditDistance', () => {
  it.each([
    ['same', 'same', 0],
    ['', '', 0],
    ['abc', 'xyz', 1],
    ['kitten', 'sitting', 3 / 7],
  ])('measures %s to %s', (original, edited, expected) => {
    expect(normalizedEditDistance(original, edited)).toBeCloseTo(expected, 10);
  });
});
