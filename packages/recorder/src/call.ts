import {
  SCHEMA_VERSION,
  utcTimestamp,
  uuidv7,
  type Context,
  type ModelCallEvent,
  type Operation,
  type Prompt,
  type Response,
  type Usage,
} from '@telltale/schema';

import { describeError } from './errors.js';

/** What is known about a model call when it starts. */
export interface CallStart {
  /** Provider in OpenTelemetry `gen_ai.provider.name` form: `openai`, `anthropic`, `aws.bedrock`, … */
  provider: string;
  operation: Operation;
  /** Model the request named. */
  model: string;
  prompt: Prompt;
  sdk?: { name: string; version?: string };
  /** Request id of the call this one follows from, such as the call that asked for a tool. */
  parentId?: string;
  /** True for calls billed at batch prices. */
  batch?: boolean;
}

/** What is known about a model call when it ends. */
export interface CallEnd {
  status: 'ok' | 'error' | 'cancelled';
  response: Response | null;
  usage: Usage;
  modelReturned?: string;
  /** Cost the provider reported in USD; it wins over the price table. */
  providerCostUsd?: number;
  error?: unknown;
  streamed: boolean;
}

/** Turns a finished call into its event; implemented by the recorder. */
export type CallFinisher = (call: ActiveCall, end: CallEnd, endedAt: number) => void;

/**
 * One model call in progress. Capture code reports the first token and the end; the recorder
 * builds, prices, redacts and queues the event. Only the first `end` counts.
 */
export class ActiveCall {
  readonly requestId = uuidv7();
  readonly timestamp = utcTimestamp();
  readonly startedAt = performance.now();
  /** HTTP attempts the SDK made; retries count up from 1. */
  attempts = 0;
  firstTokenAt: number | undefined;
  #ended = false;

  constructor(
    readonly start: CallStart,
    readonly context: Context,
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

  /** Builds the event; pricing and redaction are the recorder's. */
  toEvent(end: CallEnd, endedAt: number): ModelCallEvent {
    const event: ModelCallEvent = {
      kind: 'model_call',
      schema_version: SCHEMA_VERSION,
      request_id: this.requestId,
      timestamp: this.timestamp,
      provider: this.start.provider,
      operation: this.start.operation,
      model: { requested: this.start.model || 'unknown' },
      prompt: this.start.prompt,
      response: end.response,
      usage: end.usage,
      cost: { usd: null, unpriced_reason: 'not priced yet' },
      latency: { total_ms: roundMs(endedAt - this.startedAt), streamed: end.streamed },
      context: this.context,
      outcome: { status: end.status, attempt: Math.max(1, this.attempts) },
    };

    if (this.start.parentId) event.parent_id = this.start.parentId;
    if (end.modelReturned) event.model.returned = end.modelReturned;
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
