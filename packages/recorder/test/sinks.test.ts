import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { EventSink, TelltaleEvent } from '@telltale/schema';
import { describe, expect, it } from 'vitest';

import { JsonlSink, OtlpHttpSink } from '../src/index.js';
import { expectValidEvents, tempDir, testRecorder } from './helpers.js';

async function recordCalls(recorder: ReturnType<typeof testRecorder>['recorder'], count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    await recorder.record(
      { provider: 'openai', model: 'gpt-4.1-mini', context: { feature: 'sinks', user: 'u1' } },
      () => ({ text: `answer ${index}`, usage: { prompt_tokens: 10, completion_tokens: 5 } }),
    );
  }
}

describe('JsonlSink', () => {
  it('appends events and rotates by size', async () => {
    const path = join(tempDir('jsonl'), 'events.jsonl');
    const sink = new JsonlSink({ path, maxBytes: 1500, maxFiles: 2 });
    const { recorder } = testRecorder({ sinks: sink, uncertaintyPhrases: false, delivery: { batchSize: 1 } });

    await recordCalls(recorder, 12);
    await recorder.shutdown();

    const files = [path, `${path}.1`, `${path}.2`].filter((file) => existsSync(file));
    const events = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as TelltaleEvent),
    );
    expect(files).toHaveLength(3);
    expect(existsSync(`${path}.3`)).toBe(false);
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(12);
    expectValidEvents(events);
  });
});

describe('OtlpHttpSink', () => {
  it('posts spans with GenAI attributes to the receiver', async () => {
    const bodies: { url: string; body: unknown }[] = [];
    const receiver = createServer((request: IncomingMessage, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        bodies.push({ url: request.url ?? '', body: JSON.parse(text) });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const { recorder } = testRecorder({ sinks: new OtlpHttpSink({ endpoint, serviceName: 'demo' }) });

    try {
      await recordCalls(recorder, 2);
      const requestId = recorder.requestIdOf(
        await recorder.record({ provider: 'openai', model: 'gpt-4.1' }, () => ({ text: 'x' })),
      );
      recorder.feedback(requestId!, 'thumbs_down');
      await recorder.flush();
    } finally {
      receiver.close();
    }

    const traces = bodies.find((entry) => entry.url === '/v1/traces')?.body as {
      resourceSpans: {
        scopeSpans: { spans: { name: string; kind: number; attributes: { key: string; value: unknown }[] }[] }[];
      }[];
    };
    const spans = traces.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    const attributes = Object.fromEntries(spans[0]?.attributes.map((entry) => [entry.key, entry.value]) ?? []);
    expect(spans).toHaveLength(3);
    expect(spans[0]?.name).toBe('chat gpt-4.1-mini');
    expect(spans[0]?.kind).toBe(3);
    expect(attributes['gen_ai.provider.name']).toEqual({ stringValue: 'openai' });
    expect(attributes['gen_ai.usage.input_tokens']).toEqual({ intValue: '10' });
    expect(bodies.some((entry) => entry.url === '/v1/logs')).toBe(true);
    expect(recorder.stats().delivered).toBe(4);
  });

  it('rejects when the receiver answers with an error', async () => {
    const receiver = createServer((_request, response) => response.writeHead(503).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const sink = new OtlpHttpSink({ endpoint: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}` });
    const { recorder } = testRecorder({ sinks: sink });

    try {
      await recordCalls(recorder, 1);
      await recorder.flush();
    } finally {
      receiver.close();
    }

    expect(recorder.stats().failed).toBeGreaterThan(0);
    expect(recorder.stats().spilled).toBe(1);
  });
});

describe('delivery', () => {
  it('drops and counts events past the queue limit', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const blocked: EventSink = { name: 'blocked', write: () => gate };
    const { recorder } = testRecorder({
      sinks: blocked,
      uncertaintyPhrases: false,
      delivery: { batchSize: 2, maxQueue: 3 },
    });

    await recordCalls(recorder, 8);
    const stats = recorder.stats();
    release();
    await recorder.flush();

    expect(stats.droppedByReason.queue_full).toBe(3);
    expect(recorder.stats().delivered).toBe(5);
  });

  it('sends every event to every sink', async () => {
    const first: TelltaleEvent[] = [];
    const second: TelltaleEvent[] = [];
    const sinks: EventSink[] = [
      { name: 'first', write: (batch) => Promise.resolve(void first.push(...batch)) },
      { name: 'second', write: (batch) => Promise.resolve(void second.push(...batch)) },
    ];
    const { recorder } = testRecorder({ sinks });

    await recordCalls(recorder, 3);
    await recorder.flush();

    expect(first).toHaveLength(3);
    expect(second).toEqual(first);
  });
});
