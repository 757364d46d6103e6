import type { Dimension, Store, StoredCall } from '@telltale/store';

import { periodBoundaries } from './attribution.js';
import { totalsOf, type Totals } from './digest.js';
import { dayBoundaries, lastDays, type Period } from './periods.js';
import { findRegressions, type Regression, type RegressionOptions } from './regression.js';
import { DEFAULT_SIGNAL_WEIGHTS, hallucinationSignal, type HallucinationSignal, type SignalWeights } from './signal.js';

/** Options the five questions share. */
export interface QuestionOptions {
  feature?: string;
  /** Whole days before today, in `timezone`. */
  days?: number;
  timezone?: string;
  now?: Date;
  weights?: SignalWeights;
}

/** Question 1: the prompt and response of the last calls of a feature. */
export async function askLastCalls(store: Store, options: QuestionOptions & { limit?: number }): Promise<StoredCall[]> {
  return store.lastCalls({ feature: options.feature, limit: options.limit ?? 10, before: options.now });
}

export interface LatencyAnswer {
  period: Period;
  features: { feature: string; calls: number; latencyP50Ms: number | null; latencyP95Ms: number | null }[];
}

/** Question 2: median and p95 latency per feature over the last days. */
export async function askLatency(store: Store, options: QuestionOptions): Promise<LatencyAnswer> {
  const period = periodOf(options);
  const rows = await store.rollup({
    boundaries: [period.start, period.end],
    groupBy: ['feature'],
    where: options.feature === undefined ? undefined : { feature: options.feature },
  });

  return {
    period,
    features: rows.map((row) => ({
      feature: row.keys.feature ?? '(none)',
      calls: row.calls,
      latencyP50Ms: row.latencyP50Ms,
      latencyP95Ms: row.latencyP95Ms,
    })),
  };
}

export interface CostAnswer {
  period: Period;
  by: Dimension;
  days: string[];
  /** Daily cost per value of `by`, aligned with `days`. */
  series: { value: string; costUsd: number[]; totalUsd: number }[];
}

/** Question 3: daily cost by model (or another dimension) over the last days. */
export async function askCost(store: Store, options: QuestionOptions & { by?: Dimension }): Promise<CostAnswer> {
  const period = periodOf(options);
  const by = options.by ?? 'model';
  const { boundaries, labels } = dayBoundaries(period.start, period.end, options.timezone ?? 'UTC');
  const rows = await store.rollup({
    boundaries,
    groupBy: [by],
    where: options.feature === undefined ? undefined : { feature: options.feature },
    latency: false,
  });

  const values = [...new Set(rows.map((row) => row.keys[by] ?? '(none)'))].sort();
  const series = values.map((value) => {
    const costUsd = labels.map((_, index) =>
      rows
        .filter((row) => row.bucket === index && (row.keys[by] ?? '(none)') === value)
        .reduce((sum, row) => sum + row.costUsd, 0),
    );
    return { value, costUsd, totalUsd: costUsd.reduce((sum, cost) => sum + cost, 0) };
  });

  return { period, by, days: labels, series: series.sort((a, b) => b.totalUsd - a.totalUsd) };
}

export interface WorstUsersAnswer {
  period: Period;
  minCalls: number;
  users: { user: string; calls: number; signal: HallucinationSignal }[];
}

/** Question 4: the users with the highest hallucination signal, among users with enough calls. */
export async function askWorstUsers(
  store: Store,
  options: QuestionOptions & { limit?: number; minCalls?: number },
): Promise<WorstUsersAnswer> {
  const period = periodOf(options);
  const minCalls = options.minCalls ?? 5;
  const rows = await store.rollup({
    boundaries: [period.start, period.end],
    groupBy: ['user'],
    where: options.feature === undefined ? undefined : { feature: options.feature },
    latency: false,
  });

  const users = rows
    .filter((row) => row.keys.user !== null && row.calls >= minCalls)
    .map((row) => ({
      user: row.keys.user!,
      calls: row.calls,
      signal: hallucinationSignal([row], options.weights ?? DEFAULT_SIGNAL_WEIGHTS),
    }))
    .sort((a, b) => b.signal.value - a.signal.value || b.calls - a.calls)
    .slice(0, options.limit ?? 10);

  return { period, minCalls, users };
}

export interface CompareAnswer {
  current: Period;
  baseline: Period;
  features: { feature: string; current: Totals | undefined; baseline: Totals | undefined }[];
  regressions: Regression[];
}

/** Question 5: the last days against the same number of days two weeks earlier, with regressions. */
export async function askCompare(
  store: Store,
  options: QuestionOptions & { weeksBack?: number; regression?: RegressionOptions },
): Promise<CompareAnswer> {
  const current = periodOf(options);
  const shiftMs = (options.weeksBack ?? 2) * 7 * 86_400_000;
  const baseline: Period = {
    label: 'baseline',
    start: new Date(current.start.getTime() - shiftMs),
    end: new Date(current.end.getTime() - shiftMs),
  };
  const boundaries = periodBoundaries(baseline, current);
  const rows = await store.rollup({
    boundaries,
    groupBy: ['feature'],
    where: options.feature === undefined ? undefined : { feature: options.feature },
  });

  const currentBucket = boundaries.length - 2;
  const weights = options.weights ?? DEFAULT_SIGNAL_WEIGHTS;
  const names = [...new Set(rows.map((row) => row.keys.feature ?? '(none)'))].sort();
  const features = names.map((feature) => {
    const pick = (bucket: number) =>
      rows.filter((row) => row.bucket === bucket && (row.keys.feature ?? '(none)') === feature);
    const before = pick(0);
    const after = pick(currentBucket);
    return {
      feature,
      current: after.length > 0 ? totalsOf(after, weights) : undefined,
      baseline: before.length > 0 ? totalsOf(before, weights) : undefined,
    };
  });

  const regressions = (await findRegressions(store, baseline, current, options.regression)).filter(
    (regression) => options.feature === undefined || regression.feature === options.feature,
  );
  return { current, baseline, features, regressions };
}

function periodOf(options: QuestionOptions): Period {
  return lastDays(options.days ?? 7, options.timezone ?? 'UTC', options.now);
}
