import type { EventSink } from '@telltale/schema';

/**
 * A grouping or filter dimension of model calls. `state.<field>` is a field of the app-defined
 * feature state, such as `state.templateId`.
 */
export type Dimension =
  | 'feature'
  | 'model'
  | 'provider'
  | 'release'
  | 'environment'
  | 'template'
  | 'prompt_version'
  | 'user'
  | 'status'
  | `state.${string}`;

/** The fixed dimensions, in the order attribution tries them. State fields come on top. */
export const DIMENSIONS = [
  'feature',
  'model',
  'provider',
  'release',
  'environment',
  'template',
  'prompt_version',
  'user',
  'status',
] as const satisfies readonly Dimension[];

/** Feedback signals a rollup counts, per call: a call counts once however often a signal repeats. */
export const ROLLUP_SIGNALS = [
  'regenerate',
  'edit',
  'heavy_edit',
  'abandon',
  'thumbs_up',
  'thumbs_down',
  'uncertainty',
] as const;
export type RollupSignal = (typeof ROLLUP_SIGNALS)[number];

/** An edit counts as heavy at or above this normalized edit distance unless a query sets another. */
export const DEFAULT_HEAVY_EDIT_DISTANCE = 0.5;

export interface RollupQuery {
  /**
   * Bucket boundaries in ascending order: bucket `i` holds the calls that started in
   * `[boundaries[i], boundaries[i + 1])`. At least two boundaries. Callers compute them in the
   * timezone they report in, so the store needs no timezone rules.
   */
  boundaries: readonly Date[];
  /** Dimensions to group by inside each bucket; empty for one row per bucket. */
  groupBy?: readonly Dimension[];
  /** Equality filters; `null` matches calls where the dimension is absent. */
  where?: Partial<Record<Dimension, string | null>>;
  /** Edit distance from which an `edit` signal counts as `heavy_edit`. */
  heavyEditDistance?: number;
  /** Whether to compute latency percentiles, which cost a sort per group. Default true. */
  latency?: boolean;
}

/** Aggregates of the model calls of one bucket and group, computed inside the database. */
export interface RollupRow {
  bucket: number;
  /** Value of each `groupBy` dimension; `null` when the calls lack it. */
  keys: Record<string, string | null>;
  calls: number;
  errors: number;
  /** Sum of `cost.usd` over priced calls. */
  costUsd: number;
  /** Calls with a cost; the others were recorded as unpriced. */
  pricedCalls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  /** Distinct user ids. */
  users: number;
  /** Nearest-rank percentiles of `latency.total_ms` (PostgreSQL, SQLite) or ClickHouse's exact quantile. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Calls with at least one feedback event of each signal. */
  signals: Record<RollupSignal, number>;
}

/** The calls a per-call window table holds; see {@link Store.withWindow}. */
export interface RollupWindow {
  /** Start and end of the window: calls that started in `[from, to)`. */
  from: Date;
  to: Date;
  /** Edit distance from which an `edit` signal counts as `heavy_edit` in rollups the window serves. */
  heavyEditDistance?: number;
}

export interface LastCallsQuery {
  feature?: string;
  limit: number;
  /** Only calls that started before this time; default now. */
  before?: Date;
}

/** One stored call with its full prompt and response. */
export interface StoredCall {
  requestId: string;
  timestamp: string;
  feature: string;
  model: string;
  userId: string | null;
  status: string;
  costUsd: number | null;
  latencyMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  prompt: unknown;
  response: unknown;
}

export interface MigrationStatus {
  /** Highest migration applied to the store; 0 for an empty database. */
  current: number;
  /** Highest migration this version of Telltale knows. */
  latest: number;
  pending: { id: number; name: string }[];
}

export type StoreKind = 'sqlite' | 'postgres' | 'clickhouse';

/**
 * A Telltale store: an event sink that writes batches idempotently, plus the rollup queries the
 * insights run. Every aggregation runs in the database.
 */
export interface Store extends EventSink {
  readonly kind: StoreKind;
  /** The store URL with any password removed, for messages. */
  readonly displayUrl: string;
  /** Applies pending migrations and returns the ones it applied. */
  migrate(): Promise<{ id: number; name: string }[]>;
  migrationStatus(): Promise<MigrationStatus>;
  /** Rejects with a {@link StoreError} that names the fix when migrations are pending. */
  assertMigrated(): Promise<void>;
  rollup(query: RollupQuery): Promise<RollupRow[]>;
  lastCalls(query: LastCallsQuery): Promise<StoredCall[]>;
  /** Distinct state field names of calls that started in `[from, to)`, optionally of one feature. */
  stateFields(from: Date, to: Date, feature?: string): Promise<string[]>;
  /**
   * Copies the calls of `window` into a table of their own, with the time of each call's latest
   * feedback event of every signal, and runs `work` with a store whose rollups and state fields
   * read that table when they lie inside the window and use its heavy edit distance. The others
   * go to this store. Results are the same either way; the window joins calls with feedback once
   * instead of once per rollup. The table is dropped when `work` settles.
   */
  withWindow<T>(window: RollupWindow, work: (store: Store) => Promise<T>): Promise<T>;
  /** Deletes calls and feedback older than `days` days before `now`; returns the dropped partitions or days. */
  applyRetention(days: number, now?: Date): Promise<string[]>;
  /** Counts stored model calls and feedback events. */
  count(): Promise<{ calls: number; feedback: number }>;
  close(): Promise<void>;
}
