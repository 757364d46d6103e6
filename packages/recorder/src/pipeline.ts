import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { validateEvent, type EventSink, type TelltaleEvent } from '@telltale/schema';

import { SpillFile, SpillFullError } from './spill.js';
import type { Counters } from './stats.js';

/** Settings of event delivery from the recorder to its sinks. */
export interface DeliveryOptions {
  /** Events per sink write. Default 100. */
  batchSize?: number;
  /** Maximum time an event waits for its batch to fill, in milliseconds. Default 1000. */
  flushIntervalMs?: number;
  /** Events kept in memory at most; further events are dropped and counted. Default 10,000. */
  maxQueue?: number;
  /** Time a sink write may take before it counts as failed and the batch spills, in milliseconds. Default 10,000. */
  writeTimeoutMs?: number;
  /**
   * Directory for batches a sink failed to take, replayed when it recovers; `false` drops them
   * instead. Default `<os tmpdir>/telltale-spill`.
   */
  spillDir?: string | false;
  /** Maximum size of one sink's spill file in bytes. Default 64 MiB. */
  maxSpillBytes?: number;
  /** Checks every event against the event schema before delivery and drops invalid ones. Default true. */
  validate?: boolean;
}

/**
 * A queued event, or a function that builds events later, in the drain. Model calls are built
 * there (priced, redacted, checked for uncertainty) so that work stays off the call's path.
 */
export type QueuedEvent = TelltaleEvent | (() => TelltaleEvent[]);

/** Reports an error that the recorder caught and did not rethrow. */
export type ErrorReporter = (error: unknown, what: string) => void;

const DEFAULTS = {
  batchSize: 100,
  flushIntervalMs: 1000,
  maxQueue: 10_000,
  writeTimeoutMs: 10_000,
  maxSpillBytes: 64 * 1024 * 1024,
};

/** Queues events, delivers them in batches off the model call's path, spills and replays. */
export class Pipeline {
  readonly #channels: Channel[];
  readonly #queue: QueuedEvent[] = [];
  readonly #options: Required<Omit<DeliveryOptions, 'spillDir'>>;
  readonly #counters: Counters;
  readonly #report: ErrorReporter;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  /** The batch taken from the queue: still as queued until it is built, then the events being written. */
  #inFlight: readonly QueuedEvent[] = [];
  #closed = false;

