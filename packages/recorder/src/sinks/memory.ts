import type { EventSink, FeedbackEvent, ModelCallEvent, TelltaleEvent } from '@telltale/schema';

/** Keeps delivered events in memory, for tests and for apps that read them back in-process. */
export class MemorySink implements EventSink {
  readonly name: string;
  readonly events: TelltaleEvent[] = [];

  constructor(name = 'memory') {
    this.name = name;
  }

  write(batch: readonly TelltaleEvent[]): Promise<void> {
    this.events.push(...batch);
    return Promise.resolve();
  }

  get modelCalls(): ModelCallEvent[] {
    return this.events.filter((event): event is ModelCallEvent => event.kind === 'model_call');
  }

  get feedback(): FeedbackEvent[] {
    return this.events.filter((event): event is FeedbackEvent => event.kind === 'feedback');
  }

  clear(): void {
    this.events.length = 0;
  }
}
