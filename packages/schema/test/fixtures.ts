import type { FeedbackEvent, ModelCallEvent } from '../src/index.js';

/** A complete, valid model_call event: a streamed chat call with a tool call and cached input. */
export function validModelCall(): ModelCallEvent {
  return {
    kind: 'model_call',
    schema_version: '1.0.0',
    request_id: '0193a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b',
    parent_id: '0193a1b2-7c3c-7000-8000-000000000001',
    timestamp: '2026-12-04T10:15:30.123Z',
    provider: 'openai',
    operation: 'chat',
    model: { requested: 'gpt-4.1-mini', returned: 'gpt-4.1-mini-2025-04-14' },
    prompt: {
      system: [{ type: 'text', text: 'You draft short, polite emails.' }],
      messages: [
        { role: 'user', parts: [{ type: 'text', text: 'Ask Dana to move our call to Friday.' }] },
        {
          role: 'user',
          parts: [{ type: 'image', ref: 'file-abc123', media_type: 'image/png' }],
        },
      ],
      template: { id: 'draft-email', version: '3', variables: { tone: 'formal' } },
      retrieval: [{ source: 'contacts', id: 'dana', content: 'Dana Lee, Acme', score: 0.92 }],
      tools: [{ name: 'lookup_calendar', description: 'Free slots', parameters: { type: 'object' } }],
      parameters: { temperature: 0.2, max_tokens: 400, stream: true, response_format: { type: 'text' } },
    },
    response: {
      id: 'chatcmpl-123',
      messages: [
        {
          role: 'assistant',
          parts: [
            { type: 'text', text: 'Hi Dana, could we move our call to Friday?' },
            { type: 'tool_call', id: 'call_1', name: 'lookup_calendar', arguments: { day: 'friday' } },
          ],
          finish_reason: 'tool_calls',
        },
      ],
      tool_calls: [{ id: 'call_1', name: 'lookup_calendar', arguments: { day: 'friday' } }],
      finish_reason: 'tool_calls',
    },
    usage: { input_tokens: 812, output_tokens: 64, cached_input_tokens: 512, reasoning_tokens: 0 },
    cost: { usd: 0.000421, source: 'price-table@2026-11-01' },
    latency: { total_ms: 1234.5, time_to_first_token_ms: 210, streamed: true },
    context: {
      feature: 'draft-email',
      user: { id: 'u_42', pseudonymized: false },
      session: 's_9',
      release: '2026.12.1',
      environment: 'production',
      state: { templateId: 'follow-up', recipients: 1 },
    },
    outcome: { status: 'ok', attempt: 1 },
    redacted_paths: ['/prompt/messages/0/parts/0/text'],
    sdk: { name: 'openai', version: '6.9.0' },
  };
}

/** A valid feedback event about {@link validModelCall}. */
export function validFeedback(): FeedbackEvent {
  return {
    kind: 'feedback',
    schema_version: '1.0.0',
    event_id: '0193a1b2-8000-7000-8000-000000000002',
    request_id: '0193a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b',
    timestamp: '2026-12-04T10:16:00Z',
    signal: 'edit',
    edit_distance: 0.35,
    source: 'app',
    context: { feature: 'draft-email', user: { id: 'u_42', pseudonymized: false } },
  };
}
