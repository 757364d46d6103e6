import { describe, expect, test } from 'vitest';

import {
  decompose,
  findCostAnomalies,
  hallucinationSignal,
  isoWeek,
  isoWeekOf,
  normalCdf,
  parseSignalWeights,
  shiftWeek,
  twoProportionZTest,
  dayBoundaries,
} from '../src/index.js';

const HOUR = 3_600_000;

describe('ISO weeks', () => {
  test('week with a DST change lasts 169 hours', () => {
    // Europe/Berlin leaves summer time on Sunday 2026-10-25, inside ISO week 43.
    const week = isoWeek('2026-W43', 'Europe/Berlin');

    expect(week.start.toISOString()).toBe('2026-10-18T22:00:00.000Z');
    expect(week.end.toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect((week.end.getTime() - week.start.getTime()) / HOUR).toBe(169);
  });

  test('spring change shortens the week', () => {
    const week = isoWeek('2026-W13', 'Europe/Berlin');

    expect((week.end.getTime() - week.start.getTime()) / HOUR).toBe(167);
  });

  test('days across a DST change', () => {
    const week = isoWeek('2026-W43', 'Europe/Berlin');
    const { boundaries, labels } = dayBoundaries(week.start, week.end, 'Europe/Berlin');

    expect(labels).toEqual([
      '2026-10-19',
      '2026-10-20',
      '2026-10-21',
      '2026-10-22',
      '2026-10-23',
      '2026-10-24',
      '2026-10-25',
    ]);
    expect((boundaries[7]!.getTime() - boundaries[6]!.getTime()) / HOUR).toBe(25);
  });

  test('week 53 and year boundaries', () => {
    expect(isoWeekOf(new Date('2027-01-01T12:00:00Z'), 'UTC')).toBe('2026-W53');
    expect(shiftWeek('2027-W01', -2, 'UTC').label).toBe('2026-W52');
  });

  test('invalid input is rejected', () => {
    expect(() => isoWeek('2026-49', 'UTC')).toThrow(/use the form 2026-W49/);
    expect(() => isoWeek('2025-W53', 'UTC')).toThrow(/has no week 53/);
    expect(() => isoWeek('2026-W10', 'Mars/Olympus')).toThrow(/unknown timezone/);
  });
});

describe('statistics', () => {
  test('normal CDF matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-3)).toBeCloseTo(0.00135, 5);
  });

  test('z-test on a clear rise', () => {
    const result = twoProportionZTest(50, 1000, 90, 1000);

    // Pooled rate 0.07, standard error sqrt(0.07 × 0.93 × 2 / 1000) = 0.011411, so z = 0.04 / 0.011411.
    expect(result.z).toBeCloseTo(3.5055, 3);
    expect(result.pValue).toBeLessThan(0.001);
  });

  test('z-test on tiny volume stays quiet', () => {
    expect(twoProportionZTest(1, 20, 3, 20).z).toBeLessThan(3);
  });
});

describe('attribution', () => {
  test('mix shift and rate change add up', () => {
    const result = decompose(
      [
        { value: 'a', baselineCalls: 900, baselineHits: 45, currentCalls: 600, currentHits: 30 },
        { value: 'b', baselineCalls: 100, baselineHits: 20, currentCalls: 400, currentHits: 80 },
      ],
      10,
    );

    expect(result.result.mixEffect + result.result.rateEffect).toBeCloseTo(
      result.currentRate - result.baselineRate,
      12,
    );
    expect(result.result.rateEffect).toBeCloseTo(0, 12);
    expect(result.result.top!.value).toBe('b');
    expect(result.result.score).toBeGreaterThan(0.4);
  });

  test('values replaced together score zero', () => {
    const result = decompose(
      [
        { value: 'v3', baselineCalls: 1000, baselineHits: 50, currentCalls: 0, currentHits: 0 },
        { value: 'v4', baselineCalls: 0, baselineHits: 0, currentCalls: 1000, currentHits: 90 },
      ],
      10,
    );

    expect(result.result.score).toBe(0);
  });

  test('a segment that got worse explains a rate change', () => {
    const result = decompose(
      [
        { value: 'gpt', baselineCalls: 700, baselineHits: 35, currentCalls: 700, currentHits: 35 },
        { value: 'claude', baselineCalls: 300, baselineHits: 15, currentCalls: 300, currentHits: 60 },
      ],
      10,
    );

    expect(result.result.top!.value).toBe('claude');
    expect(result.result.rateEffect).toBeCloseTo(0.045, 9);
    expect(result.result.score).toBeCloseTo(0.7, 9);
  });
});

describe('cost anomalies', () => {
  const flat = Array.from({ length: 7 }, (_, index) => ({ day: `2026-11-0${index + 1}`, costUsd: 100 }));

  test('40% above the median is flagged', () => {
    const anomalies = findCostAnomalies([...flat, { day: '2026-11-08', costUsd: 140 }]);

    expect(anomalies).toHaveLength(1);
    expect(anomalies[0]!.excess).toBeCloseTo(0.4, 9);
  });

  test('20% above the median is not', () => {
    expect(findCostAnomalies([...flat, { day: '2026-11-08', costUsd: 120 }])).toEqual([]);
  });
});

describe('hallucination signal', () => {
  test('components and weights are shown', () => {
    const signals = {
      regenerate: 10,
      edit: 0,
      heavy_edit: 0,
      abandon: 0,
      thumbs_up: 0,
      thumbs_down: 10,
      uncertainty: 0,
    };
    const signal = hallucinationSignal([{ calls: 100, signals }]);

    expect(signal.components.regenerate).toEqual({ count: 10, rate: 0.1, weight: 1 });
    expect(signal.value).toBeCloseTo((0.1 + 0.1) / 3.75, 12);
  });

  test('weights are validated', () => {
    expect(parseSignalWeights({ regenerate: 2 }).regenerate).toBe(2);
    expect(() => parseSignalWeights({ regenrate: 1 })).toThrow(/unknown signal weight "regenrate"/);
    expect(() => parseSignalWeights({ abandon: -1 })).toThrow(/invalid weight for abandon/);
  });
});
