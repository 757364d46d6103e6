export {
  simulateTraffic,
  SAMPLE_INCIDENTS,
  SIMULATED_FEATURES,
  type Incident,
  type SimulationOptions,
} from './simulate.js';
export {
  DEFAULT_SIGNAL_WEIGHTS,
  SIGNAL_COMPONENTS,
  hallucinationSignal,
  parseSignalWeights,
  type HallucinationSignal,
  type SignalComponent,
  type SignalWeights,
} from './signal.js';
export { dayBoundaries, isoWeek, isoWeekOf, lastDays, shiftWeek, type Period } from './periods.js';
export { normalCdf, twoProportionZTest, median, type ProportionTest } from './stats.js';
export { DEFAULT_COST_ANOMALY_THRESHOLD, findCostAnomalies, type CostAnomaly } from './anomaly.js';
export {
  DEFAULT_MIN_SEGMENT_CALLS,
  attributeChange,
  decompose,
  type Attribution,
  type DimensionAttribution,
  type RateMetric,
  type SegmentChange,
  type SegmentCounts,
} from './attribution.js';
export {
  ATTRIBUTION_DIMENSIONS,
  DEFAULT_REGRESSION_OPTIONS,
  REGRESSION_METRICS,
  findRegressions,
  type Regression,
  type RegressionOptions,
} from './regression.js';
export { findFailingCohorts, type CohortOptions, type FailingCohort } from './cohorts.js';
export { buildDigest, totalsOf, type Digest, type DigestOptions, type FeatureSummary, type Totals } from './digest.js';
export {
  askCompare,
  askCost,
  askLastCalls,
  askLatency,
  askWorstUsers,
  type CompareAnswer,
  type CostAnswer,
  type LatencyAnswer,
  type QuestionOptions,
  type WorstUsersAnswer,
} from './questions.js';
export { renderDigestText, renderDigestMarkdown, renderDigestHtml } from './render.js';
