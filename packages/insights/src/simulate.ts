import { SCHEMA_VERSION, type FeedbackEvent, type ModelCallEvent, type TelltaleEvent } from '@telltale/schema';

/**
 * A seeded traffic generator: features, users, models, templates, prompt versions and releases
 * over several weeks, with injected incidents. The same options always produce the same events,
 * so tests, the benchmark and demos can assert on what it injects.
 */
export interface SimulationOptions {
  /** First day, at 00:00 UTC. */
  start: Date;
  days: number;
  callsPerDay: number;
  seed?: number;
  users?: number;
  incidents?: readonly Incident[];
  /** Events per yielded batch. */
  batchSize?: number;
}

export type Incident =
  | {
      /**
       * Over `rampDays` from `day`, the share of calls of `feature` whose state field `field` is
       * `value` grows from `fromShare` to `toShare`. Calls with that value are regenerated at
       * `regenerateRate`. On the same days the feature's prompt version moves from
       * `promptVersions[0]` to `promptVersions[1]`, which changes nothing about the output.
       */
      kind: 'state-mix-shift';
      feature: string;
      field: string;
      value: string;
      fromShare: number;
      toShare: number;
      regenerateRate: number;
      day: number;
      rampDays: number;
      promptVersions: readonly [string, string];
    }
  | {
      /** On `day`, every call costs `factor` times as much. */
      kind: 'cost-spike';
      day: number;
      factor: number;
    }
  | {
      /** From `day` on, calls of `feature` with `model` fail with probability `errorRate`. */
      kind: 'model-errors';
      feature: string;
      model: string;
      day: number;
      errorRate: number;
    };

/**
 * Incidents for a five-week simulation from a Monday, whose fifth week is the digest's week and
 * third its baseline. In week 4 the share of draft-email calls with templateId "apology" grows
 * from 10% to 40%, and those calls are regenerated 16% of the time against 4.5% for the other
 * templates, so the feature's regenerate rate rises by about 60%. On the same days its prompt
 * version moves from 3 to 4, which changes nothing. Spend is 40% higher on day 31 and 20% higher
 * on day 29. Throughout, summarize-thread fails on claude-sonnet-4 15% of the time against 1%
 * elsewhere.
 */
export const SAMPLE_INCIDENTS: readonly Incident[] = [
  {
    kind: 'state-mix-shift',
    feature: 'draft-email',
    field: 'templateId',
    value: 'apology',
    fromShare: 0.1,
    toShare: 0.4,
    regenerateRate: 0.16,
    day: 21,
    rampDays: 7,
    promptVersions: ['3', '4'],
  },
  { kind: 'model-errors', feature: 'summarize-thread', model: 'claude-sonnet-4', day: 0, errorRate: 0.15 },
  { kind: 'cost-spike', day: 31, factor: 1.4 },
  { kind: 'cost-spike', day: 29, factor: 1.2 },
];

interface FeatureProfile {
  name: string;
  share: number;
  template: string;
  /** State field, its values and their shares at rest. */
  stateField: string;
  stateValues: readonly string[];
  regenerateRate: number;
  inputTokens: number;
  outputTokens: number;
}

const FEATURES: readonly FeatureProfile[] = [
  {
    name: 'draft-email',
    share: 0.5,
    template: 'draft-email',
    stateField: 'templateId',
    stateValues: ['follow-up', 'intro', 'reminder', 'thank-you', 'apology'],
    regenerateRate: 0.045,
    inputTokens: 900,
    outputTokens: 220,
  },
  {
    name: 'summarize-thread',
    share: 0.25,
    template: 'summarize',
    stateField: 'threadSize',
    stateValues: ['short', 'medium', 'long'],
    regenerateRate: 0.04,
    inputTokens: 2600,
    outputTokens: 300,
  },
  {
    name: 'support-reply',
    share: 0.15,
    template: 'support-reply',
    stateField: 'channel',
    stateValues: ['email', 'chat'],
    regenerateRate: 0.05,
    inputTokens: 1500,
    outputTokens: 260,
  },
  {
    name: 'search-answer',
    share: 0.1,
    template: 'search-answer',
    stateField: 'corpus',
    stateValues: ['help-center', 'docs'],
    regenerateRate: 0.03,
    inputTokens: 3200,
    outputTokens: 180,
  },
];

