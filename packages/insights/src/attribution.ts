import type { Dimension, RollupRow, Store } from '@telltale/store';

import type { Period } from './periods.js';

/** A rate metric over calls: a feedback signal, or errors. */
export type RateMetric = 'regenerate' | 'heavy_edit' | 'abandon' | 'thumbs_down' | 'uncertainty' | 'error';

/** Segments with fewer calls than this in both periods are pooled into one `(other)` segment. */
export const DEFAULT_MIN_SEGMENT_CALLS = 30;

export interface SegmentChange {
  value: string | null;
  baselineShare: number;
  currentShare: number;
  /** Rate in the baseline; for a segment new in the current period, the overall baseline rate. */
  baselineRate: number;
  currentRate: number;
  /** Part of the overall change from this segment's share moving (mix shift). */
  mixEffect: number;
  /** Part of the overall change from this segment's own rate moving (rate change). */
  rateEffect: number;
}

export interface DimensionAttribution {
  dimension: Dimension;
  /**
   * How much of the change the dimension explains beyond what traffic share alone would give
   * its segments, from 0 to 1. A dimension whose values all moved together (a release or
   * prompt version replaced everywhere at once) scores 0 because it cannot separate cause from
   * coincidence.
   */
  score: number;
  mixEffect: number;
  rateEffect: number;
  /** Segment that contributes most to the change. */
  top: SegmentChange | undefined;
  segments: SegmentChange[];
}

export interface Attribution {
  metric: RateMetric;
  baselineRate: number;
  currentRate: number;
  dimensions: DimensionAttribution[];
}

/** Hits of a rate metric in a rollup row. */
export function metricHits(row: RollupRow, metric: RateMetric): number {
  return metric === 'error' ? row.errors : row.signals[metric];
}

/**
 * Ranks the dimensions by how much of a change of `metric` between two periods each explains,
 * and splits each dimension's share into mix shift and rate change. Runs one grouped rollup per
 * dimension in the store.
 */
export async function attributeChange(
  store: Store,
  input: {
    metric: RateMetric;
    baseline: Period;
    current: Period;
    dimensions: readonly Dimension[];
    where?: Partial<Record<Dimension, string | null>>;
    minSegmentCalls?: number;
  },
): Promise<Attribution> {
  const dimensions: DimensionAttribution[] = [];
  const boundaries = periodBoundaries(input.baseline, input.current);
  let baselineRate = 0;
  let currentRate = 0;

  for (const dimension of input.dimensions) {
    const rows = await store.rollup({ boundaries, groupBy: [dimension], where: input.where, latency: false });
    const segments = new Map<
      string | null,
      { baselineCalls: number; baselineHits: number; currentCalls: number; currentHits: number }
    >();

    for (const row of rows) {
      if (row.bucket === 1 && boundaries.length === 4) continue;
      const value = row.keys[dimension] ?? null;
      const segment = segments.get(value) ?? { baselineCalls: 0, baselineHits: 0, currentCalls: 0, currentHits: 0 };
      if (row.bucket === 0) {
        segment.baselineCalls += row.calls;
        segment.baselineHits += metricHits(row, input.metric);
      } else {
        segment.currentCalls += row.calls;
        segment.currentHits += metricHits(row, input.metric);
      }
      segments.set(value, segment);
    }

    const decomposition = decompose(
      [...segments.entries()].map(([value, counts]) => ({ value, ...counts })),
      input.minSegmentCalls ?? DEFAULT_MIN_SEGMENT_CALLS,
    );
    baselineRate = decomposition.baselineRate;
    currentRate = decomposition.currentRate;
    dimensions.push({ dimension, ...decomposition.result });
  }

  dimensions.sort((a, b) => b.score - a.score);
  return { metric: input.metric, baselineRate, currentRate, dimensions };
}

export interface SegmentCounts {
  value: string | null;
  baselineCalls: number;
  baselineHits: number;
  currentCalls: number;
  currentHits: number;
}

