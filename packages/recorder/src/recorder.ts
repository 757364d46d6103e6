import {
  SCHEMA_VERSION,
  SIGNAL_PATTERN,
  utcTimestamp,
  uuidv7,
  type EventSink,
  type FeatureCatalog,
  type FeedbackEvent,
  type ModelCallEvent,
  type Operation,
  type Prompt,
  type Response,
  type TelltaleEvent,
  type Usage,
} from '@telltale/schema';

import { ActiveCall, EMPTY_RESULT, type CallEnd, type CallFinisher, type CallStart } from './call.js';
import { ContextStore, type CallContext, type ContextOptions } from './context.js';
import { DEFAULT_UNCERTAINTY_PHRASES, findUncertaintyPhrases, normalizedEditDistance } from './feedback.js';
import { installExitHandlers } from './exit.js';
import { instrumentClient, type Instrumented } from './instrument/index.js';
import { Pipeline, type DeliveryOptions, type ErrorReporter } from './pipeline.js';
import { Pricer, type ModelPrice, type PriceTable } from './pricing/price-table.js';
import { Redactor, type RedactionOptions } from './redaction.js';
import { Counters, type RecorderStats } from './stats.js';
import { describeResultText, mapRecordResult, type RecordResultMapping } from './record.js';

export interface RecorderOptions extends ContextOptions {
  /** Sinks that receive the events. With several, each one receives every event. */
  sinks: EventSink | readonly EventSink[];
  delivery?: DeliveryOptions;
  /** Price table; the one shipped with this package by default. */
  prices?: PriceTable;
  /** Prices per model that replace the table's; `cost.source` is then `override`. */
  priceOverrides?: Record<string, ModelPrice>;
  /** Redaction of prompt, response and state before events leave the process; all detectors by default. */
  redaction?: RedactionOptions | false;
  /** Phrases whose presence in a response records an `uncertainty` signal; `false` turns detection off. */
  uncertaintyPhrases?: readonly string[] | false;
  /**
   * For openai chat streams that did not ask for usage, sets `stream_options.include_usage` and
   * hides the extra usage-only chunk from the caller. Default true.
   */
  streamUsage?: boolean;
  /** Flushes on `beforeExit` and spills on `exit` and SIGTERM. Default true. */
  exitHandlers?: boolean;
  /** Called with every error the recorder catches and does not rethrow. Default: one warning per kind. */
  onError?: (error: unknown, where: string) => void;
}

/** Describes a model call made outside the instrumented SDKs, for {@link Recorder.record}. */
export interface RecordMeta<Features extends FeatureCatalog, Result> {
  provider: string;
  model: string;
  operation?: Operation;
  /** The prompt, or plain text that becomes one user message. */
  prompt?: Prompt | string;
  context?: CallContext<Features>;
  parentId?: string;
  batch?: boolean;
  /** Takes response, usage, returned model and provider cost from what `fn` returned. */
  map?: (result: Result) => RecordResultMapping;
}

/** Value of an `edit` signal: the response and what the user kept, or a distance computed already. */
export type EditValue = { original: string; edited: string } | number;

/** A recorder bound to the app's feature catalog. */
export interface Recorder<Features extends FeatureCatalog = FeatureCatalog> {
  /** Returns the client, typed as before and branded, with its model calls recorded. */
  instrument<Client extends object>(client: Client, defaults?: CallContext<Features>): Instrumented<Client>;
  /** Times `fn` as one model call and records it; rethrows what `fn` throws. */
  record<Result>(meta: RecordMeta<Features, Result>, fn: () => Promise<Result> | Result): Promise<Result>;
  /** Runs `fn` with a user context that every model call inside it, sync or async, records. */
  withContext<T>(context: CallContext<Features>, fn: () => T): T;
  /** Records a signal about a recorded call. */
  feedback(requestId: string, signal: 'edit', value: EditValue): void;
  feedback(requestId: string, signal: string, value?: number | string | boolean): void;
  /** Returns the request id of a result that an instrumented call or `record` returned. */
  requestIdOf(result: unknown): string | undefined;
  /** Delivers every queued event and replays spilled ones. */
  flush(): Promise<void>;
  /** Flushes and closes the sinks. Events recorded later are dropped and counted. */
  shutdown(): Promise<void>;
  stats(): RecorderStats;
}

/** Creates a recorder. The type argument is the app's feature catalog. */
export function createRecorder<Features extends FeatureCatalog = FeatureCatalog>(
  options: RecorderOptions,
): Recorder<Features> {
  return new RecorderCore<Features>(options);
}

/** Returns the implementation behind a recorder made by {@link createRecorder}. */
export function coreOf<Features extends FeatureCatalog>(recorder: Recorder<Features>): RecorderCore<Features> {
  if (!(recorder instanceof RecorderCore)) {
    throw new TypeError('Expected a recorder made by createRecorder() from @telltale/recorder.');
  }
  return recorder as RecorderCore<Features>;
}

/**
 * The recorder's implementation. Instrumentation reaches it through {@link RecorderCore.startCall}
 * and {@link RecorderCore.link}.
 */
