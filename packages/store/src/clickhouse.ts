import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { SCHEMA_MAJOR, type TelltaleEvent } from '@telltale/schema';

import { resolveDimension } from './dimensions.js';
import { connectionError, StoreError } from './errors.js';
import { assertCurrent, migrationStatus, type Migration } from './migrations.js';
import {
  buildRollupSql,
  buildWindowSql,
  clickhouseString,
  toNumber,
  toRollupRow,
  type SqlDialect,
} from './rollup-sql.js';
import { toRows, utcDay, type CallRow, type FeedbackRow } from './rows.js';
import type {
  LastCallsQuery,
  MigrationStatus,
  RollupQuery,
  RollupRow,
  RollupWindow,
  Store,
  StoredCall,
} from './types.js';
import { windowedStore, windowTableName } from './window.js';

/**
 * ClickHouse tables. The SQL stays within what ClickHouse 18.16 accepts (no DateTime64, no
 * table TTL, no query parameters), so retention drops day partitions and values are escaped
 * literals. ReplacingMergeTree removes a replayed row at merge time; the writer also skips ids
 * already stored, so queries need no FINAL.
 */
export const CLICKHOUSE_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'create calls and feedback, partitioned by day',
    schemaMajor: 1,
    statements: [
      `CREATE TABLE IF NOT EXISTS telltale_calls (
        day Date, ts_ms UInt64, request_id String, parent_id String,
        feature String, user_id String, session_id String, release String, environment String,
        provider String, operation String, model String, model_returned String,
        template_id String, prompt_version String, status String, error_type String,
        input_tokens UInt64, output_tokens UInt64, cached_input_tokens UInt64, reasoning_tokens UInt64,
        cost_usd Float64, priced UInt8, latency_ms Float64, ttft_ms Float64,
        state_keys Array(String), state_values Array(String),
        prompt String, response String, extra String
      ) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMMDD(day) ORDER BY (feature, ts_ms, request_id)`,
      `CREATE TABLE IF NOT EXISTS telltale_feedback (
        day Date, ts_ms UInt64, event_id String, request_id String,
        signal String, edit_distance Float64, feature String, user_id String, event String
      ) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMMDD(day) ORDER BY (ts_ms, event_id)`,
    ],
  },
];

const PARTITIONED_TABLES = ['telltale_calls', 'telltale_feedback'] as const;
/** Ids per duplicate check, so the IN list stays far below ClickHouse's 256 KiB max_query_size. */
const IDS_PER_CHECK = 2000;

const dialect: SqlDialect = {
  dimension(dimension) {
    const resolved = resolveDimension(dimension);
    return 'column' in resolved
      ? resolved.column
      : `state_values[indexOf(state_keys, ${clickhouseString(resolved.stateField)})]`;
  },
  callTime: 'ts_ms',
  feedbackTime: 'ts_ms',
  time: (date) => String(date.getTime()),
  value: (text) => clickhouseString(text),
  absent: 'empty',
  costSum: 'sum(cost_usd)',
  pricedCount: 'sum(priced)',
  distinctUsers: "uniqExactIf(user_id, user_id != '')",
  percentile: (fraction) => `quantileExact(${fraction})(latency_ms)`,
  joinSignals: (subquery) => `ANY LEFT JOIN (${subquery}) USING request_id`,
  latestTime: (condition) => `maxIf(ts_ms, ${condition})`,
  // Unsorted: sorting the window's rows by a key costs ClickHouse 18.16 more than it saves on
  // the few rollups that filter by feature.
  createWindow: (name, select) => `CREATE TABLE ${name} ENGINE = MergeTree() ORDER BY tuple() AS ${select}`,
  windowColumns: ['day', 'ts_ms', 'priced', 'state_keys', 'state_values'],
  pruning: (from, to) => [`day >= toDate('${utcDay(from.getTime())}')`, `day <= toDate('${utcDay(to.getTime())}')`],
  extraColumns: ['priced'],
  callsTable: 'telltale_calls',
  feedbackTable: 'telltale_feedback',
};

export interface ClickhouseConnection {
  url: string;
  username: string;
  password: string;
  database: string;
}

