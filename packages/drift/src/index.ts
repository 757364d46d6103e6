export { runDriftCheck, type DriftCheckOptions, type DriftReport } from './check.js';
export { diffSchemas, evaluate, type Acknowledgements, type Change, type CoreVersions, type Finding } from './diff.js';
export { CatalogError, extractCatalog, type CatalogSchema, type FeatureSchema } from './extract.js';
export { canonicalize, type JsonSchema } from './json-schema.js';
export { readJsonLines, type JsonLine } from './jsonl.js';
export {
  DRIFT_FORMATS,
  driftReporters,
  noEventsMessage,
  validationReporters,
  type DriftFormat,
  type Styles,
} from './reporters.js';
export {
  RULES,
  severityOf,
  type CompatibilityMode,
  type Preset,
  type Rule,
  type RuleId,
  type Severity,
} from './rules.js';
export {
  DEFAULT_SNAPSHOT_FILE,
  SNAPSHOT_FORMAT_VERSION,
  SnapshotError,
  readSnapshot,
  writeSnapshot,
  type Snapshot,
} from './snapshot.js';
export { createEventChecker } from './event-check.js';
export {
  validateEventFiles,
  type EventValidationOptions,
  type EventValidationReport,
  type ProblemCategory,
  type ProblemKind,
} from './validate-events.js';
