/** Reason an event was dropped instead of delivered. */
export type DropReason = 'queue_full' | 'spill_failed' | 'spill_full' | 'invalid_event' | 'after_shutdown';

/** Counters of one recorder since it was created. */
export interface RecorderStats {
  /** Events the recorder produced: model calls and feedback. */
  recorded: number;
  /** Deliveries a sink confirmed, including replays from the spill directory. */
  delivered: number;
  /** Deliveries written to the spill directory after a sink failed or timed out. */
  spilled: number;
  /** Spilled deliveries later replayed to their sink. */
  replayed: number;
  /** Events given up, with the reason for each. */
  dropped: number;
  droppedByReason: Partial<Record<DropReason, number>>;
  /** Failed sink writes (rejections and timeouts); each failed batch spills. */
  failed: number;
  /** Bugs caught in capture: the model call went on, its event may be incomplete or missing. */
  captureErrors: number;
  /** Model calls recorded without a feature or a user. */
  missingContext: number;
  /** Model calls whose cost is null. */
  unpriced: number;
  /** Events waiting in memory for their batch. */
  queued: number;
}

/**
 * Mutable counters. With several sinks, delivered, spilled, replayed and failed count
 * deliveries, one per event and sink.
 */
export class Counters {
  recorded = 0;
  delivered = 0;
  spilled = 0;
  replayed = 0;
  failed = 0;
  captureErrors = 0;
  missingContext = 0;
  unpriced = 0;
  readonly droppedByReason: Partial<Record<DropReason, number>> = {};

  drop(reason: DropReason, count = 1): void {
    this.droppedByReason[reason] = (this.droppedByReason[reason] ?? 0) + count;
  }

  snapshot(queued: number): RecorderStats {
    const dropped = Object.values(this.droppedByReason).reduce((sum, count) => sum + count, 0);
    return {
      recorded: this.recorded,
      delivered: this.delivered,
      spilled: this.spilled,
      replayed: this.replayed,
      dropped,
      droppedByReason: { ...this.droppedByReason },
      failed: this.failed,
      captureErrors: this.captureErrors,
      missingContext: this.missingContext,
      unpriced: this.unpriced,
      queued,
    };
  }
}
