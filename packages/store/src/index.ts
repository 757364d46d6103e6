export { openStore, resolveStoreUrl, DEFAULT_RETENTION_DAYS, DEFAULT_STORE_URL, STORE_URL_VARIABLE } from './open.js';
export { StoreError, redactUrl } from './errors.js';
export { SQLITE_MIGRATIONS } from './sqlite.js';
export { POSTGRES_MIGRATIONS } from './postgres.js';
export { CLICKHOUSE_MIGRATIONS } from './clickhouse.js';
export type { Migration } from './migrations.js';
export {
  DEFAULT_HEAVY_EDIT_DISTANCE,
  DIMENSIONS,
  ROLLUP_SIGNALS,
  type Dimension,
  type LastCallsQuery,
  type MigrationStatus,
  type RollupQuery,
  type RollupRow,
  type RollupSignal,
  type RollupWindow,
  type Store,
  type StoreKind,
  type StoredCall,
} from './types.js';
