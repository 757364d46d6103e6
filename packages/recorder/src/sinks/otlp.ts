import {
  otelSpanName,
  toOtelAttributes,
  type EventSink,
  type FeedbackEvent,
  type ModelCallEvent,
  type OtelAttributeValue,
  type TelltaleEvent,
} from '@telltale/schema';

export interface OtlpSinkOptions {
  /** Base URL of the OTLP/HTTP receiver; `/v1/traces` and `/v1/logs` are appended. Default `http://127.0.0.1:4318`. */
  endpoint?: string;
  /** Extra request headers, such as an authorization header of the collector. */
  headers?: Record<string, string>;
  /** `service.name` of the resource. Default `telltale-app`. */
  serviceName?: string;
  /** Adds prompt and response text as the opt-in GenAI content attributes. Default false. */
  includeContent?: boolean;
  /** Request timeout in milliseconds. Default 10,000. */
  timeoutMs?: number;
}

const SPAN_KIND_CLIENT = 3;
const STATUS_OK = 1;
const STATUS_ERROR = 2;
const SCOPE = { name: '@telltale/recorder', version: '0.1.0' };

/**
 * Exports model calls as spans and feedback as log records over OTLP/HTTP with JSON encoding.
 * Trace and span ids derive from the request id, so a replayed batch repeats the same ids.
 */
export class OtlpHttpSink implements EventSink {
  readonly name = 'otlp';
  readonly #endpoint: string;
  readonly #options: OtlpSinkOptions;

  constructor(options: OtlpSinkOptions = {}) {
    this.#endpoint = (options.endpoint ?? 'http://127.0.0.1:4318').replace(/\/+$/, '');
    this.#options = options;
  }

  async write(batch: readonly TelltaleEvent[]): Promise<void> {
    const modelCalls = batch.filter((event): event is ModelCallEvent => event.kind === 'model_call');
    const feedback = batch.filter((event): event is FeedbackEvent => event.kind === 'feedback');

    if (modelCalls.length > 0) await this.#post('/v1/traces', this.tracesRequest(modelCalls));
    if (feedback.length > 0) await this.#post('/v1/logs', this.logsRequest(feedback));
  }

  /** Builds an `ExportTraceServiceRequest` in the OTLP JSON encoding. */
  tracesRequest(events: readonly ModelCallEvent[]): unknown {
    return {
      resourceSpans: [
        {
          resource: this.#resource(),
          scopeSpans: [{ scope: SCOPE, spans: events.map((event) => this.#span(event)) }],
        },
      ],
    };
  }

  /** Builds an `ExportLogsServiceRequest` in the OTLP JSON encoding. */
  logsRequest(events: readonly FeedbackEvent[]): unknown {
    return {
      resourceLogs: [
        {
          resource: this.#resource(),
          scopeLogs: [
            {
              scope: SCOPE,
              logRecords: events.map((event) => ({
                timeUnixNano: toUnixNano(event.timestamp, 0),
                eventName: 'telltale.feedback',
                traceId: traceIdOf(event.request_id),
                spanId: spanIdOf(event.request_id),
                body: { stringValue: event.signal },
                attributes: encodeAttributes(toOtelAttributes(event)),
              })),
            },
          ],
        },
      ],
    };
  }

  #span(event: ModelCallEvent): unknown {
    const startNano = toUnixNano(event.timestamp, 0);
    const endNano = toUnixNano(event.timestamp, event.latency.total_ms);
    const attributes = toOtelAttributes(event, { includeContent: this.#options.includeContent === true });

    const span: Record<string, unknown> = {
      traceId: traceIdOf(event.request_id),
      spanId: spanIdOf(event.request_id),
      name: otelSpanName(event),
      kind: SPAN_KIND_CLIENT,
      startTimeUnixNano: startNano,
      endTimeUnixNano: endNano,
      attributes: encodeAttributes(attributes),
      status:
        event.outcome.status === 'error'
          ? { code: STATUS_ERROR, message: event.outcome.error_message ?? event.outcome.error_type ?? '' }
          : { code: STATUS_OK },
    };
    if (event.parent_id) span.parentSpanId = spanIdOf(event.parent_id);

    return span;
  }

  #resource(): unknown {
    return {
      attributes: encodeAttributes({ 'service.name': this.#options.serviceName ?? 'telltale-app' }),
    };
  }

  async #post(path: string, body: unknown): Promise<void> {
    const response = await fetch(`${this.#endpoint}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.#options.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
    });
    await response.arrayBuffer();

    if (!response.ok) {
      throw new Error(
        `OTLP receiver at ${this.#endpoint}${path} returned HTTP ${response.status}; the batch spills and is retried later.`,
      );
    }
  }
}

/** Encodes attributes as OTLP `KeyValue`s; integers go as strings, as the JSON encoding requires. */
export function encodeAttributes(attributes: Record<string, OtelAttributeValue>): unknown[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: encodeValue(value) }));
}

function encodeValue(value: OtelAttributeValue): unknown {
  if (Array.isArray(value))
    return { arrayValue: { values: (value as (string | number | boolean)[]).map((item) => encodeValue(item)) } };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/** Returns the 32 hex digits of the request id: a UUIDv7 has 128 bits, as a trace id does. */
function traceIdOf(requestId: string): string {
  return requestId.replaceAll('-', '');
}

/** Returns the last 64 bits of the request id, which are random in a UUIDv7. */
function spanIdOf(requestId: string): string {
  return requestId.replaceAll('-', '').slice(16);
}

function toUnixNano(timestamp: string, offsetMs: number): string {
  const nanos = BigInt(Date.parse(timestamp)) * 1_000_000n + BigInt(Math.round(offsetMs * 1_000_000));
  return nanos.toString();
}
