import {
  SCHEMA_VERSION,
  uuidv7,
  type Context,
  type ModelCallEvent,
  type Operation,
  type Prompt,
  type Response,
  type Usage,
} from '@telltale/schema';

import { describeError } from './errors.js';

/**
 * A value, or a function that computes it when the event is built. Capture code passes a
 * function for work that can wait, which then runs in the delivery batch, off the call's path.
 */
export type Deferred<T> = T | (() => T);

/** What is known about a model call when it starts. */
export interface CallStart {
  /** Provider in OpenTelemetry `gen_ai.provider.name` form: `openai`, `anthropic`, `aws.bedrock`, … */
  provider: string;
  operation: Operation;
  /** Model the request named. */
  model: string;
  prompt: Deferred<Prompt>;
  sdk?: { name: string; version?: string };
  /** Request id of the call this one follows from, such as the call that asked for a tool. */
  parentId?: string;
  /** True for calls billed at batch prices. */
  batch?: boolean;
}

/** The output of a model call in the event's terms: response, usage, returned model and provider cost. */
export interface CallResult {
  response: Response | null;
  usage: Usage;
  modelReturned?: string;
  /** Cost the provider reported in USD; it wins over the price table. */
  providerCostUsd?: number;
}

/** What is known about a model call when it ends. */
export interface CallEnd {
  status: 'ok' | 'error' | 'cancelled';
  result: Deferred<CallResult>;
  error?: unknown;
  streamed: boolean;
}

/** The result of a call that returned nothing to record. */
export const EMPTY_RESULT: CallResult = Object.freeze({ response: null, usage: Object.freeze({}) });

/** Queues a finished call for the recorder, which builds its event later. */
export type CallFinisher = (call: ActiveCall, end: CallEnd, endedAt: number) => void;

/**
 * One model call in progress. On the call's path it keeps only what must be taken at that
 * moment: clock readings, the request id, the request as capture code copied it, and references
 * to the context and the response. The recorder builds, prices and redacts the event in the
 * delivery batch. Only the first `end` counts.
 */
export class ActiveCall {
  /** Start of the call in Unix milliseconds, for the event's timestamp. */
  readonly startedAtUnixMs = Date.now();
  readonly requestId = uuidv7(this.startedAtUnixMs);
  readonly startedAt = performance.now();
  /** HTTP attempts the SDK made; retries count up from 1. */
  attempts = 0;
  firstTokenAt: number | undefined;
  /** Value that a parse helper made from the response, such as `message.parsed` of `chat.completions.parse`. */
  structuredOutput: unknown;
  #ended = false;

  constructor(
    readonly start: CallStart,
    /** Resolves the user context that was active when the call started. */
    readonly context: () => Context,
    private readonly finish: CallFinisher,
  ) {}

  get ended(): boolean {
    return this.#ended;
  }

  markFirstToken(): void {
    this.firstTokenAt ??= performance.now();
  }

  end(end: CallEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.finish(this, end, performance.now());
  }

  /** Builds the event from the call's end and its result; pricing and redaction are the recorder's. */
  toEvent(end: CallEnd, result: CallResult, endedAt: number): ModelCallEvent {
    const prompt = typeof this.start.prompt === 'function' ? this.start.prompt() : this.start.prompt;

    const event: ModelCallEvent = {
      kind: 'model_call',
      schema_version: SCHEMA_VERSION,
      request_id: this.requestId,
      timestamp: new Date(this.startedAtUnixMs).toISOString(),
      provider: this.start.provider,
      operation: this.start.operation,
      model: { requested: this.start.model || 'unknown' },
      prompt,
      response: result.response,
      usage: { ...result.usage },
      cost: { usd: null, unpriced_reason: 'not priced yet' },
      latency: { total_ms: roundMs(endedAt - this.startedAt), streamed: end.streamed },
      context: this.context(),
      outcome: { status: end.status, attempt: Math.max(1, this.attempts) },
    };

    if (this.start.parentId) event.parent_id = this.start.parentId;
    if (event.response && this.structuredOutput !== undefined && this.structuredOutput !== null) {
      event.response.structured_output ??= this.structuredOutput;
    }
    if (result.modelReturned) event.model.returned = result.modelReturned;
    if (this.firstTokenAt !== undefined) {
      event.latency.time_to_first_token_ms = roundMs(this.firstTokenAt - this.startedAt);
    }
    if (this.start.sdk) event.sdk = this.start.sdk;
    if (end.status !== 'ok' && end.error !== undefined) {
      const described = describeError(end.error);
      event.outcome.error_type = described.error_type;
      if (described.error_message !== undefined) event.outcome.error_message = described.error_message;
      if (described.http_status !== undefined) event.outcome.http_status = described.http_status;
      if (described.retryable !== undefined) event.outcome.retryable = described.retryable;
    }
    if (end.status === 'cancelled') event.outcome.error_type ??= 'cancelled';

    return event;
  }
}

function roundMs(ms: number): number {
  return Math.max(0, Math.round(ms * 1000) / 1000);
}
