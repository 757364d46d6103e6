import type { TelltaleEvent } from './validate.js';

/**
 * Where recorded events go: a JSONL file, an OTLP collector, a store. The recorder calls
 * `write` off the model call's path, in batches, and counts every failure. A sink signals a
 * failed delivery by rejecting, so the recorder can spill the batch to disk and replay it.
 *
 * A sink must be idempotent on `request_id` (model calls) and `event_id` (feedback), because a
 * replay after a partial failure can deliver the same event twice.
 */
export interface EventSink {
  /** Short name for logs and stats, such as `jsonl` or `postgres`. */
  readonly name: string;
  /** Delivers a batch; resolves once the events are durable at the destination. */
  write(batch: readonly TelltaleEvent[]): Promise<void>;
  /** Delivers anything the sink buffers itself. */
  flush?(): Promise<void>;
  /** Releases connections and files; called once, after the last write. */
  close?(): Promise<void>;
}
