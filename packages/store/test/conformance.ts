import type { FeedbackEvent, ModelCallEvent, TelltaleEvent } from '@telltale/schema';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { simulateTraffic } from '@telltale/insights';
import { openStore, StoreError, type Store } from '../src/index.js';
import type { TestServer } from './servers.js';

const START = new Date('2026-11-02T00:00:00Z');
const DAY_MS = 86_400_000;

/** The events every backend receives: four days of simulated traffic. */
function conformanceEvents(): TelltaleEvent[] {
  return [...simulateTraffic({ start: START, days: 4, callsPerDay: 250, seed: 7, batchSize: 400 })].flat();
}

/**
 * The store contract, run unchanged against every backend: migrations, idempotent batched
 * writes, rollups pushed into SQL, last calls, state fields, retention and clear errors.
 */
export function describeStoreConformance(
  backend: string,
  start: () => Promise<TestServer>,
  unreachableUrl: () => Promise<string>,
): void {
  describe(`${backend} store`, () => {
    let server: TestServer;
    let store: Store;
    const events = conformanceEvents();
    const calls = events.filter((event): event is ModelCallEvent => event.kind === 'model_call');
    const feedback = events.filter((event): event is FeedbackEvent => event.kind === 'feedback');

    beforeAll(async () => {
      server = await start();
      store = openStore(server.url);
    });

    afterAll(async () => {
      await store.close();
      await server.stop();
    });

    test('rejects use before migrate', async () => {
      const error = await store.assertMigrated().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain('telltale store migrate');
      expect((error as Error).message).not.toContain('secret-password');
    });

    test('migrate applies each step once', async () => {
      const first = await store.migrate();
      const second = await store.migrate();

      expect(first.map((step) => step.id)).toEqual([1]);
      expect(second).toEqual([]);
      expect(await store.migrationStatus()).toMatchObject({ current: 1, latest: 1, pending: [] });
    });

    test('replayed batches never double-count', async () => {
      for (let start = 0; start < events.length; start += 500) await store.write(events.slice(start, start + 500));
      await store.write(events.slice(0, 700));
      await store.write(events.slice(-300));

      expect(await store.count()).toEqual({ calls: calls.length, feedback: feedback.length });
    });

    test('daily rollup matches the events', async () => {
      const boundaries = [0, 1, 2, 3, 4].map((day) => new Date(START.getTime() + day * DAY_MS));
      const rows = await store.rollup({ boundaries });

      expect(rows.map((row) => row.bucket)).toEqual([0, 1, 2, 3]);
      for (const row of rows) {
        const dayCalls = calls.filter(
          (call) => Math.floor((Date.parse(call.timestamp) - START.getTime()) / DAY_MS) === row.bucket,
        );
        const ids = new Set(dayCalls.map((call) => call.request_id));
        const signalled = (signal: string) =>
          new Set(
            feedback
              .filter((event) => event.signal === signal && ids.has(event.request_id))
              .map((event) => event.request_id),
          ).size;

        expect(row.calls).toBe(dayCalls.length);
        expect(row.errors).toBe(dayCalls.filter((call) => call.outcome.status === 'error').length);
        expect(row.pricedCalls).toBe(dayCalls.filter((call) => call.cost.usd !== null).length);
        expect(row.costUsd).toBeCloseTo(
          dayCalls.reduce((sum, call) => sum + (call.cost.usd ?? 0), 0),
          9,
        );
        expect(row.inputTokens).toBe(dayCalls.reduce((sum, call) => sum + (call.usage.input_tokens ?? 0), 0));
        expect(row.users).toBe(new Set(dayCalls.map((call) => call.context.user?.id)).size);
        expect(row.signals.regenerate).toBe(signalled('regenerate'));
        expect(row.signals.thumbs_down).toBe(signalled('thumbs_down'));
        expect(row.signals.heavy_edit).toBe(
          new Set(
            feedback
              .filter(
                (event) => event.signal === 'edit' && (event.edit_distance ?? 0) >= 0.5 && ids.has(event.request_id),
              )
              .map((event) => event.request_id),
          ).size,
        );
      }
    });

    test('percentiles are nearest-rank latencies', async () => {
      const rows = await store.rollup({ boundaries: [START, new Date(START.getTime() + 4 * DAY_MS)] });
      const sorted = calls.map((call) => call.latency.total_ms).sort((a, b) => a - b);
      const rank = (fraction: number) => sorted[Math.ceil(fraction * sorted.length) - 1]!;

      // ClickHouse's quantileExact may pick the neighbouring rank, so allow one step either way.
      const near = (value: number | null, fraction: number) => {
        const index = Math.ceil(fraction * sorted.length) - 1;
        return [sorted[index - 1], sorted[index], sorted[index + 1]].includes(value ?? Number.NaN);
      };
      expect(near(rows[0]!.latencyP50Ms, 0.5)).toBe(true);
      expect(near(rows[0]!.latencyP95Ms, 0.95)).toBe(true);
      expect(rank(0.5)).toBeGreaterThan(0);
    });

    test('groups by a state field with a filter', async () => {
      const rows = await store.rollup({
        boundaries: [START, new Date(START.getTime() + 4 * DAY_MS)],
        groupBy: ['state.templateId', 'model'],
        where: { feature: 'draft-email' },
        latency: false,
      });
      const expected = new Map<string, number>();
      for (const call of calls.filter((event) => event.context.feature === 'draft-email')) {
        const key = `${String(call.context.state?.templateId)}|${call.model.requested}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }

      expect(rows.length).toBe(expected.size);
      for (const row of rows) {
        expect(row.calls).toBe(expected.get(`${row.keys['state.templateId']}|${row.keys.model}`));
        expect(row.latencyP50Ms).toBeNull();
      }
    });

    test('absent dimensions group as null', async () => {
      const rows = await store.rollup({
        boundaries: [START, new Date(START.getTime() + 4 * DAY_MS)],
        groupBy: ['state.channel'],
        where: { feature: 'draft-email' },
      });

      expect(rows).toHaveLength(1);
      expect(rows[0]!.keys['state.channel']).toBeNull();
    });

    test('last calls return prompt and response', async () => {
      const last = await store.lastCalls({ feature: 'support-reply', limit: 10 });
      const expected = calls
        .filter((call) => call.context.feature === 'support-reply')
        .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
        .slice(0, 10);

      expect(last.map((call) => call.requestId)).toEqual(expected.map((call) => call.request_id));
      expect(last[0]!.prompt).toEqual(expected[0]!.prompt);
      expect(last[0]!.response).toEqual(expected[0]!.response);
      expect(last[0]!.costUsd).toBe(expected[0]!.cost.usd);
    });

    test('state fields are discovered', async () => {
      const fields = await store.stateFields(START, new Date(START.getTime() + 4 * DAY_MS), 'draft-email');

      expect(fields).toEqual(['templateId']);
    });

    test('retention drops old days', async () => {
      const now = new Date(START.getTime() + 32 * DAY_MS);
      const dropped = await store.applyRetention(30, now);
      const remaining = calls.filter((call) => call.timestamp >= '2026-11-04').length;

      expect(dropped.length).toBeGreaterThan(0);
      expect((await store.count()).calls).toBe(remaining);
    });

    test('unreachable server names the URL and the fix', async () => {
      const url = await unreachableUrl();
      const unreachable = openStore(url);
      const error = await unreachable.migrate().catch((caught: unknown) => caught);
      await unreachable.close().catch(() => undefined);

      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toMatch(/cannot (connect|open)/);
      expect((error as Error).message).not.toContain('secret-password');
      expect((error as Error).message).toMatch(/check/i);
    });
  });
}
