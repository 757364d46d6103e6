import { describe, expect, test } from 'vitest';

import { otelSpanName, toOtelAttributes } from '../src/index.js';
import { validFeedback, validModelCall } from './fixtures.js';

describe('toOtelAttributes', () => {
  test('maps the GenAI convention attributes', () => {
    const attributes = toOtelAttributes(validModelCall());

    expect(attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4.1-mini',
      'gen_ai.response.model': 'gpt-4.1-mini-2025-04-14',
      'gen_ai.response.id': 'chatcmpl-123',
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.usage.input_tokens': 812,
      'gen_ai.usage.output_tokens': 64,
      'gen_ai.usage.cache_read.input_tokens': 512,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'gen_ai.conversation.id': 's_9',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 400,
      'gen_ai.request.stream': true,
    });
  });

  test('maps what the conventions lack under telltale', () => {
    const attributes = toOtelAttributes(validModelCall());

    expect(attributes).toMatchObject({
      'telltale.cost.usd': 0.000421,
      'telltale.cost.source': 'price-table@2026-11-01',
      'telltale.feature': 'draft-email',
      'telltale.user.id': 'u_42',
      'telltale.release': '2026.12.1',
      'telltale.state.templateId': 'follow-up',
      'telltale.state.recipients': 1,
      'telltale.template.id': 'draft-email',
    });
  });

  test('leaves content out by default', () => {
    const attributes = toOtelAttributes(validModelCall());

    expect(attributes).not.toHaveProperty('gen_ai.input.messages');
    expect(attributes).not.toHaveProperty('gen_ai.output.messages');
  });

  test('adds content attributes on opt-in', () => {
    const attributes = toOtelAttributes(validModelCall(), { includeContent: true });
    const input = JSON.parse(attributes['gen_ai.input.messages'] as string) as unknown[];
    const output = JSON.parse(attributes['gen_ai.output.messages'] as string) as unknown[];

    expect(input[0]).toEqual({
      role: 'user',
      parts: [{ type: 'text', content: 'Ask Dana to move our call to Friday.' }],
    });
    expect(output[0]).toMatchObject({
      role: 'assistant',
      finish_reason: 'tool_calls',
      parts: [
        { type: 'text', content: 'Hi Dana, could we move our call to Friday?' },
        { type: 'tool_call', id: 'call_1', name: 'lookup_calendar', arguments: { day: 'friday' } },
      ],
    });
    expect(JSON.parse(attributes['gen_ai.system_instructions'] as string)).toEqual([
      { type: 'text', content: 'You draft short, polite emails.' },
    ]);
    expect(attributes['gen_ai.tool.definitions']).toContain('lookup_calendar');
  });

  test('omits cost for an unpriced call', () => {
    const event = validModelCall();
    event.cost = { usd: null, unpriced_reason: 'unknown model' };

    const attributes = toOtelAttributes(event);

    expect(attributes).not.toHaveProperty('telltale.cost.usd');
    expect(attributes['telltale.cost.unpriced_reason']).toBe('unknown model');
  });

  test('sets error.type on failures', () => {
    const event = validModelCall();
    event.outcome = { status: 'error', error_type: 'RateLimitError', http_status: 429, attempt: 2 };

    const attributes = toOtelAttributes(event);

    expect(attributes['error.type']).toBe('RateLimitError');
    expect(attributes['http.response.status_code']).toBe(429);
    expect(attributes['telltale.outcome.attempt']).toBe(2);
  });

  test('maps responses API to chat', () => {
    const event = validModelCall();
    event.operation = 'responses';

    expect(toOtelAttributes(event)['gen_ai.operation.name']).toBe('chat');
    expect(otelSpanName(event)).toBe('chat gpt-4.1-mini');
  });

  test('maps feedback events', () => {
    expect(toOtelAttributes(validFeedback())).toMatchObject({
      'telltale.request_id': '0193a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b',
      'telltale.feedback.signal': 'edit',
      'telltale.feedback.edit_distance': 0.35,
      'telltale.feature': 'draft-email',
    });
  });

  test('produces only valid attribute values', () => {
    const attributes = toOtelAttributes(validModelCall(), { includeContent: true });

    for (const value of Object.values(attributes)) {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) expect(['string', 'number', 'boolean']).toContain(typeof item);
    }
  });
});
