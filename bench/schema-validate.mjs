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
import { typicalEvent } from './events.mjs';

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
