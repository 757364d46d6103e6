import { DIMENSION_COLUMNS } from './dimensions.js';
import {
  DEFAULT_HEAVY_EDIT_DISTANCE,
  ROLLUP_SIGNALS,
  type Dimension,
  type RollupQuery,
  type RollupRow,
  type RollupWindow,
} from './types.js';

/** What differs between the SQL of the three backends when they compute a rollup. */
export interface SqlDialect {
  /** Expression of a dimension over the calls table. */
  dimension(dimension: Dimension): string;
  /** Comparable time of a call, and of a feedback event. */
  callTime: string;
  feedbackTime: string;
  /** A time literal comparable with `callTime`. */
  time(date: Date): string;
  /** A string value: a placeholder that pushes to `params`, or an escaped literal. */
  value(text: string, params: unknown[]): string;
  /** How an absent dimension is stored: SQL NULL, or an empty string in ClickHouse. */
  absent: 'null' | 'empty';
  costSum: string;
  pricedCount: string;
  distinctUsers: string;
  /** Aggregate percentile of latency, or undefined to rank rows with a window function. */
  percentile?: (fraction: number) => string;
  /** The join of calls with a per-call subquery of the feedback table. */
  joinSignals(subquery: string): string;
  /** Aggregate of the latest feedback time among the events that meet `condition`. */
  latestTime: (condition: string) => string;
  /** Statement that creates table `name` from `select`, the rows of a rollup window. */
  createWindow(name: string, select: string): string;
  /** Call columns a window copies besides the dimension and metric columns, such as the time. */
  windowColumns: readonly string[];
  /** Extra conditions that let the database skip partitions. */
  pruning?: (from: Date, to: Date) => string[];
  /** Further call columns the aggregates read, such as ClickHouse's `priced` flag. */
  extraColumns?: readonly string[];
  callsTable: string;
  feedbackTable: string;
}

/**
 * Builds the rollup statement and its parameters for one dialect, over the calls table joined
 * with feedback, or over `windowTable` made by {@link buildWindowSql} when the query lies inside it.
 */
