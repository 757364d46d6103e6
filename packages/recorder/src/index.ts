export { createRecorder, type EditValue, type Recorder, type RecorderOptions, type RecordMeta } from './recorder.js';
export { pseudonymize, type CallContext, type ContextOptions } from './context.js';
export { INSTRUMENTED, isInstrumented, type Instrumented } from './instrument/index.js';
export { DEFAULT_UNCERTAINTY_PHRASES, findUncertaintyPhrases, normalizedEditDistance } from './feedback.js';
export {
  BUILT_IN_DETECTORS,
  Redactor,
  isLuhnValid,
  type CustomRedactor,
  type DetectorName,
  type RedactionOptions,
} from './redaction.js';
export {
  DEFAULT_PRICE_TABLE,
  Pricer,
  lookup as lookupPrice,
  type ModelPrice,
  type PriceTable,
  type PriceTier,
  type PricingInput,
} from './pricing/price-table.js';
export { importLiteLlmPrices, type LiteLlmModelEntry } from './pricing/litellm.js';
export { mapRecordResult, readUsage, type RecordResultMapping } from './record.js';
export type { DeliveryOptions } from './pipeline.js';
export type { DropReason, RecorderStats } from './stats.js';
export { MemorySink } from './sinks/memory.js';
export { JsonlSink, type JsonlSinkOptions } from './sinks/jsonl.js';
export { OtlpHttpSink, encodeAttributes, type OtlpSinkOptions } from './sinks/otlp.js';
export { telltaleEmbeddingMiddleware, telltaleMiddleware } from './ai-sdk.js';
