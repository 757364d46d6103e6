// Validation throughput of typical model_call events (about 2 KB of JSON each) with Telltale's
// compiled validator, Ajv (2020-12, ajv-formats) on the committed JSON Schema, and zod on a
// hand-written mirror of the same rules. One process, same events, validators run in turns.
//
// Usage: npm run build && node bench/schema-validate.mjs [--seconds 2]
import { readFileSync } from 'node:fs';
import os from 'node:os';

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { z } from 'zod';

import { modelCallValidator } from '../packages/schema/dist/index.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 2);
const events = Array.from({ length: 1000 }, (_, index) => typicalEvent(index));
const averageBytes = events.reduce((sum, event) => sum + JSON.stringify(event).length, 0) / events.length;

const ajv = addFormats(new Ajv2020({ strict: false }));
const ajvValidate = ajv.compile(
  JSON.parse(readFileSync(new URL('../packages/schema/schemas/model-call.schema.json', import.meta.url), 'utf8')),
);
const zodSchema = buildZodSchema();

const contenders = [
  ['telltale check', (event) => modelCallValidator.check(event)],
  ['telltale validate', (event) => modelCallValidator.validate(event).valid],
  ['ajv', (event) => ajvValidate(event)],
  ['zod', (event) => zodSchema.safeParse(event).success],
];

for (const [name, validate] of contenders) {
  const rejected = events.filter((event) => !validate(event)).length;
  if (rejected > 0) throw new Error(`${name} rejected ${rejected} of the benchmark events; the mirrors disagree`);
}

// Three rounds in turns, so drift in machine speed touches every contender alike; best round counts.
const results = new Map(contenders.map(([name]) => [name, 0]));
for (let round = 0; round < 3; round += 1) {
  for (const [name, validate] of contenders) {
    results.set(name, Math.max(results.get(name), throughput(validate)));
  }
}

const baseline = results.get('telltale check');
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}`);
console.log(`${events.length} distinct events, ${Math.round(averageBytes)} bytes of JSON on average\n`);
console.log('validator           events/s     telltale check ÷ this');
for (const [name, perSecond] of results) {
  console.log(
    `${name.padEnd(18)} ${Math.round(perSecond).toLocaleString('en-US').padStart(11)}   ${(baseline / perSecond).toFixed(2)}`,
  );
}

function throughput(validate) {
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  let sink = 0;
  const start = performance.now();
  while (performance.now() < deadline) {
    for (const event of events) sink += validate(event) ? 1 : 0;
    count += events.length;
  }
  if (sink !== count) throw new Error('an event failed validation during timing');
  return count / ((performance.now() - start) / 1000);
}

function typicalEvent(index) {
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

function buildZodSchema() {
  const uuid7 = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const tokens = z.number().int().min(0);
  const ref = (type) => z.strictObject({ type: z.literal(type), ref: z.string(), media_type: z.string().optional() });
  const part = z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('text'), text: z.string() }),
    ref('image'),
    z.strictObject({
      type: z.literal('file'),
      ref: z.string(),
      media_type: z.string().optional(),
      name: z.string().optional(),
    }),
    ref('audio'),
    z.strictObject({ type: z.literal('tool_call'), id: z.string(), name: z.string().min(1), arguments: z.unknown() }),
    z.strictObject({
      type: z.literal('tool_result'),
      tool_call_id: z.string(),
      content: z.unknown(),
      is_error: z.boolean().optional(),
    }),
    z.strictObject({ type: z.literal('reasoning'), text: z.string() }),
  ]);
  const role = z.enum(['system', 'developer', 'user', 'assistant', 'tool']);
  const contextPart = z.enum(['feature', 'user', 'session', 'release', 'environment']);

  return z.strictObject({
    kind: z.literal('model_call'),
    schema_version: z.string().regex(/^1\.\d+\.\d+$/),
    request_id: uuid7,
    parent_id: uuid7.optional(),
    timestamp: z.iso.datetime({ precision: undefined }),
    provider: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/),
    operation: z.enum([
      'chat',
      'responses',
      'text_completion',
      'embeddings',
      'generate_content',
      'image_generation',
      'speech',
      'transcription',
      'rerank',
    ]),
    model: z.strictObject({ requested: z.string().min(1), returned: z.string().min(1).optional() }),
    prompt: z.strictObject({
      system: z.array(part).optional(),
      messages: z.array(z.strictObject({ role, parts: z.array(part), name: z.string().optional() })),
      template: z
        .strictObject({
          id: z.string().min(1),
          version: z.string().optional(),
          variables: z.record(z.string(), z.unknown()).optional(),
        })
        .optional(),
      retrieval: z
        .array(
          z.strictObject({ source: z.string(), id: z.string(), content: z.string(), score: z.number().optional() }),
        )
        .optional(),
      tools: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            description: z.string().optional(),
            parameters: z.unknown().optional(),
          }),
        )
        .optional(),
      parameters: z
        .looseObject({
          temperature: z.number().optional(),
          max_tokens: tokens.optional(),
          stream: z.boolean().optional(),
        })
        .optional(),
    }),
    response: z
      .strictObject({
        id: z.string().optional(),
        messages: z.array(z.strictObject({ role, parts: z.array(part), finish_reason: z.string().optional() })),
        tool_calls: z
          .array(z.strictObject({ id: z.string(), name: z.string().min(1), arguments: z.unknown() }))
          .optional(),
        structured_output: z.unknown().optional(),
        finish_reason: z.string().optional(),
        refusal: z.string().optional(),
        embeddings: z.strictObject({ count: tokens, dimensions: tokens }).optional(),
      })
      .nullable(),
    usage: z.strictObject({
      input_tokens: tokens.optional(),
      output_tokens: tokens.optional(),
      cached_input_tokens: tokens.optional(),
      cache_write_tokens: tokens.optional(),
      reasoning_tokens: tokens.optional(),
    }),
    cost: z.union([
      z.strictObject({
        usd: z.number().min(0),
        source: z.string().regex(/^(price-table@\d{4}-\d{2}-\d{2}|provider|override)$/),
        unpriced_reason: z.string().min(1).optional(),
      }),
      z.strictObject({ usd: z.null(), unpriced_reason: z.string().min(1) }),
    ]),
    latency: z.strictObject({
      total_ms: z.number().min(0),
      time_to_first_token_ms: z.number().min(0).optional(),
      streamed: z.boolean(),
    }),
    context: z
      .strictObject({
        feature: z.string().min(1),
        user: z.strictObject({ id: z.string().min(1), pseudonymized: z.boolean() }).optional(),
        session: z.string().min(1).optional(),
        release: z.string().min(1).optional(),
        environment: z.string().min(1).optional(),
        state: z.record(z.string(), z.unknown()).optional(),
        missing: z.array(contextPart).optional(),
      })
      .refine((context) => (context.user ? !context.missing?.includes('user') : context.missing?.includes('user')), {
        message: 'context.user is absent and not listed in context.missing',
      }),
    outcome: z
      .strictObject({
        status: z.enum(['ok', 'error', 'cancelled']),
        error_type: z.string().min(1).optional(),
        error_message: z.string().optional(),
        http_status: z.number().int().min(100).max(599).optional(),
        retryable: z.boolean().optional(),
        attempt: z.number().int().min(1),
      })
      .refine((outcome) => outcome.status !== 'error' || outcome.error_type !== undefined),
    redacted_paths: z.array(z.string().regex(/^(\/[^/]*)+$/)).optional(),
    sdk: z.strictObject({ name: z.string(), version: z.string().optional() }).optional(),
  });
}