export class RecorderCore<Features extends FeatureCatalog> implements Recorder<Features> {
  readonly contexts: ContextStore<Features>;
  readonly streamUsage: boolean;
  readonly #counters = new Counters();
  readonly #pipeline: Pipeline;
  readonly #pricer: Pricer;
  readonly #redactor: Redactor | undefined;
  readonly #uncertaintyPhrases: readonly string[];
  readonly #requestIds = new WeakMap<object, string | { requestId?: string }>();
  readonly #report: ErrorReporter;
  readonly #removeExitHandlers: () => void;

  constructor(options: RecorderOptions) {
    this.contexts = new ContextStore<Features>(options);
    this.streamUsage = options.streamUsage ?? true;
    this.#report = options.onError ?? warnOncePerKind();
    const sinks = Array.isArray(options.sinks) ? options.sinks : [options.sinks as EventSink];
    this.#pipeline = new Pipeline(sinks, options.delivery ?? {}, this.#counters, this.#report);
    this.#pricer = new Pricer(options.prices, options.priceOverrides);
    const redactor = options.redaction === false ? undefined : new Redactor(options.redaction);
    this.#redactor = redactor?.enabled ? redactor : undefined;
    this.#uncertaintyPhrases =
      options.uncertaintyPhrases === false ? [] : (options.uncertaintyPhrases ?? DEFAULT_UNCERTAINTY_PHRASES);
    this.#removeExitHandlers = options.exitHandlers === false ? () => undefined : installExitHandlers(this.#pipeline);
  }

  instrument<Client extends object>(client: Client, defaults?: CallContext<Features>): Instrumented<Client> {
    return instrumentClient(this, client, defaults);
  }

  async record<Result>(meta: RecordMeta<Features, Result>, fn: () => Promise<Result> | Result): Promise<Result> {
    const call = this.startCall(
      {
        provider: meta.provider,
        operation: meta.operation ?? 'chat',
        model: meta.model,
        prompt: typeof meta.prompt === 'string' ? textPrompt(meta.prompt) : (meta.prompt ?? { messages: [] }),
        ...(meta.parentId !== undefined && { parentId: meta.parentId }),
        ...(meta.batch !== undefined && { batch: meta.batch }),
      },
      meta.context,
    );

    let result: Result;
    try {
      result = await fn();
    } catch (error) {
      call?.end({ status: 'error', result: EMPTY_RESULT, error, streamed: false });
      throw error;
    }

    if (call) {
      this.guard('record', () => {
        const mapped = meta.map ? meta.map(result) : mapRecordResult(result);
        this.link(result, call.requestId);
        call.attempts = mapped.attempts ?? 1;
        call.end({
          status: 'ok',
          result: {
            response: mapped.response ?? describeResultText(result),
            usage: mapped.usage ?? {},
            ...(mapped.modelReturned !== undefined && { modelReturned: mapped.modelReturned }),
            ...(mapped.providerCostUsd !== undefined && { providerCostUsd: mapped.providerCostUsd }),
          },
          streamed: false,
        });
      });
    }
    return result;
  }

  withContext<T>(context: CallContext<Features>, fn: () => T): T {
    return this.contexts.run(context, fn);
  }

  feedback(requestId: string, signal: string, value?: EditValue | number | string | boolean): void {
    this.guard('feedback', () => {
      if (!new RegExp(SIGNAL_PATTERN).test(signal)) {
        throw new Error(`Invalid feedback signal "${signal}": use lower-case letters, digits, _, . or -.`);
      }

      const context = this.contexts.resolve(this.contexts.capture());
      const event: FeedbackEvent = {
        kind: 'feedback',
        schema_version: SCHEMA_VERSION,
        event_id: uuidv7(),
        request_id: requestId,
        timestamp: utcTimestamp(),
        signal,
        source: 'app',
        context: {
          ...(context.feature !== 'unattributed' && { feature: context.feature }),
          ...(context.user && { user: context.user }),
          ...(context.session && { session: context.session }),
        },
      };

      if (signal === 'edit') {
        event.edit_distance = editDistanceOf(value);
      } else if (value !== undefined && typeof value !== 'object') {
        event.value = value;
      }

      this.#enqueue(event);
    });
  }

  requestIdOf(result: unknown): string | undefined {
    if (typeof result !== 'object' || result === null) return undefined;

    const entry = this.#requestIds.get(result);
    return typeof entry === 'string' ? entry : entry?.requestId;
  }

  flush(): Promise<void> {
    return this.#pipeline.flush();
  }

  async shutdown(): Promise<void> {
    await this.#pipeline.shutdown();
    this.#removeExitHandlers();
  }

  stats(): RecorderStats {
    return this.#counters.snapshot(this.#pipeline.queued);
  }

