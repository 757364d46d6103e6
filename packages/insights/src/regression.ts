import type { Dimension, Store } from '@telltale/store';

import { attributeChange, metricHits, periodBoundaries, type Attribution, type RateMetric } from './attribution.js';
import type { Period } from './periods.js';
import { twoProportionZTest } from './stats.js';

export const REGRESSION_METRICS: readonly RateMetric[] = [
  'regenerate',
  'heavy_edit',
  'abandon',
  'thumbs_down',
  'uncertainty',
  'error',
];

export interface RegressionOptions {
  /** Calls each period needs before a feature's rates are tested, so small features do not alarm. */
  minCalls?: number;
  /** One-sided z score a rise must reach; 3 is a p-value of about 0.0013. */
  minZ?: number;
  /** Smallest relative rise worth reporting: 0.2 is 20% above the baseline rate. */
  minRelativeIncrease?: number;
}

export const DEFAULT_REGRESSION_OPTIONS: Required<RegressionOptions> = {
  minCalls: 200,
  minZ: 3,
  minRelativeIncrease: 0.2,
};

export interface Regression {
  feature: string;
  metric: RateMetric;
  baselineCalls: number;
  currentCalls: number;
  baselineRate: number;
  currentRate: number;
  relativeIncrease: number;
  z: number;
  pValue: number;
  /** Dimensions ranked by how much of the rise each explains. */
  attribution: Attribution;
}

/** Fixed dimensions tried for attribution within a feature; its state fields are added to them. */
export const ATTRIBUTION_DIMENSIONS: readonly Dimension[] = [
  'model',
  'provider',
  'release',
  'environment',
  'template',
  'prompt_version',
];

/**
 * Finds features whose signal or error rates rose significantly from `baseline` to `current`,
 * and attributes each rise to the dimensions that explain it.
 */
export async function findRegressions(
  store: Store,
  baseline: Period,
  current: Period,
  options: RegressionOptions = {},
): Promise<Regression[]> {
  const settings = { ...DEFAULT_REGRESSION_OPTIONS, ...options };
  const boundaries = periodBoundaries(baseline, current);
  const currentBucket = boundaries.length - 2;
  const rows = await store.rollup({ boundaries, groupBy: ['feature'], latency: false });
  const regressions: Regression[] = [];

  const features = [
    ...new Set(rows.map((row) => row.keys.feature).filter((feature): feature is string => feature !== null)),
  ].sort();
  for (const feature of features) {
    const before = rows.find((row) => row.keys.feature === feature && row.bucket === 0);
    const after = rows.find((row) => row.keys.feature === feature && row.bucket === currentBucket);
    if (!before || !after || before.calls < settings.minCalls || after.calls < settings.minCalls) continue;

    for (const metric of REGRESSION_METRICS) {
      const test = twoProportionZTest(metricHits(before, metric), before.calls, metricHits(after, metric), after.calls);
      const relativeIncrease =
        test.baselineRate === 0 ? Number.POSITIVE_INFINITY : test.currentRate / test.baselineRate - 1;
      if (test.z < settings.minZ || relativeIncrease < settings.minRelativeIncrease) continue;

      const stateFields = await store.stateFields(baseline.start, current.end, feature);
      const attribution = await attributeChange(store, {
        metric,
        baseline,
        current,
        dimensions: [...ATTRIBUTION_DIMENSIONS, ...stateFields.map((field) => `state.${field}` as const)],
        where: { feature },
      });

      regressions.push({
        feature,
        metric,
        baselineCalls: before.calls,
        currentCalls: after.calls,
        baselineRate: test.baselineRate,
        currentRate: test.currentRate,
        relativeIncrease,
        z: test.z,
        pValue: test.pValue,
        attribution,
      });
    }
  }

  return regressions.sort((a, b) => b.z - a.z);
}