  constructor(sinks: readonly EventSink[], options: DeliveryOptions, counters: Counters, report: ErrorReporter) {
    this.#options = {
      batchSize: options.batchSize ?? DEFAULTS.batchSize,
      flushIntervalMs: options.flushIntervalMs ?? DEFAULTS.flushIntervalMs,
      maxQueue: options.maxQueue ?? DEFAULTS.maxQueue,
      writeTimeoutMs: options.writeTimeoutMs ?? DEFAULTS.writeTimeoutMs,
      maxSpillBytes: options.maxSpillBytes ?? DEFAULTS.maxSpillBytes,
      validate: options.validate ?? true,
    };
    const spillDir = options.spillDir ?? join(tmpdir(), 'telltale-spill');
    this.#counters = counters;
    this.#report = report;
    this.#channels = sinks.map(
      (sink) =>
        new Channel(
          sink,
          spillDir === false ? undefined : new SpillFile(spillDir, sink.name, this.#options.maxSpillBytes),
          this.#options,
          counters,
          report,
        ),
    );
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Adds an event; never blocks and never throws. */
  enqueue(event: QueuedEvent): void {
    if (this.#closed) {
      this.#counters.drop('after_shutdown');
      return;
    }
    if (this.#queue.length >= this.#options.maxQueue) {
      this.#counters.drop('queue_full');
      return;
    }

    this.#queue.push(event);
    if (this.#queue.length >= this.#options.batchSize) {
      this.#startDrain();
    } else {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#startDrain();
      }, this.#options.flushIntervalMs).unref();
    }
  }

  /** Delivers every queued event and replays spilled ones whose sink accepts them again. */
  async flush(): Promise<void> {
    do {
      this.#startDrain();
      await this.#draining;
    } while (this.#queue.length > 0);

    await Promise.all(this.#channels.map((channel) => channel.replay()));
    await Promise.all(this.#channels.map((channel) => channel.flushSink()));
  }

  /** Flushes, then closes the sinks; later events are dropped and counted. */
  async shutdown(): Promise<void> {
    await this.flush();
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await Promise.all(this.#channels.map((channel) => channel.close()));
  }

  /**
   * Writes the queue, and the batch in flight when `includeInFlight` is set, to the spill files
   * synchronously. For the `exit` event and signals, when no async work can finish.
   */
  spillSync(includeInFlight: boolean): void {
    const queued = this.#expand(this.#queue.splice(0));
    const events = includeInFlight ? [...this.#expand(this.#inFlight), ...queued] : queued;
    if (includeInFlight) this.#inFlight = [];
    if (events.length === 0) return;

    for (const channel of this.#channels) channel.spillSync(events);
  }

  /** Resolves once the batch in flight settles, or after `timeoutMs`. */
  async settleInFlight(timeoutMs: number): Promise<boolean> {
    if (!this.#draining) return true;
    return withTimeout(this.#draining, timeoutMs).then(
      () => true,
      () => false,
    );
  }

  #startDrain(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
    });
  }

  /**
   * Delivers the queue batch by batch. A batch leaves the queue at once, so the queue limit
   * counts only waiting events. It is built and validated in a later turn of the event loop,
   * because the drain often starts inside the model call that fills a batch, and that call
   * should not wait while a whole batch of events is built.
   */
  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const queued = this.#queue.splice(0, this.#options.batchSize);
      this.#inFlight = queued;
      await new Promise((resolve) => setImmediate(resolve));

      const batch = this.#validate(this.#expand(queued));
      this.#inFlight = batch;
      if (batch.length > 0) await Promise.all(this.#channels.map((channel) => channel.deliver(batch)));
      this.#inFlight = [];
    }
  }

  #validate(batch: TelltaleEvent[]): TelltaleEvent[] {
    if (!this.#options.validate) return batch;

    return batch.filter((event) => {
      const result = validateEvent(event);
      if (result.valid) return true;

      this.#counters.drop('invalid_event');
      this.#report(new Error(`Invalid ${event.kind} event: ${JSON.stringify(result.issues.slice(0, 3))}`), 'capture');
      return false;
    });
  }

  #expand(items: readonly QueuedEvent[]): TelltaleEvent[] {
    const events: TelltaleEvent[] = [];
    for (const item of items) {
      if (typeof item !== 'function') {
        events.push(item);
        continue;
      }
      try {
        events.push(...item());
      } catch (error) {
        this.#counters.captureErrors += 1;
        this.#report(error, 'capture');
      }
    }
    return events;
  }
}

/** One sink with its spill file. */
class Channel {
  #replaying: Promise<void> | undefined;
  #mayHaveSpill = true;

  constructor(
    private readonly sink: EventSink,
    private readonly spill: SpillFile | undefined,
    private readonly options: Required<Omit<DeliveryOptions, 'spillDir'>>,
    private readonly counters: Counters,
    private readonly report: ErrorReporter,
  ) {}

  async deliver(batch: readonly TelltaleEvent[]): Promise<void> {
    const delivered = await this.#write(batch);
    if (!delivered) {
      await this.#spillBatch(batch);
      return;
    }
    if (this.#mayHaveSpill) await this.replay();
  }

  /** Replays spilled events in batches; stops at the first failure and keeps the rest spilled. */
  replay(): Promise<void> {
    this.#replaying ??= this.#replay().finally(() => {
      this.#replaying = undefined;
    });
    return this.#replaying;
  }

  async flushSink(): Promise<void> {
    try {
      await this.sink.flush?.();
    } catch (error) {
      this.report(error, `flush of sink ${this.sink.name}`);
    }
  }

  async close(): Promise<void> {
    try {
      await this.sink.close?.();
    } catch (error) {
      this.report(error, `close of sink ${this.sink.name}`);
    }
  }

  spillSync(events: readonly TelltaleEvent[]): void {
    if (!this.spill) {
      this.counters.drop('spill_failed', events.length);
      return;
    }
    try {
      this.spill.appendSync(events);
      this.counters.spilled += events.length;
    } catch (error) {
      this.counters.drop('spill_failed', events.length);
      this.report(error, `spill for sink ${this.sink.name}`);
    }
  }

  async #replay(): Promise<void> {
    if (!this.spill) return;

    let taken;
    try {
      taken = await this.spill.take();
    } catch (error) {
      this.report(error, `replay for sink ${this.sink.name}`);
      return;
    }
    this.#mayHaveSpill = false;
    if (!taken) return;

    const { events, files } = taken;
    for (let start = 0; start < events.length; start += this.options.batchSize) {
      const batch = events.slice(start, start + this.options.batchSize);
      if (!(await this.#write(batch))) {
        await this.#respill(events.slice(start));
        break;
      }
      this.counters.replayed += batch.length;
    }
    await this.spill.release(files);
  }

  async #respill(events: TelltaleEvent[]): Promise<void> {
    this.#mayHaveSpill = true;
    try {
      await this.spill!.append(events);
    } catch (error) {
      this.counters.drop(error instanceof SpillFullError ? 'spill_full' : 'spill_failed', events.length);
      this.report(error, `spill for sink ${this.sink.name}`);
    }
  }

  async #write(batch: readonly TelltaleEvent[]): Promise<boolean> {
    try {
      await withTimeout(
        Promise.resolve().then(() => this.sink.write(batch)),
        this.options.writeTimeoutMs,
      );
      this.counters.delivered += batch.length;
      return true;
    } catch (error) {
      this.counters.failed += 1;
      this.report(error, `write to sink ${this.sink.name}`);
      return false;
    }
  }

  async #spillBatch(batch: readonly TelltaleEvent[]): Promise<void> {
    if (!this.spill) {
      this.counters.drop('spill_failed', batch.length);
      return;
    }
    try {
      await this.spill.append(batch);
      this.counters.spilled += batch.length;
      this.#mayHaveSpill = true;
    } catch (error) {
      this.counters.drop(error instanceof SpillFullError ? 'spill_full' : 'spill_failed', batch.length);
      this.report(error, `spill for sink ${this.sink.name}`);
    }
  }
}

/** A sink write took longer than the configured timeout. */
export class SinkTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Sink write timed out after ${timeoutMs} ms; the batch spills and is replayed later.`);
    this.name = 'SinkTimeoutError';
  }
}

/**
 * Rejects after `timeoutMs` unless `promise` settles first. The timer keeps the process alive,
 * so a `flush()` awaited at the end of a script waits out a hung sink instead of exiting early.
 */
function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new SinkTimeoutError(timeoutMs));
    }, timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