export function buildRollupSql(
  dialect: SqlDialect,
  query: RollupQuery,
  windowTable?: string,
): { sql: string; params: unknown[] } {
  const boundaries = query.boundaries;
  if (boundaries.length < 2) throw new RangeError('a rollup needs at least two bucket boundaries');

  const params: unknown[] = [];
  const from = boundaries[0]!;
  const to = boundaries[boundaries.length - 1]!;
  const groupBy = query.groupBy ?? [];
  const heavyEdit = query.heavyEditDistance ?? DEFAULT_HEAVY_EDIT_DISTANCE;
  const withLatency = query.latency ?? true;

  const keyColumns = groupBy.map((dimension, index) => `${dialect.dimension(dimension)} AS k${index}`);
  const conditions = [`${dialect.callTime} >= ${dialect.time(from)}`, `${dialect.callTime} < ${dialect.time(to)}`];
  conditions.push(...(dialect.pruning?.(from, to) ?? []));

  for (const [dimension, value] of Object.entries(query.where ?? {})) {
    const expression = dialect.dimension(dimension as Dimension);
    if (value === null || value === undefined) {
      conditions.push(dialect.absent === 'null' ? `${expression} IS NULL` : `${expression} = ''`);
    } else {
      conditions.push(`${expression} = ${dialect.value(value, params)}`);
    }
  }

  // In a window table each call carries the latest time of each signal, so "a signal at or
  // after the rollup's start" needs no join: it is that time compared with the start.
  // NOTE: ClickHouse stores 0 for "no signal", so a window ignores feedback stamped at or
  // before 1970-01-01T00:00:00Z on every backend, which the join would count.
  const epoch = dialect.time(new Date(0));
  const signalColumns =
    windowTable === undefined
      ? ROLLUP_SIGNALS.map((signal) => `s_${signal}`)
      : ROLLUP_SIGNALS.map(
          (signal) =>
            `CASE WHEN t_${signal} >= ${dialect.time(from)} AND t_${signal} > ${epoch} THEN 1 ELSE 0 END AS s_${signal}`,
        );
  const source =
    windowTable ??
    `${dialect.callsTable} ${dialect.joinSignals(signalsSubquery(dialect, from, heavyEdit, (condition) => `MAX(CASE WHEN ${condition} THEN 1 ELSE 0 END)`, 's'))}`;

  const bucket = bucketExpression(dialect, boundaries);
  const groupKeys = ['bucket', ...groupBy.map((_, index) => `k${index}`)];
  const sums = [
    'COUNT(*) AS calls',
    "SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS errors",
    `${dialect.costSum} AS cost_usd`,
    `${dialect.pricedCount} AS priced_calls`,
    'SUM(input_tokens) AS input_tokens',
    'SUM(output_tokens) AS output_tokens',
    'SUM(cached_input_tokens) AS cached_input_tokens',
    'SUM(reasoning_tokens) AS reasoning_tokens',
    `${dialect.distinctUsers} AS users`,
    ...ROLLUP_SIGNALS.map((signal) => `SUM(s_${signal}) AS sig_${signal}`),
  ];

  const base = `SELECT ${bucket} AS bucket, ${[...keyColumns, 'status', 'cost_usd', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'reasoning_tokens', 'user_id', 'latency_ms', ...(dialect.extraColumns ?? []), ...signalColumns].join(', ')} FROM ${source} WHERE ${conditions.join(' AND ')}`;

  let sql: string;
  if (!withLatency) {
    sql = `SELECT ${groupKeys.join(', ')}, ${sums.join(', ')}, NULL AS p50, NULL AS p95 FROM (${base}) AS b GROUP BY ${groupKeys.join(', ')}`;
  } else if (dialect.percentile) {
    sql = `SELECT ${groupKeys.join(', ')}, ${sums.join(', ')}, ${dialect.percentile(0.5)} AS p50, ${dialect.percentile(0.95)} AS p95 FROM (${base}) AS b GROUP BY ${groupKeys.join(', ')}`;
  } else {
    // Nearest-rank percentiles: the smallest latency whose rank reaches the fraction of the group.
    const partition = groupKeys.join(', ');
    const ranked = `SELECT *, ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY latency_ms) AS rn, COUNT(*) OVER (PARTITION BY ${partition}) AS n FROM (${base}) AS b`;
    sql = `SELECT ${groupKeys.join(', ')}, ${sums.join(', ')}, MIN(CASE WHEN rn >= 0.5 * n THEN latency_ms END) AS p50, MIN(CASE WHEN rn >= 0.95 * n THEN latency_ms END) AS p95 FROM (${ranked}) AS r GROUP BY ${groupKeys.join(', ')}`;
  }

  return { sql: `${sql} ORDER BY ${groupKeys.join(', ')}`, params };
}

/** Call columns that rollups read, besides the time and the backend's own columns. */
const WINDOW_COLUMNS = [
  ...new Set(Object.values(DIMENSION_COLUMNS)),
  'cost_usd',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'reasoning_tokens',
  'latency_ms',
];

/**
 * Builds the statement that creates a window table: the calls of `window` with the columns
 * rollups read. Per signal, column `t_<signal>` is the time of the call's latest feedback event
 * of that signal at or after the window's start, or NULL (0 in ClickHouse) when there is none.
 */
export function buildWindowSql(dialect: SqlDialect, window: RollupWindow, table: string): string {
  const heavyEdit = window.heavyEditDistance ?? DEFAULT_HEAVY_EDIT_DISTANCE;
  const conditions = [
    `${dialect.callTime} >= ${dialect.time(window.from)}`,
    `${dialect.callTime} < ${dialect.time(window.to)}`,
    ...(dialect.pruning?.(window.from, window.to) ?? []),
  ];
  const columns = [...WINDOW_COLUMNS, ...dialect.windowColumns, ...ROLLUP_SIGNALS.map((signal) => `t_${signal}`)];
  const subquery = signalsSubquery(dialect, window.from, heavyEdit, dialect.latestTime, 't');

  return dialect.createWindow(
    table,
    `SELECT ${columns.join(', ')} FROM ${dialect.callsTable} ${dialect.joinSignals(subquery)} WHERE ${conditions.join(' AND ')}`,
  );
}

