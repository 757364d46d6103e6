import type { FeedbackEvent, ModelCallEvent, TelltaleEvent } from '@telltale/schema';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { simulateTraffic } from '@telltale/insights';
import { openStore, StoreError, type RollupQuery, type RollupRow, type Store } from '../src/index.js';
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

      const status = await store.migrationStatus();

      expect(first.map((step) => step.id)).toEqual(Array.from({ length: status.latest }, (_, index) => index + 1));
      expect(second).toEqual([]);
      expect(status).toMatchObject({ current: status.latest, pending: [] });
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

    test('window serves the same rollups', async () => {
      const day = (index: number) => new Date(START.getTime() + index * DAY_MS);
      // A feedback event stamped a day before its call counts in a rollup that starts before
      // the event and not in one that starts after it, with or without the window.
      const call = calls.find(
        (event) =>
          event.timestamp >= new Date(START.getTime() + 2.5 * DAY_MS).toISOString() &&
          event.timestamp < day(3).toISOString() &&
          !feedback.some((signal) => signal.request_id === event.request_id && signal.signal === 'thumbs_down'),
      )!;
      const early: FeedbackEvent = {
        ...feedback[0]!,
        event_id: '019a4000-0000-7000-8000-00000000e001',
        request_id: call.request_id,
        timestamp: new Date(Date.parse(call.timestamp) - DAY_MS).toISOString(),
        signal: 'thumbs_down',
      };
      await store.write([early]);
      const thumbsDown = (from: Date, to: Date, events: readonly FeedbackEvent[]) =>
        new Set(
          events
            .filter((event) => event.signal === 'thumbs_down' && event.timestamp >= from.toISOString())
            .map((event) => calls.find((candidate) => candidate.request_id === event.request_id)!)
            .filter(
              (called) =>
                called.context.feature === call.context.feature &&
                called.timestamp >= from.toISOString() &&
                called.timestamp < to.toISOString(),
            )
            .map((called) => called.request_id),
        ).size;

      const queries: RollupQuery[] = [
        { boundaries: [day(0), day(1), day(2), day(3), day(4)] },
        { boundaries: [day(1), day(3)], groupBy: ['feature', 'model'], latency: false },
        { boundaries: [day(2), day(3), day(4)], groupBy: ['feature'] },
        // The same rollup again and without percentiles: the window serves both from its first rows.
        { boundaries: [day(2), day(3), day(4)], groupBy: ['feature'] },
        { boundaries: [day(2), day(3), day(4)], groupBy: ['feature'], latency: false },
        { boundaries: [day(1), day(4)], groupBy: ['state.templateId'], where: { feature: 'draft-email' } },
        { boundaries: [day(1), day(4)], groupBy: ['feature'], heavyEditDistance: 0.2, latency: false },
        { boundaries: [day(0), day(5)], groupBy: ['feature'], latency: false },
      ];
      const direct = await Promise.all(queries.map((query) => store.rollup(query)));
      const directFields = await store.stateFields(day(1), day(3), 'draft-email');
      const directAllFields = await store.stateFields(day(1), day(3));
      const { windowed, fields, allFields } = await store.withWindow({ from: day(0), to: day(4) }, async (view) => ({
        windowed: await Promise.all(queries.map((query) => view.rollup(query))),
        fields: await view.stateFields(day(1), day(3), 'draft-email'),
        allFields: await view.stateFields(day(1), day(3)),
      }));
      const featureSignals = (rows: RollupRow[], bucket: number) =>
        rows
          .filter((row) => row.bucket === bucket && row.keys.feature === call.context.feature)
          .reduce((sum, row) => sum + row.signals.thumbs_down, 0);

      expect(thumbsDown(day(1), day(3), [...feedback, early])).toBe(thumbsDown(day(1), day(3), feedback) + 1);
      expect(featureSignals(windowed[1]!, 0)).toBe(thumbsDown(day(1), day(3), [...feedback, early]));
      expect(featureSignals(windowed[2]!, 0)).toBe(thumbsDown(day(2), day(3), feedback));
      queries.forEach((_, index) => {
        expect(comparable(windowed[index]!)).toEqual(comparable(direct[index]!));
      });
      expect(fields).toEqual(directFields);
      expect(allFields).toEqual(directAllFields);
    });

    test('window from the epoch', async () => {
      const query: RollupQuery = { boundaries: [new Date(0), new Date(START.getTime() + 4 * DAY_MS)] };

      const direct = await store.rollup(query);
      const windowed = await store.withWindow({ from: new Date(0), to: query.boundaries[1]! }, (view) =>
        view.rollup(query),
      );

      expect(comparable(windowed)).toEqual(comparable(direct));
    });

    test('window rejects with the work error', async () => {
      const failure = new Error('work failed');
      const window = { from: START, to: new Date(START.getTime() + DAY_MS) };

      await expect(store.withWindow(window, () => Promise.reject(failure))).rejects.toBe(failure);
      const rows = await store.withWindow(window, (view) =>
        view.rollup({ boundaries: [window.from, window.to], latency: false }),
      );

      expect(rows[0]!.calls).toBe(calls.filter((call) => Date.parse(call.timestamp) < START.getTime() + DAY_MS).length);
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

/** Rollup rows with costs rounded, because ClickHouse may add floats in another order each time. */
function comparable(rows: readonly RollupRow[]): RollupRow[] {
  return rows.map((row) => ({ ...row, costUsd: Math.round(row.costUsd * 1e9) / 1e9 }));
}
