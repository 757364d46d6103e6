import { median } from './stats.js';

/** Daily spend this far above the rolling median of the 7 days before counts as an anomaly. */
export const DEFAULT_COST_ANOMALY_THRESHOLD = 0.3;
export const ROLLING_DAYS = 7;

export interface CostAnomaly {
  day: string;
  /** Feature the spend belongs to, or undefined for the total. */
  feature?: string;
  costUsd: number;
  rollingMedianUsd: number;
  /** Spend over the median, as a fraction: 0.4 is 40% above. */
  excess: number;
}

/**
 * Flags the days whose spend exceeds the median of the previous {@link ROLLING_DAYS} days by
 * more than `threshold`. `series` must start {@link ROLLING_DAYS} days before the first day to check.
 */
export function findCostAnomalies(
  series: readonly { day: string; costUsd: number }[],
  options: { threshold?: number; from?: number; feature?: string } = {},
): CostAnomaly[] {
  const threshold = options.threshold ?? DEFAULT_COST_ANOMALY_THRESHOLD;
  const anomalies: CostAnomaly[] = [];

  for (let index = Math.max(ROLLING_DAYS, options.from ?? 0); index < series.length; index += 1) {
    const window = series.slice(index - ROLLING_DAYS, index).map((point) => point.costUsd);
    const rollingMedian = median(window) ?? 0;
    const point = series[index]!;
    if (rollingMedian <= 0) continue;

    const excess = point.costUsd / rollingMedian - 1;
    if (excess > threshold) {
      anomalies.push({
        day: point.day,
        feature: options.feature,
        costUsd: point.costUsd,
        rollingMedianUsd: rollingMedian,
        excess,
      });
    }
  }
  return anomalies;
}
