// Typical model_call events shared by the benchmarks: a support reply with a tool call and
// result, retrieval, template, usage, cost and context, about 2.3 KB of JSON each.

/** Returns a valid model_call event that differs from others by `index`. */
export function typicalEvent(index) {
  const hex = index.toString(16).padStart(12, '0');
  return {
    kind: 'model_call',
    schema_version: '1.0.0',
    request_id: `0193a1b2-7c3d-7e4f-8a5b-${hex}`,
    timestamp: `2026-12-04T10:${String(index % 60).padStart(2, '0')}:30.123Z`,
    provider: index % 3 === 0 ? 'anthropic' : 'openai',
    operation: 'chat',
    model: { requested: 'gpt-4.1-mini', returned: 'gpt-4.1-mini-2025-04-14' },
    prompt: {
      system: [
        {
          type: 'text',
          text: 'You are a helpful assistant that drafts concise, friendly emails for busy people. Keep replies under 120 words.',
        },
      ],
      messages: [
        {
          role: 'user',
          parts: [
            {
              type: 'text',
              text: `Draft a reply to ticket ${index}: the customer asks when the refund for order 18${index} will arrive and whether they need to return the damaged item first.`,
            },
          ],
        },
        {
          role: 'assistant',
          parts: [
            { type: 'tool_call', id: `call_${index}`, name: 'lookup_order', arguments: { orderId: `18${index}` } },
          ],
        },
        {
          role: 'tool',
          parts: [
            {
              type: 'tool_result',
              tool_call_id: `call_${index}`,
              content: { status: 'refund_pending', eta_days: 3, return_required: false },
            },
          ],
        },
      ],
      template: { id: 'support-reply', version: '7', variables: { tone: 'friendly', product: 'Acme Kettle' } },
      retrieval: [
        {
          source: 'help-center',
          id: 'refunds-101',
          content: 'Refunds are issued within 5 business days of approval. Damaged items do not need to be returned.',
          score: 0.87,
        },
      ],
      tools: [
        {
          name: 'lookup_order',
          description: 'Fetch an order by id',
          parameters: { type: 'object', properties: { orderId: { type: 'string' } } },
        },
      ],
      parameters: { temperature: 0.3, max_tokens: 300, stream: true },
    },
    response: {
      id: `chatcmpl-${index}`,
      messages: [
        {
          role: 'assistant',
          parts: [
            {
              type: 'text',
              text: 'Hi Sam, thanks for your patience. Your refund is approved and should reach your account within 3 business days. There is no need to return the damaged kettle; please recycle it. Let me know if there is anything else I can do.',
            },
          ],
          finish_reason: 'stop',
        },
      ],
      finish_reason: 'stop',
    },
    usage: { input_tokens: 412 + index, output_tokens: 58, cached_input_tokens: 256, reasoning_tokens: 0 },
    cost: { usd: 0.000183, source: 'price-table@2026-11-01' },
    latency: { total_ms: 912.4, time_to_first_token_ms: 180.2, streamed: true },
    context: {
      feature: 'support-reply',
      user: { id: `u_${index % 97}`, pseudonymized: true },
      session: `s_${index % 13}`,
      release: '2026.12.1',
      environment: 'production',
      state: { channel: 'email', priority: index % 2 === 0 ? 'high' : 'normal' },
    },
    outcome: { status: 'ok', attempt: 1 },
    sdk: { name: 'openai', version: '6.9.0' },
  };
}
