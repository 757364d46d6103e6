import type { FeedbackEvent, ModelCallEvent, TelltaleEvent } from '@telltale/schema';

/** A model call flattened into the typed columns every backend stores. */
export interface CallRow {
  requestId: string;
  parentId: string | null;
  tsMs: number;
  /** UTC day of the call, `YYYY-MM-DD`: the partition key. */
  day: string;
  feature: string;
  userId: string | null;
  sessionId: string | null;
  release: string | null;
  environment: string | null;
  provider: string;
  operation: string;
  model: string;
  modelReturned: string | null;
  templateId: string | null;
  promptVersion: string | null;
  status: string;
  errorType: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  reasoningTokens: number | null;
  costUsd: number | null;
  latencyMs: number;
  ttftMs: number | null;
  /** State values as text, so each is a groupable dimension in every backend. */
  state: Record<string, string>;
  prompt: unknown;
  response: unknown;
  /** The rest of the event, so nothing recorded is lost. */
  extra: Record<string, unknown>;
}

export interface FeedbackRow {
  eventId: string;
  requestId: string;
  tsMs: number;
  day: string;
  signal: string;
  editDistance: number | null;
  feature: string | null;
  userId: string | null;
  event: FeedbackEvent;
}

/** Splits a batch into call and feedback rows, dropping repeats of an id within the batch. */
export function toRows(batch: readonly TelltaleEvent[]): { calls: CallRow[]; feedback: FeedbackRow[] } {
  const calls = new Map<string, CallRow>();
  const feedback = new Map<string, FeedbackRow>();

  for (const event of batch) {
    if (event.kind === 'model_call') calls.set(event.request_id, toCallRow(event));
    else feedback.set(event.event_id, toFeedbackRow(event));
  }

  return { calls: [...calls.values()], feedback: [...feedback.values()] };
}

function toCallRow(event: ModelCallEvent): CallRow {
  const tsMs = Date.parse(event.timestamp);
  const { prompt, response, ...extra } = event;
  const state: Record<string, string> = {};

  for (const [field, value] of Object.entries(event.context.state ?? {})) {
    if (value === null || value === undefined) continue;
    state[field] = typeof value === 'string' ? value : JSON.stringify(value);
  }

  return {
    requestId: event.request_id,
    parentId: event.parent_id ?? null,
    tsMs,
    day: utcDay(tsMs),
    feature: event.context.feature,
    userId: event.context.user?.id ?? null,
    sessionId: event.context.session ?? null,
    release: event.context.release ?? null,
    environment: event.context.environment ?? null,
    provider: event.provider,
    operation: event.operation,
    model: event.model.requested,
    modelReturned: event.model.returned ?? null,
    templateId: prompt.template?.id ?? null,
    promptVersion: prompt.template?.version ?? null,
    status: event.outcome.status,
    errorType: event.outcome.error_type ?? null,
    inputTokens: event.usage.input_tokens ?? null,
    outputTokens: event.usage.output_tokens ?? null,
    cachedInputTokens: event.usage.cached_input_tokens ?? null,
    reasoningTokens: event.usage.reasoning_tokens ?? null,
    costUsd: event.cost.usd,
    latencyMs: event.latency.total_ms,
    ttftMs: event.latency.time_to_first_token_ms ?? null,
    state,
    prompt,
    response,
    extra,
  };
}

function toFeedbackRow(event: FeedbackEvent): FeedbackRow {
  const tsMs = Date.parse(event.timestamp);

  return {
    eventId: event.event_id,
    requestId: event.request_id,
    tsMs,
    day: utcDay(tsMs),
    signal: event.signal,
    editDistance: event.edit_distance ?? null,
    feature: event.context?.feature ?? null,
    userId: event.context?.user?.id ?? null,
    event,
  };
}

export function utcDay(tsMs: number): string {
  return new Date(tsMs).toISOString().slice(0, 10);
}
