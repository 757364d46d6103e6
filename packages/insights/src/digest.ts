import type { RollupRow, Store } from '@telltale/store';

import { findCostAnomalies, DEFAULT_COST_ANOMALY_THRESHOLD, ROLLING_DAYS, type CostAnomaly } from './anomaly.js';
import { periodBoundaries } from './attribution.js';
import { findFailingCohorts, type FailingCohort } from './cohorts.js';
import { dayBoundaries, isoWeek, isoWeekOf, shiftWeek, type Period } from './periods.js';
import { findRegressions, type Regression, type RegressionOptions } from './regression.js';
import { DEFAULT_SIGNAL_WEIGHTS, hallucinationSignal, type HallucinationSignal, type SignalWeights } from './signal.js';

export interface DigestOptions {
  /** ISO week such as `2026-W49`; default the last complete week in `timezone`. */
  week?: string;
  /** IANA timezone whose Mondays start the weeks; default UTC. */
  timezone?: string;
  /** Weeks in the trend, the digest week included. */
  trendWeeks?: number;
  /** How many weeks back the comparison baseline lies. */
  baselineWeeksBack?: number;
  weights?: SignalWeights;
  costAnomalyThreshold?: number;
  regression?: RegressionOptions;
  now?: Date;
  /** Called before each step, for progress output. */
  onProgress?: (step: string) => void;
}

/** Totals of a set of calls: the numbers each row of the digest shows. */
export interface Totals {
  calls: number;
  costUsd: number;
  activeUsers: number;
  /** Cost divided by active users; null without users. */
  costPerActiveUserUsd: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  errorRate: number;
  /** Token mix: cached input is part of input, and reasoning part of output, as reported. */
  tokens: { input: number; output: number; cachedInput: number; reasoning: number };
  signal: HallucinationSignal;
}

export interface FeatureSummary {
  feature: string;
  current: Totals;
  baseline: Totals | undefined;
  /** Share of all calls in the digest week. */
  usageShare: number;
}

export interface Digest {
  week: string;
  timezone: string;
  period: Period;
  baselineWeek: string;
  weeks: (Totals & { week: string })[];
  days: { day: string; calls: number; costUsd: number; latencyP95Ms: number | null }[];
  features: FeatureSummary[];
  anomalies: CostAnomaly[];
  regressions: Regression[];
  /** Cohorts in which a feature failed in each of the last three weeks. */
  failingCohorts: FailingCohort[];
  weights: SignalWeights;
}

/** Builds the weekly digest: every figure comes from rollups computed in the store. */
export async function buildDigest(store: Store, options: DigestOptions = {}): Promise<Digest> {
  const timezone = options.timezone ?? 'UTC';
  const now = options.now ?? new Date();
  const week = options.week ?? isoWeekOf(new Date(now.getTime() - 7 * 86_400_000), timezone);
  const period = isoWeek(week, timezone);
  const baselinePeriod = shiftWeek(week, -(options.baselineWeeksBack ?? 2), timezone);
  const weights = options.weights ?? DEFAULT_SIGNAL_WEIGHTS;
  const progress = options.onProgress ?? (() => undefined);
  await store.assertMigrated();

  const trendWeeks = options.trendWeeks ?? 6;
  const weekPeriods = Array.from({ length: trendWeeks }, (_, index) =>
    shiftWeek(week, index - trendWeeks + 1, timezone),
  );
  const history = dayBoundaries(new Date(period.start.getTime() - ROLLING_DAYS * 86_400_000), period.end, timezone);

  // Every rollup below reads calls of this window, so the store joins them with their feedback
  // once, into a window table, instead of once per rollup.
  const windowStart = Math.min(
    weekPeriods[0]?.start.getTime() ?? period.start.getTime(),
    baselinePeriod.start.getTime(),
    history.boundaries[0]?.getTime() ?? period.start.getTime(),
  );
  progress('calls of the digest window');
  const plan: DigestPlan = { week, timezone, period, baselinePeriod, weekPeriods, history, weights, options, progress };
  return store.withWindow({ from: new Date(windowStart), to: period.end }, (windowed) => collectDigest(windowed, plan));
}

interface DigestPlan {
  week: string;
  timezone: string;
  period: Period;
  baselinePeriod: Period;
  weekPeriods: Period[];
  history: ReturnType<typeof dayBoundaries>;
  weights: SignalWeights;
  options: DigestOptions;
  progress: (step: string) => void;
}

