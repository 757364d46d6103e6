import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  modelCallValidator,
  validateEvent,
  type FeatureCatalog,
  type ModelCallEvent,
  type TelltaleEvent,
} from '@telltale/schema';
import { expect } from 'vitest';

import { createRecorder, MemorySink, type Recorder, type RecorderOptions } from '../src/index.js';

export interface TestRecorder<Features extends FeatureCatalog> {
  recorder: Recorder<Features>;
  sink: MemorySink;
  /** Flushes and returns the model call events delivered so far. */
  modelCalls: () => Promise<ModelCallEvent[]>;
  errors: unknown[];
}

/** A recorder with a memory sink, a private spill directory and no process handlers. */
export function testRecorder<Features extends FeatureCatalog = FeatureCatalog>(
  options: Partial<RecorderOptions> = {},
): TestRecorder<Features> {
  const sink = new MemorySink();
  const errors: unknown[] = [];
  const recorder = createRecorder<Features>({
    sinks: sink,
    exitHandlers: false,
    onError: (error) => errors.push(error),
    ...options,
    delivery: { spillDir: tempDir('spill'), ...options.delivery },
  });

  return {
    recorder,
    sink,
    errors,
    modelCalls: async () => {
      await recorder.flush();
      return sink.modelCalls;
    },
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `telltale-${prefix}-`));
}

/** Asserts that every event passes the schema validators, naming the first issue otherwise. */
export function expectValidEvents(events: readonly TelltaleEvent[]): void {
  for (const event of events) {
    const result = validateEvent(event);
    expect(result.valid ? [] : result.issues, `${event.kind} ${JSON.stringify(event).slice(0, 300)}`).toEqual([]);
    if (event.kind === 'model_call') expect(modelCallValidator.check(event)).toBe(true);
  }
}