  /** Starts a model call; returns undefined when capture failed, and the model call goes on unrecorded. */
  startCall(start: CallStart, overrides?: CallContext<Features>): ActiveCall | undefined {
    try {
      const callContext = this.contexts.capture(overrides);
      return new ActiveCall(start, () => this.contexts.resolve(callContext), this.#finishCall);
    } catch (error) {
      this.captureFailed(error, 'capture');
      return undefined;
    }
  }

  /** Remembers which request produced `result`; a holder object is filled in once the id is known. */
  link(result: unknown, requestId: string | { requestId?: string }): void {
    if (typeof result === 'object' && result !== null) this.#requestIds.set(result, requestId);
  }

  /** Runs capture code; a bug in it is counted and reported, never thrown into the model call. */
  guard<T>(where: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      this.captureFailed(error, where);
      return undefined;
    }
  }

  /** Counts and reports an error that capture code caught. */
  captureFailed(error: unknown, where: string): void {
    this.#counters.captureErrors += 1;
    this.#report(error, where);
  }

  /** Queues a finished call; its event is built when the drain takes it, off the call's path. */
  readonly #finishCall: CallFinisher = (call, end, endedAt) => {
    this.#counters.recorded += 1;
    this.#pipeline.enqueue(() => this.#buildEvents(call, end, endedAt));
  };

  /** Builds, prices and redacts the event of a finished call. */
  #buildEvents(call: ActiveCall, end: CallEnd, endedAt: number): TelltaleEvent[] {
    const result = typeof end.result === 'function' ? end.result() : end.result;
    const event = call.toEvent(end, result, endedAt);

    event.cost = this.#pricer.price({
      model: event.model.returned ?? event.model.requested,
      usage: event.usage,
      ...(result.providerCostUsd !== undefined && { providerCostUsd: result.providerCostUsd }),
      ...(call.start.batch !== undefined && { batch: call.start.batch }),
    });
    if (event.cost.usd === null && event.model.returned) {
      const requested = this.#pricer.price({ model: event.model.requested, usage: event.usage });
      if (requested.usd !== null) event.cost = requested;
    }
    if (event.cost.usd === null) this.#counters.unpriced += 1;
    if (event.context.missing?.some((part) => part === 'feature' || part === 'user')) {
      this.#counters.missingContext += 1;
    }

    const text = responseText(event.response);
    this.#redact(event);

    const uncertainty = this.#detectUncertainty(event, text);
    if (!uncertainty) return [event];

    this.#counters.recorded += 1;
    return [event, uncertainty];
  }

  #redact(event: ModelCallEvent): void {
    const redactor = this.#redactor;
    if (!redactor) return;

    const paths: string[] = [];
    event.prompt = redactor.redact(event.prompt, '/prompt', paths);
    event.response = redactor.redact(event.response, '/response', paths);
    if (event.context.state) event.context.state = redactor.redact(event.context.state, '/context/state', paths);
    if (event.outcome.error_message !== undefined) {
      event.outcome.error_message = redactor.redact(event.outcome.error_message, '/outcome/error_message', paths);
    }
    if (paths.length > 0) event.redacted_paths = paths;
  }

  #detectUncertainty(event: ModelCallEvent, text: string): FeedbackEvent | undefined {
    const phrases = findUncertaintyPhrases(text, this.#uncertaintyPhrases);
    if (phrases.length === 0) return undefined;

    const feedback: FeedbackEvent = {
      kind: 'feedback',
      schema_version: SCHEMA_VERSION,
      event_id: uuidv7(),
      request_id: event.request_id,
      timestamp: utcTimestamp(),
      signal: 'uncertainty',
      phrases,
      source: 'recorder',
      context: {
        ...(event.context.feature !== 'unattributed' && { feature: event.context.feature }),
        ...(event.context.user && { user: event.context.user }),
        ...(event.context.session && { session: event.context.session }),
      },
    };
    return feedback;
  }

  #enqueue(event: ModelCallEvent | FeedbackEvent): void {
    this.#counters.recorded += 1;
    this.#pipeline.enqueue(event);
  }
}

function editDistanceOf(value: unknown): number {
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  if (typeof value === 'object' && value !== null && 'original' in value && 'edited' in value) {
    const { original, edited } = value;
    if (typeof original === 'string' && typeof edited === 'string') return normalizedEditDistance(original, edited);
  }
  throw new Error('Invalid edit value: pass { original, edited } strings or a normalized distance between 0 and 1.');
}

function textPrompt(text: string): Prompt {
  return { messages: [{ role: 'user', parts: [{ type: 'text', text }] }] };
}

function responseText(response: Response | null): string {
  if (!response) return '';

  let text = '';
  for (const message of response.messages) {
    for (const part of message.parts) {
      if (part.type === 'text') text += part.text;
    }
  }
  return text;
}

/** Default error reporter: one process warning per kind of failure, so a broken sink cannot flood logs. */
function warnOncePerKind(): ErrorReporter {
  const seen = new Set<string>();
  return (error, where) => {
    const kind = `${where}: ${error instanceof Error ? error.name : typeof error}`;
    if (seen.has(kind)) return;
    seen.add(kind);
    const message = error instanceof Error ? error.message : String(error);
    process.emitWarning(
      `Telltale recorder caught an error in ${where}: ${message} (repeats are counted in stats(), not logged)`,
    );
  };
}

export type { Usage };