/** Checks whether a rollup can read the window table: it lies inside the window and uses its heavy edit distance. */
export function windowCovers(window: RollupWindow, query: RollupQuery): boolean {
  const from = query.boundaries[0];
  const to = query.boundaries[query.boundaries.length - 1];
  return (
    from !== undefined &&
    to !== undefined &&
    from.getTime() >= window.from.getTime() &&
    to.getTime() <= window.to.getTime() &&
    (query.heavyEditDistance ?? DEFAULT_HEAVY_EDIT_DISTANCE) ===
      (window.heavyEditDistance ?? DEFAULT_HEAVY_EDIT_DISTANCE)
  );
}

/** Per-call aggregates of the feedback events at or after `from`, one column `<prefix>_<signal>` per signal. */
function signalsSubquery(
  dialect: SqlDialect,
  from: Date,
  heavyEdit: number,
  aggregate: (condition: string) => string,
  prefix: string,
): string {
  const columns = ROLLUP_SIGNALS.map((signal) => {
    const condition =
      signal === 'heavy_edit' ? `signal = 'edit' AND edit_distance >= ${heavyEdit}` : `signal = '${signal}'`;
    return `${aggregate(condition)} AS ${prefix}_${signal}`;
  });
  return `SELECT request_id, ${columns.join(', ')} FROM ${dialect.feedbackTable} WHERE ${dialect.feedbackTime} >= ${dialect.time(from)} GROUP BY request_id`;
}

/** Converts a result row of {@link buildRollupSql} to a {@link RollupRow}. */
export function toRollupRow(raw: Record<string, unknown>, groupBy: readonly Dimension[]): RollupRow {
  const keys: Record<string, string | null> = {};
  groupBy.forEach((dimension, index) => {
    const value = raw[`k${index}`];
    keys[dimension] = typeof value === 'string' || typeof value === 'number' ? String(value) || null : null;
  });

  const signals = Object.fromEntries(
    ROLLUP_SIGNALS.map((signal) => [signal, toNumber(raw[`sig_${signal}`])]),
  ) as RollupRow['signals'];

  return {
    bucket: toNumber(raw.bucket),
    keys,
    calls: toNumber(raw.calls),
    errors: toNumber(raw.errors),
    costUsd: toNumber(raw.cost_usd),
    pricedCalls: toNumber(raw.priced_calls),
    inputTokens: toNumber(raw.input_tokens),
    outputTokens: toNumber(raw.output_tokens),
    cachedInputTokens: toNumber(raw.cached_input_tokens),
    reasoningTokens: toNumber(raw.reasoning_tokens),
    users: toNumber(raw.users),
    latencyP50Ms: raw.p50 === null || raw.p50 === undefined ? null : toNumber(raw.p50),
    latencyP95Ms: raw.p95 === null || raw.p95 === undefined ? null : toNumber(raw.p95),
    signals,
  };
}

function bucketExpression(dialect: SqlDialect, boundaries: readonly Date[]): string {
  if (boundaries.length === 2) return '0';

  const branches = boundaries
    .slice(1, -1)
    .map((boundary, index) => `WHEN ${dialect.callTime} < ${dialect.time(boundary)} THEN ${index}`);
  return `CASE ${branches.join(' ')} ELSE ${boundaries.length - 2} END`;
}

/** Converts a driver value (number, bigint, numeric string, null) to a number. */
export function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number(value);
  return Number.NaN;
}

/** Quotes a string as a SQL literal for ClickHouse, which escapes with backslashes. */
export function clickhouseString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
