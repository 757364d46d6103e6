import { openStore, type Store } from '@telltale/store';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { TestServer } from '../../store/test/servers.js';
import {
  buildDigest,
  renderDigestHtml,
  renderDigestMarkdown,
  SAMPLE_INCIDENTS,
  simulateTraffic,
  type Digest,
  type Incident,
} from '../src/index.js';

/** Five weeks from Monday 2026-10-26: the digest week is 2026-W48, its baseline 2026-W46. */
export const SCENARIO_START = new Date('2026-10-26T00:00:00Z');
const DAY = 86_400_000;

/**
 * From 2026-11-16 to 2026-11-23 the share of draft-email calls with templateId "apology" grows
 * from 10% to 40%, and those calls are regenerated 16% of the time against 4.5% for the other
 * templates: the feature's regenerate rate rises by about 60%. On the same days its prompt
 * version moves from 3 to 4, which changes nothing. Spend is 40% higher on 2026-11-26 and 20%
 * higher on 2026-11-24. Throughout, summarize-thread fails on claude-sonnet-4 15% of the time
 * against 1% elsewhere.
 */
export const SCENARIO_INCIDENTS: readonly Incident[] = SAMPLE_INCIDENTS;

/** Loads the scenario into a fresh store and checks what the digest finds, for one backend. */
export function describeScenario(backend: string, start: () => Promise<TestServer>): void {
  describe(`digest on ${backend}`, () => {
    let server: TestServer;
    let store: Store;
    let digest: Digest;

    beforeAll(async () => {
      server = await start();
      store = openStore(server.url);
      await store.migrate();
      for (const batch of simulateTraffic({
        start: SCENARIO_START,
        days: 35,
        callsPerDay: 600,
        seed: 42,
        incidents: SCENARIO_INCIDENTS,
      })) {
        await store.write(batch);
      }
      digest = await buildDigest(store, { week: '2026-W48', timezone: 'UTC' });
    });

    afterAll(async () => {
      await store.close();
      await server.stop();
    });

    test('weekly trend covers six weeks', () => {
      expect(digest.weeks.map((week) => week.week)).toEqual([
        '2026-W43',
        '2026-W44',
        '2026-W45',
        '2026-W46',
        '2026-W47',
        '2026-W48',
      ]);
      expect(digest.weeks[0]!.calls).toBe(0);
      expect(digest.weeks[5]!.calls).toBe(7 * 600);
      expect(digest.weeks[5]!.costPerActiveUserUsd).toBeGreaterThan(0);
      expect(digest.weeks[5]!.tokens.input).toBeGreaterThan(digest.weeks[5]!.tokens.output);
      expect(digest.weeks[5]!.latencyP95Ms).toBeGreaterThan(digest.weeks[5]!.latencyP50Ms!);
    });

    test('regenerate regression is flagged', () => {
      const regression = digest.regressions.find(
        (candidate) => candidate.feature === 'draft-email' && candidate.metric === 'regenerate',
      );

      expect(regression).toBeDefined();
      expect(regression!.relativeIncrease).toBeGreaterThan(0.3);
      expect(regression!.relativeIncrease).toBeLessThan(1);
      expect(regression!.z).toBeGreaterThan(3);
    });

    test('regression is attributed to the template', () => {
      const regression = digest.regressions.find(
        (candidate) => candidate.feature === 'draft-email' && candidate.metric === 'regenerate',
      )!;
      const [best] = regression.attribution.dimensions;
      const promptVersion = regression.attribution.dimensions.find(
        (dimension) => dimension.dimension === 'prompt_version',
      )!;

      expect(best!.dimension).toBe('state.templateId');
      expect(best!.top!.value).toBe('apology');
      expect(best!.mixEffect).toBeGreaterThan(best!.rateEffect);
      expect(promptVersion.score).toBeLessThan(0.1);
      expect(best!.score).toBeGreaterThan(promptVersion.score + 0.2);
    });

    test('no regression on untouched features', () => {
      expect(digest.regressions.filter((regression) => regression.feature !== 'draft-email')).toEqual([]);
    });

    test('failing cohorts are found', () => {
      const found = digest.failingCohorts.map(
        (cohort) => `${cohort.feature} ${cohort.dimension}=${cohort.value} ${cohort.metric}`,
      );

      expect(found).toContain('summarize-thread model=claude-sonnet-4 error');
      expect(found).toContain('draft-email state.templateId=apology regenerate');
      expect(digest.failingCohorts.every((cohort) => cohort.periods.length === 3)).toBe(true);
    });

    test('40% spend spike is flagged', () => {
      const spike = digest.anomalies.find((anomaly) => anomaly.day === '2026-11-26');

      expect(spike).toBeDefined();
      expect(spike!.excess).toBeGreaterThan(0.3);
    });

    test('20% spend spike is not flagged', () => {
      expect(digest.anomalies.map((anomaly) => anomaly.day)).not.toContain('2026-11-24');
      expect(digest.anomalies).toHaveLength(1);
    });

    test('renderers name the cause', () => {
      const markdown = renderDigestMarkdown(digest);
      const html = renderDigestHtml(digest);

      expect(markdown).toContain('xychart-beta');
      expect(markdown).toContain('| tokens in / out (cached) |');
      expect(markdown).toContain('Likely cause: state.templateId = apology');
      expect(html).toContain('<svg');
      expect(html).toContain('state.templateId = apology');
      expect(html).not.toMatch(/<script|<link|src="http/);
    });

    test('days of the week follow the timezone', async () => {
      const berlin = await buildDigest(store, { week: '2026-W48', timezone: 'Europe/Berlin' });

      expect(berlin.days.map((day) => day.day)).toEqual([
        '2026-11-23',
        '2026-11-24',
        '2026-11-25',
        '2026-11-26',
        '2026-11-27',
        '2026-11-28',
        '2026-11-29',
      ]);
      expect(berlin.period.start.toISOString()).toBe('2026-11-22T23:00:00.000Z');
      expect(berlin.weeks[5]!.calls).toBeGreaterThan(7 * 600 - 100);
      expect(Date.now()).toBeGreaterThan(SCENARIO_START.getTime() + 35 * DAY);
    });
  });
}