/** Runs the digest's rollups; `store` is the view of the digest window. */
async function collectDigest(store: Store, plan: DigestPlan): Promise<Digest> {
  const { week, timezone, period, baselinePeriod, weekPeriods, history, weights, options, progress } = plan;

  progress('weekly trend');
  const weekRows = await store.rollup({
    boundaries: [...weekPeriods.map((weekPeriod) => weekPeriod.start), period.end],
  });
  const weeks = weekPeriods.map((weekPeriod, index) => ({
    week: weekPeriod.label,
    ...totalsOf(
      weekRows.filter((row) => row.bucket === index),
      weights,
    ),
  }));

  progress('daily spend');
  const dailyRows = await store.rollup({ boundaries: history.boundaries, latency: false });
  const weekDays = dayBoundaries(period.start, period.end, timezone);
  const weekDayRows = await store.rollup({ boundaries: weekDays.boundaries });
  const days = weekDays.labels.map((day, index) => {
    const row = weekDayRows.find((candidate) => candidate.bucket === index);
    return { day, calls: row?.calls ?? 0, costUsd: row?.costUsd ?? 0, latencyP95Ms: row?.latencyP95Ms ?? null };
  });

  progress('cost anomalies');
  const threshold = options.costAnomalyThreshold ?? DEFAULT_COST_ANOMALY_THRESHOLD;
  const firstDay = history.labels.length - weekDays.labels.length;
  const dailySeries = () =>
    history.labels.map((day, index) => ({
      day,
      costUsd: dailyRows.filter((row) => row.bucket === index).reduce((sum, row) => sum + row.costUsd, 0),
    }));
  // NOTE: anomalies are checked on total spend only, because a small feature's daily spend is
  // noisy enough to cross the threshold by chance.
  const anomalies = findCostAnomalies(dailySeries(), { threshold, from: firstDay });

  progress('features');
  const featureBoundaries = periodBoundaries(baselinePeriod, period);
  const featureRows = await store.rollup({ boundaries: featureBoundaries, groupBy: ['feature'] });
  const currentBucket = featureBoundaries.length - 2;
  const currentCalls = featureRows
    .filter((row) => row.bucket === currentBucket)
    .reduce((sum, row) => sum + row.calls, 0);
  const features = featureRows
    .filter((row) => row.bucket === currentBucket)
    .map((row) => {
      const baselineRow = featureRows.find(
        (candidate) => candidate.bucket === 0 && candidate.keys.feature === row.keys.feature,
      );
      return {
        feature: row.keys.feature ?? '(none)',
        current: totalsOf([row], weights),
        baseline: baselineRow ? totalsOf([baselineRow], weights) : undefined,
        usageShare: currentCalls === 0 ? 0 : row.calls / currentCalls,
      };
    })
    .sort((a, b) => b.current.calls - a.current.calls);

  progress('regressions and their causes');
  const regressions = await findRegressions(store, baselinePeriod, period, options.regression);

  progress('failing cohorts');
  const failingCohorts = await findFailingCohorts(store, weekPeriods.slice(-3));

  return {
    week,
    timezone,
    period,
    baselineWeek: baselinePeriod.label,
    weeks,
    days,
    features,
    anomalies,
    regressions,
    failingCohorts,
    weights,
  };
}

/**
 * Sums rollup rows into totals. Percentiles are only kept for a single row, since they do not
 * add up. NOTE: active users are summed too, so rows must not share users (one row, or rows of
 * one bucket that were not grouped by a dimension users cross).
 */
export function totalsOf(rows: readonly RollupRow[], weights: SignalWeights = DEFAULT_SIGNAL_WEIGHTS): Totals {
  const calls = rows.reduce((sum, row) => sum + row.calls, 0);
  const costUsd = rows.reduce((sum, row) => sum + row.costUsd, 0);
  const activeUsers = rows.reduce((sum, row) => sum + row.users, 0);
  const errors = rows.reduce((sum, row) => sum + row.errors, 0);
  const single = rows.length === 1 ? rows[0] : undefined;

  return {
    calls,
    costUsd,
    activeUsers,
    costPerActiveUserUsd: activeUsers === 0 ? null : costUsd / activeUsers,
    latencyP50Ms: single?.latencyP50Ms ?? null,
    latencyP95Ms: single?.latencyP95Ms ?? null,
    errorRate: calls === 0 ? 0 : errors / calls,
    tokens: {
      input: rows.reduce((sum, row) => sum + row.inputTokens, 0),
      output: rows.reduce((sum, row) => sum + row.outputTokens, 0),
      cachedInput: rows.reduce((sum, row) => sum + row.cachedInputTokens, 0),
      reasoning: rows.reduce((sum, row) => sum + row.reasoningTokens, 0),
    },
    signal: hallucinationSignal(rows, weights),
  };
}
