export {
  BUILT_IN_CATALOG,
  entriesFromSpecifiers,
  matchesPackage,
  type CatalogEntry,
  type CatalogOperation,
  type PackageSpecifier,
} from './catalog.js';
export { BUILT_IN_ENDPOINTS, type EndpointMatch, type HttpEndpoint } from './endpoints.js';
export type { HttpModelCall } from './http.js';
export {
  createDetector,
  type Detector,
  type DetectorOptions,
  type InstrumentationStatus,
  type ModelCall,
} from './detector.js';
export {
  RECORDER_PACKAGE,
  type ContextPartName,
  type InstrumentationReason,
  type ScopeJudgement,
} from './instrumentation.js';
export { PackageResolver } from './packages.js';
