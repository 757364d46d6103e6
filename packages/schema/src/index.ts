export { SCHEMA_MAJOR, SCHEMA_VERSION } from './version.js';
export { ContextPart, UNATTRIBUTED_FEATURE, UTC_TIMESTAMP_PATTERN, UUID_V7_PATTERN, UserRef } from './common.js';
export * from './model-call.js';
export { BUILT_IN_SIGNALS, FeedbackEvent, SIGNAL_PATTERN, type BuiltInSignal } from './feedback.js';
export {
  MAX_ISSUES,
  createSchemaValidator,
  describeValue,
  feedbackValidator,
  formatIssues,
  modelCallValidator,
  validateEvent,
  type EventValidator,
  type TelltaleEvent,
  type ValidationIssue,
  type ValidationResult,
} from './validate.js';
export * from './features.js';
export {
  OTEL_GENAI_SEMCONV_VERSION,
  otelOperationName,
  otelSpanName,
  toOtelAttributes,
  type OtelAttributeValue,
  type OtelAttributes,
  type OtelMappingOptions,
} from './otel.js';
export { JSON_SCHEMA_DIALECT, SCHEMA_FILES, jsonSchemaOf } from './json-schema.js';
export { uuidv7, utcTimestamp } from './ids.js';
export type { EventSink } from './sink.js';
