import type { Dimension, RollupRow, Store } from '@telltale/store';

import { metricHits, type RateMetric } from './attribution.js';
import type { Period } from './periods.js';
import { REGRESSION_METRICS } from './regression.js';
import { twoProportionZTest } from './stats.js';

export interface CohortOptions {
  /** Calls a cohort needs in each period before it is tested. */
  minCalls?: number;
  /** z score, against the rest of the feature, that a cohort must reach in every period. */
  minZ?: number;
}

/** A segment of a feature whose rate was above the rest of the feature in every period. */
export interface FailingCohort {
  feature: string;
  dimension: Dimension;
  value: string;
  metric: RateMetric;
  /** Per period: the cohort's rate, the rest of the feature's rate and the z score. */
  periods: { label: string; calls: number; rate: number; restRate: number; z: number }[];
}

/**
 * Finds cohorts (values of the model or of a state field) for which a feature fails
 * consistently: in every one of `periods`, the cohort's error or signal rate is significantly
 * above the rest of the feature's calls. `periods` must be contiguous and in order.
 */
export async function findFailingCohorts(
  store: Store,
  periods: readonly Period[],
  options: CohortOptions = {},
): Promise<FailingCohort[]> {
  const minCalls = options.minCalls ?? 50;
  const minZ = options.minZ ?? 2;
  const first = periods[0];
  const last = periods[periods.length - 1];
  if (!first || !last) return [];

  const boundaries = [...periods.map((period) => period.start), last.end];
  const cohorts: FailingCohort[] = [];

  // The model is compared across all features in one rollup; a state field belongs to one
  // feature, so its rollup is filtered to that feature, which lets the store skip the others.
  const modelRows = await store.rollup({ boundaries, groupBy: ['feature', 'model'], latency: false });
  const features = [
    ...new Set(modelRows.map((row) => row.keys.feature).filter((name): name is string => name !== null)),
  ];
  const queries: { dimension: Dimension; rows: RollupRow[] }[] = [{ dimension: 'model', rows: modelRows }];

  for (const feature of features.sort()) {
    for (const field of await store.stateFields(first.start, last.end, feature)) {
      const dimension = `state.${field}` as const;
      const rows = await store.rollup({
        boundaries,
        groupBy: ['feature', dimension],
        where: { feature },
        latency: false,
      });
      queries.push({ dimension, rows });
    }
  }

  for (const { dimension, rows } of queries) {
    const totals = featureTotals(rows);
    const segments = new Map<string, RollupRow[]>();

    for (const row of rows) {
      const value = row.keys[dimension];
      if (value === null || value === undefined) continue;
      const key = `${row.keys.feature ?? ''}\u0000${value}`;
      segments.set(key, [...(segments.get(key) ?? []), row]);
    }

    for (const [key, segmentRows] of segments) {
      const [feature = '', value = ''] = key.split('\u0000');
      for (const metric of REGRESSION_METRICS) {
        const tested = periods.map((period, bucket) => {
          const row = segmentRows.find((candidate) => candidate.bucket === bucket);
          const total = totals.get(`${feature}\u0000${bucket}`);
          if (!row || !total || row.calls < minCalls) return undefined;

          const restCalls = total.calls - row.calls;
          const restHits = metricHits(total, metric) - metricHits(row, metric);
          if (restCalls < minCalls) return undefined;
          const test = twoProportionZTest(restHits, restCalls, metricHits(row, metric), row.calls);
          return {
            label: period.label,
            calls: row.calls,
            rate: test.currentRate,
            restRate: test.baselineRate,
            z: test.z,
          };
        });

        if (tested.every((result) => result !== undefined && result.z >= minZ)) {
          cohorts.push({ feature, dimension, value, metric, periods: tested as FailingCohort['periods'] });
        }
      }
    }
  }

  return cohorts.sort((a, b) => minOf(b) - minOf(a));
}

function featureTotals(rows: readonly RollupRow[]): Map<string, RollupRow> {
  const totals = new Map<string, RollupRow>();

  for (const row of rows) {
    const key = `${row.keys.feature ?? ''}\u0000${row.bucket}`;
    const total = totals.get(key);
    if (!total) {
      totals.set(key, { ...row, signals: { ...row.signals } });
      continue;
    }
    total.calls += row.calls;
    total.errors += row.errors;
    for (const signal of Object.keys(total.signals) as (keyof RollupRow['signals'])[]) {
      total.signals[signal] += row.signals[signal];
    }
  }
  return totals;
}

function minOf(cohort: FailingCohort): number {
  return Math.min(...cohort.periods.map((period) => period.z));
}