const MODELS = [
  { name: 'gpt-4.1-mini', provider: 'openai', share: 0.6, inputPrice: 0.4e-6, outputPrice: 1.6e-6, latencyMs: 900 },
  { name: 'gpt-4.1', provider: 'openai', share: 0.25, inputPrice: 2e-6, outputPrice: 8e-6, latencyMs: 1800 },
  {
    name: 'claude-sonnet-4',
    provider: 'anthropic',
    share: 0.15,
    inputPrice: 3e-6,
    outputPrice: 15e-6,
    latencyMs: 2200,
  },
] as const;

const DAY_MS = 86_400_000;

/** The features the generator produces, for callers that iterate over them. */
export const SIMULATED_FEATURES: readonly string[] = FEATURES.map((feature) => feature.name);

/** Yields the simulated events day by day, in batches of `batchSize`. */
export function* simulateTraffic(options: SimulationOptions): Generator<TelltaleEvent[]> {
  const random = createRandom(options.seed ?? 1);
  const userCount = options.users ?? 200;
  const batchSize = options.batchSize ?? 5000;
  const incidents = options.incidents ?? [];
  let batch: TelltaleEvent[] = [];

  for (let day = 0; day < options.days; day += 1) {
    const dayStart = options.start.getTime() + day * DAY_MS;
    const costFactor = incidents.reduce(
      (factor, incident) =>
        incident.kind === 'cost-spike' && incident.day === day ? factor * incident.factor : factor,
      1,
    );

    for (let index = 0; index < options.callsPerDay; index += 1) {
      const tsMs = dayStart + Math.floor(((index + random()) / options.callsPerDay) * DAY_MS);
      const events = simulateCall({ random, tsMs, day, userCount, incidents, costFactor });
      batch.push(...events);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }

  if (batch.length > 0) yield batch;
}

interface CallInput {
  random: () => number;
  tsMs: number;
  day: number;
  userCount: number;
  incidents: readonly Incident[];
  costFactor: number;
}

function simulateCall(input: CallInput): TelltaleEvent[] {
  const { random, tsMs, day } = input;
  const feature = pickWeighted(FEATURES, random);
  const model = pickWeighted(MODELS, random);
  const userIndex = Math.min(input.userCount - 1, Math.floor(input.userCount * random() ** 2));
  const userId = `u_${String(userIndex + 1).padStart(4, '0')}`;

  let stateValue = feature.stateValues[Math.floor(random() * feature.stateValues.length)]!;
  let promptVersion = '3';
  let regenerateRate = feature.regenerateRate;
  let errorRate = 0.01;

  for (const incident of input.incidents) {
    if (incident.kind === 'state-mix-shift' && incident.feature === feature.name) {
      const progress = Math.min(1, Math.max(0, (day - incident.day) / incident.rampDays));
      const share = incident.fromShare + (incident.toShare - incident.fromShare) * progress;
      const others = feature.stateValues.filter((value) => value !== incident.value);
      stateValue = random() < share ? incident.value : others[Math.floor(random() * others.length)]!;
      promptVersion = random() < progress ? incident.promptVersions[1] : incident.promptVersions[0];
      if (stateValue === incident.value) regenerateRate = incident.regenerateRate;
    }
    if (incident.kind === 'model-errors' && incident.feature === feature.name && incident.model === model.name) {
      if (day >= incident.day) errorRate = incident.errorRate;
    }
  }

  const failed = random() < errorRate;
  const inputTokens = Math.round(feature.inputTokens * (0.6 + random() * 0.8));
  const outputTokens = failed ? 0 : Math.round(feature.outputTokens * (0.5 + random()));
  const latencyMs = Math.round(
    model.latencyMs * Math.exp(gaussian(random) * 0.35) * (outputTokens / feature.outputTokens + 0.5),
  );
  const requestId = uuidFromTime(tsMs, random);
  const unpriced = random() < 0.005;
  const costUsd = (inputTokens * model.inputPrice + outputTokens * model.outputPrice) * input.costFactor;
  const release = `2026.${String(Math.floor(day / 7) + 1).padStart(2, '0')}`;
  const text = `Request ${requestId.slice(-6)} for ${feature.name} (${stateValue}).`;

  const call: ModelCallEvent = {
    kind: 'model_call',
    schema_version: SCHEMA_VERSION,
    request_id: requestId,
    timestamp: new Date(tsMs).toISOString(),
    provider: model.provider,
    operation: 'chat',
    model: { requested: model.name },
    prompt: {
      system: [{ type: 'text', text: `You help with ${feature.name}.` }],
      messages: [{ role: 'user', parts: [{ type: 'text', text }] }],
      template: { id: feature.template, version: promptVersion, variables: { [feature.stateField]: stateValue } },
    },
    response: failed
      ? null
      : {
          messages: [
            { role: 'assistant', parts: [{ type: 'text', text: `Answer to ${text}` }], finish_reason: 'stop' },
          ],
          finish_reason: 'stop',
        },
    usage: { input_tokens: inputTokens, output_tokens: outputTokens },
    cost: unpriced
      ? { usd: null, unpriced_reason: 'model missing from the price table' }
      : { usd: Math.round(costUsd * 1e9) / 1e9, source: 'price-table@2026-11-01' },
    latency: { total_ms: latencyMs, streamed: false },
    context: {
      feature: feature.name,
      user: { id: userId, pseudonymized: false },
      session: `s_${userId}_${day}`,
      release,
      environment: 'production',
      state: { [feature.stateField]: stateValue },
    },
    outcome: failed
      ? { status: 'error', error_type: 'rate_limit', http_status: 429, attempt: 1 }
      : { status: 'ok', attempt: 1 },
  };

  const events: TelltaleEvent[] = [call];
  if (failed) return events;

  const feedback = (signal: string, extra: Partial<FeedbackEvent> = {}): FeedbackEvent => ({
    kind: 'feedback',
    schema_version: SCHEMA_VERSION,
    event_id: uuidFromTime(tsMs + 30_000, random),
    request_id: requestId,
    timestamp: new Date(tsMs + 30_000).toISOString(),
    signal,
    source: 'app',
    context: { feature: feature.name, user: { id: userId, pseudonymized: false } },
    ...extra,
  });

  if (random() < regenerateRate) events.push(feedback('regenerate'));
  if (random() < 0.15) events.push(feedback('edit', { edit_distance: Math.round(random() * 100) / 100 }));
  if (random() < 0.03) events.push(feedback('abandon'));
  if (random() < 0.02) events.push(feedback('thumbs_down'));
  if (random() < 0.05) events.push(feedback('thumbs_up'));
  if (random() < 0.02) events.push({ ...feedback('uncertainty'), source: 'recorder', phrases: ["I'm not sure"] });

  return events;
}

function pickWeighted<Item extends { share: number }>(items: readonly Item[], random: () => number): Item {
  let draw = random();
  for (const item of items) {
    draw -= item.share;
    if (draw < 0) return item;
  }
  return items[items.length - 1]!;
}

/** mulberry32: a small, fast, seeded 32-bit PRNG; good enough for traffic, not for secrets. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A UUIDv7 for a given millisecond with seeded random bits, so runs are reproducible. */
function uuidFromTime(tsMs: number, random: () => number): string {
  const hex = (digits: number): string =>
    Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join('');
  const time = tsMs.toString(16).padStart(12, '0');
  const variant = (8 + Math.floor(random() * 4)).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}