/**
 * Splits the change of an overall rate into per-segment mix and rate effects:
 * mix = (current share − baseline share) × (segment baseline rate − overall baseline rate),
 * rate = current share × (segment current rate − segment baseline rate). They add up to the change.
 */
export function decompose(
  counts: readonly SegmentCounts[],
  minSegmentCalls: number = DEFAULT_MIN_SEGMENT_CALLS,
): { baselineRate: number; currentRate: number; result: Omit<DimensionAttribution, 'dimension'> } {
  const pooled = poolSmallSegments(counts, minSegmentCalls);
  const baselineCalls = pooled.reduce((sum, segment) => sum + segment.baselineCalls, 0);
  const currentCalls = pooled.reduce((sum, segment) => sum + segment.currentCalls, 0);
  const baselineRate =
    baselineCalls === 0 ? 0 : pooled.reduce((sum, segment) => sum + segment.baselineHits, 0) / baselineCalls;
  const currentRate =
    currentCalls === 0 ? 0 : pooled.reduce((sum, segment) => sum + segment.currentHits, 0) / currentCalls;
  const change = currentRate - baselineRate;

  const segments: SegmentChange[] = pooled.map((segment) => {
    const baselineShare = baselineCalls === 0 ? 0 : segment.baselineCalls / baselineCalls;
    const currentShare = currentCalls === 0 ? 0 : segment.currentCalls / currentCalls;
    // A segment too small in the baseline has no rate of its own there, so it takes the overall one.
    const ownBaselineRate =
      segment.baselineCalls >= minSegmentCalls ? segment.baselineHits / segment.baselineCalls : baselineRate;
    const ownCurrentRate = segment.currentCalls > 0 ? segment.currentHits / segment.currentCalls : ownBaselineRate;

    return {
      value: segment.value,
      baselineShare,
      currentShare,
      baselineRate: ownBaselineRate,
      currentRate: ownCurrentRate,
      mixEffect: (currentShare - baselineShare) * (ownBaselineRate - baselineRate),
      rateEffect: currentShare * (ownCurrentRate - ownBaselineRate),
    };
  });

  let score = 0;
  if (change !== 0) {
    for (const segment of segments) {
      const contribution = (segment.mixEffect + segment.rateEffect) / change;
      score += Math.max(0, contribution - segment.currentShare);
    }
  }

  segments.sort((a, b) => Math.abs(b.mixEffect + b.rateEffect) - Math.abs(a.mixEffect + a.rateEffect));
  return {
    baselineRate,
    currentRate,
    result: {
      score: Math.min(1, score),
      mixEffect: segments.reduce((sum, segment) => sum + segment.mixEffect, 0),
      rateEffect: segments.reduce((sum, segment) => sum + segment.rateEffect, 0),
      top: segments[0],
      segments,
    },
  };
}

function poolSmallSegments(counts: readonly SegmentCounts[], minSegmentCalls: number): SegmentCounts[] {
  const kept: SegmentCounts[] = [];
  const other: SegmentCounts = { value: '(other)', baselineCalls: 0, baselineHits: 0, currentCalls: 0, currentHits: 0 };

  for (const segment of counts) {
    if (segment.baselineCalls >= minSegmentCalls || segment.currentCalls >= minSegmentCalls) {
      kept.push(segment);
      continue;
    }
    other.baselineCalls += segment.baselineCalls;
    other.baselineHits += segment.baselineHits;
    other.currentCalls += segment.currentCalls;
    other.currentHits += segment.currentHits;
  }
  if (other.baselineCalls + other.currentCalls > 0) kept.push(other);
  return kept;
}

/** Boundaries for a baseline and a current period: contiguous, or with the gap between as bucket 1. */
export function periodBoundaries(baseline: Period, current: Period): Date[] {
  return baseline.end.getTime() === current.start.getTime()
    ? [baseline.start, baseline.end, current.end]
    : [baseline.start, baseline.end, current.start, current.end];
}