/** Opens a ClickHouse store over HTTP; connects lazily, on the first query. */
export function openClickhouseStore(connection: ClickhouseConnection, displayUrl: string): Store {
  const client = createClient({
    url: connection.url,
    username: connection.username,
    password: connection.password,
    database: connection.database,
    request_timeout: 300_000,
    // Progress headers keep the connection busy during long rollups, so proxies do not cut it.
    clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '10000' },
    // Errors reach the caller as StoreErrors with the fix; the client's own log would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
  });
  let migrated = false;

  const run = async <T>(work: (client: ClickHouseClient) => Promise<T>): Promise<T> => {
    try {
      return await work(client);
    } catch (error) {
      throw wrapError(error, displayUrl, connection.database);
    }
  };
  const select = (sql: string): Promise<Record<string, unknown>[]> =>
    run(async (ch) => (await ch.query({ query: sql, format: 'JSONEachRow' })).json<Record<string, unknown>>());
  const command = (sql: string): Promise<unknown> => run((ch) => ch.command({ query: sql }));

  const status = async (): Promise<MigrationStatus> => {
    const exists = await select(
      `SELECT name FROM system.tables WHERE database = ${clickhouseString(connection.database)} AND name = 'telltale_migrations'`,
    );
    if (exists.length === 0) return migrationStatus(CLICKHOUSE_MIGRATIONS, []);
    const applied = await select('SELECT id FROM telltale_migrations');
    return migrationStatus(
      CLICKHOUSE_MIGRATIONS,
      applied.map((row) => toNumber(row.id)),
    );
  };

  const ensureMigrated = async (): Promise<void> => {
    if (migrated) return;
    assertCurrent(await status(), displayUrl);
    migrated = true;
  };

  // The time range and the features of the batch let the primary key skip all granules but the
  // few the batch's rows would sit in, so the check reads little however large the table grows.
  const storedIds = async (
    table: string,
    column: string,
    rows: readonly { id: string; tsMs: number; day: string }[],
    prefix: string,
  ): Promise<Set<string>> => {
    const found = new Set<string>();
    const days = [...new Set(rows.map((row) => row.day))].map((day) => `toDate('${day}')`);
    const first = rows.reduce((min, row) => Math.min(min, row.tsMs), Number.POSITIVE_INFINITY);
    const last = rows.reduce((max, row) => Math.max(max, row.tsMs), 0);
    const conditions = [prefix, `day IN (${days.join(', ')})`, `ts_ms >= ${first}`, `ts_ms <= ${last}`].filter(
      (condition) => condition !== '',
    );

    for (let start = 0; start < rows.length; start += IDS_PER_CHECK) {
      const chunk = rows.slice(start, start + IDS_PER_CHECK).map((row) => clickhouseString(row.id));
      const result = await select(
        `SELECT ${column} AS id FROM ${table} WHERE ${conditions.join(' AND ')} AND ${column} IN (${chunk.join(', ')})`,
      );
      for (const row of result) found.add(String(row.id));
    }
    return found;
  };

  const store: Store = {
    name: 'clickhouse',
    kind: 'clickhouse',
    displayUrl,

    async write(batch: readonly TelltaleEvent[]) {
      await ensureMigrated();
      const { calls, feedback } = toRows(batch);

      if (calls.length > 0) {
        const features = [...new Set(calls.map((row) => row.feature))].map(clickhouseString);
        const stored = await storedIds(
          'telltale_calls',
          'request_id',
          calls.map((row) => ({ id: row.requestId, tsMs: row.tsMs, day: row.day })),
          `feature IN (${features.join(', ')})`,
        );
        const fresh = calls.filter((row) => !stored.has(row.requestId)).map(callValues);
        if (fresh.length > 0) {
          await run((ch) => ch.insert({ table: 'telltale_calls', values: fresh, format: 'JSONEachRow' }));
        }
      }

      if (feedback.length > 0) {
        const stored = await storedIds(
          'telltale_feedback',
          'event_id',
          feedback.map((row) => ({ id: row.eventId, tsMs: row.tsMs, day: row.day })),
          '',
        );
        const fresh = feedback.filter((row) => !stored.has(row.eventId)).map(feedbackValues);
        if (fresh.length > 0) {
          await run((ch) => ch.insert({ table: 'telltale_feedback', values: fresh, format: 'JSONEachRow' }));
        }
      }
    },

    async migrate() {
      const bootstrap = createClient({
        url: connection.url,
        username: connection.username,
        password: connection.password,
        database: 'default',
        log: { level: ClickHouseLogLevel.OFF },
      });
      try {
        await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(connection.database)}` });
      } catch (error) {
        throw wrapError(error, displayUrl, connection.database);
      } finally {
        await bootstrap.close();
      }

      await command(
        'CREATE TABLE IF NOT EXISTS telltale_migrations (id UInt32, name String, schema_major UInt32, applied_at DateTime) ENGINE = MergeTree() ORDER BY id',
      );
      const pending = (await status()).pending;
      for (const step of pending) {
        const migration = CLICKHOUSE_MIGRATIONS.find((candidate) => candidate.id === step.id)!;
        for (const statement of migration.statements) await command(statement);
        await run((ch) =>
          ch.insert({
            table: 'telltale_migrations',
            values: [
              {
                id: migration.id,
                name: migration.name,
                schema_major: SCHEMA_MAJOR,
                applied_at: Math.floor(Date.now() / 1000),
              },
            ],
            format: 'JSONEachRow',
          }),
        );
      }

      migrated = false;
      return pending;
    },

    migrationStatus: status,
    assertMigrated: ensureMigrated,

    async rollup(query: RollupQuery): Promise<RollupRow[]> {
      await ensureMigrated();
      const { sql } = buildRollupSql(dialect, query);
      const rows = await select(sql);
      return rows.map((row) => toRollupRow(row, query.groupBy ?? []));
    },

    async lastCalls(query: LastCallsQuery): Promise<StoredCall[]> {
      await ensureMigrated();
      const before = (query.before ?? new Date()).getTime();
      const filter = query.feature === undefined ? '' : `AND feature = ${clickhouseString(query.feature)}`;
      const rows = await select(
        `SELECT request_id, ts_ms, feature, model, user_id, status, cost_usd, priced, latency_ms, input_tokens, output_tokens, prompt, response FROM telltale_calls WHERE ts_ms < ${before} ${filter} ORDER BY ts_ms DESC, request_id DESC LIMIT ${Math.max(0, Math.floor(query.limit))}`,
      );
      return rows.map(toStoredCall);
    },

    async stateFields(from: Date, to: Date, feature?: string) {
      await ensureMigrated();
      const rows = await select(stateFieldsSql('telltale_calls', from, to, feature));
      return rows.map((row) => String(row.field));
    },

    async withWindow<T>(window: RollupWindow, work: (store: Store) => Promise<T>): Promise<T> {
      await ensureMigrated();
      const table = windowTableName();

      try {
        await command(buildWindowSql(dialect, window, table));
        return await work(
          windowedStore(store, window, {
            async rollup(query) {
              const rows = await select(buildRollupSql(dialect, query, table).sql);
              return rows.map((row) => toRollupRow(row, query.groupBy ?? []));
            },
            async stateFields(from, to) {
              const rows = await select(
                `SELECT DISTINCT feature, arrayJoin(state_keys) AS field FROM ${table} WHERE ${dialect.pruning!(from, to).join(' AND ')} AND ts_ms >= ${from.getTime()} AND ts_ms < ${to.getTime()} ORDER BY field, feature`,
              );
              return rows.map((row) => ({ feature: String(row.feature), field: String(row.field) }));
            },
          }),
        );
      } finally {
        await command(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      }
    },

    async applyRetention(days: number, now = new Date()) {
      await ensureMigrated();
      const cutoff = utcDay(now.getTime() - days * 86_400_000).replaceAll('-', '');
      const dropped: string[] = [];

      for (const table of PARTITIONED_TABLES) {
        const parts = await select(
          `SELECT DISTINCT partition FROM system.parts WHERE database = ${clickhouseString(connection.database)} AND table = '${table}' AND active`,
        );
        for (const part of parts) {
          const partition = String(part.partition);
          if (!/^\d{8}$/.test(partition) || partition >= cutoff) continue;
          await command(`ALTER TABLE ${table} DROP PARTITION ${partition}`);
          dropped.push(`${table}/${partition}`);
        }
      }
      return dropped.sort();
    },

    async count() {
      await ensureMigrated();
      const [calls] = await select('SELECT count() AS n FROM telltale_calls');
      const [feedback] = await select('SELECT count() AS n FROM telltale_feedback');
      return { calls: toNumber(calls?.n), feedback: toNumber(feedback?.n) };
    },

    flush: () => Promise.resolve(),

    async close() {
      await client.close();
    },
  };

  return store;
}

function stateFieldsSql(table: string, from: Date, to: Date, feature?: string): string {
  const filter = feature === undefined ? '' : `AND feature = ${clickhouseString(feature)}`;
  return `SELECT DISTINCT arrayJoin(state_keys) AS field FROM ${table} WHERE ${dialect.pruning!(from, to).join(' AND ')} AND ts_ms >= ${from.getTime()} AND ts_ms < ${to.getTime()} ${filter} ORDER BY field`;
}

function callValues(row: CallRow): Record<string, unknown> {
  return {
    day: row.day,
    ts_ms: row.tsMs,
    request_id: row.requestId,
    parent_id: row.parentId ?? '',
    feature: row.feature,
    user_id: row.userId ?? '',
    session_id: row.sessionId ?? '',
    release: row.release ?? '',
    environment: row.environment ?? '',
    provider: row.provider,
    operation: row.operation,
    model: row.model,
    model_returned: row.modelReturned ?? '',
    template_id: row.templateId ?? '',
    prompt_version: row.promptVersion ?? '',
    status: row.status,
    error_type: row.errorType ?? '',
    input_tokens: row.inputTokens ?? 0,
    output_tokens: row.outputTokens ?? 0,
    cached_input_tokens: row.cachedInputTokens ?? 0,
    reasoning_tokens: row.reasoningTokens ?? 0,
    cost_usd: row.costUsd ?? 0,
    priced: row.costUsd === null ? 0 : 1,
    latency_ms: row.latencyMs,
    ttft_ms: row.ttftMs ?? 0,
    state_keys: Object.keys(row.state),
    state_values: Object.values(row.state),
    prompt: JSON.stringify(row.prompt),
    response: JSON.stringify(row.response),
    extra: JSON.stringify(row.extra),
  };
}

function feedbackValues(row: FeedbackRow): Record<string, unknown> {
  return {
    day: row.day,
    ts_ms: row.tsMs,
    event_id: row.eventId,
    request_id: row.requestId,
    signal: row.signal,
    edit_distance: row.editDistance ?? 0,
    feature: row.feature ?? '',
    user_id: row.userId ?? '',
    event: JSON.stringify(row.event),
  };
}

function toStoredCall(row: Record<string, unknown>): StoredCall {
  const userId = String(row.user_id);
  return {
    requestId: String(row.request_id),
    timestamp: new Date(toNumber(row.ts_ms)).toISOString(),
    feature: String(row.feature),
    model: String(row.model),
    userId: userId === '' ? null : userId,
    status: String(row.status),
    costUsd: toNumber(row.priced) === 1 ? toNumber(row.cost_usd) : null,
    latencyMs: toNumber(row.latency_ms),
    inputTokens: toNumber(row.input_tokens),
    outputTokens: toNumber(row.output_tokens),
    prompt: JSON.parse(String(row.prompt)) as unknown,
    response: JSON.parse(String(row.response)) as unknown,
  };
}

function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new StoreError(`invalid ClickHouse database name "${name}": use letters, digits and _`);
  }
  return name;
}

function wrapError(error: unknown, displayUrl: string, database: string): Error {
  if (error instanceof StoreError) return error;

  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (
    (code !== undefined && ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'].includes(code)) ||
    /Authentication failed|Unknown user|password is incorrect|Timeout error/i.test(message)
  ) {
    return connectionError(displayUrl, error, 'ClickHouse');
  }
  if (/Database .* doesn't exist/i.test(message)) {
    return new StoreError(
      `ClickHouse database ${database} at ${displayUrl} does not exist; run \`telltale store migrate --store ${displayUrl}\` to create it`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(message);
}
