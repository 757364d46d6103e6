import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { SCHEMA_MAJOR, type TelltaleEvent } from '@telltale/schema';

import { resolveDimension } from './dimensions.js';
import { connectionError, StoreError } from './errors.js';
import { assertCurrent, migrationStatus, type Migration } from './migrations.js';
import { buildRollupSql, buildWindowSql, toNumber, toRollupRow, type SqlDialect } from './rollup-sql.js';
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

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'create calls and feedback, partitioned by day',
    schemaMajor: 1,
    statements: [
      `CREATE TABLE telltale_calls (
        request_id uuid NOT NULL, parent_id uuid, ts timestamptz NOT NULL,
        feature text NOT NULL, user_id text, session_id text, release text, environment text,
        provider text NOT NULL, operation text NOT NULL, model text NOT NULL, model_returned text,
        template_id text, prompt_version text, status text NOT NULL, error_type text,
        input_tokens integer, output_tokens integer, cached_input_tokens integer, reasoning_tokens integer,
        cost_usd double precision, latency_ms double precision NOT NULL, ttft_ms double precision,
        state jsonb NOT NULL, prompt jsonb NOT NULL, response jsonb, extra jsonb NOT NULL,
        PRIMARY KEY (request_id, ts)
      ) PARTITION BY RANGE (ts)`,
      'CREATE INDEX telltale_calls_feature_ts ON telltale_calls (feature, ts)',
      'CREATE INDEX telltale_calls_ts ON telltale_calls (ts)',
      `CREATE TABLE telltale_feedback (
        event_id uuid NOT NULL, request_id uuid NOT NULL, ts timestamptz NOT NULL,
        signal text NOT NULL, edit_distance double precision, feature text, user_id text, event jsonb NOT NULL,
        PRIMARY KEY (event_id, ts)
      ) PARTITION BY RANGE (ts)`,
      'CREATE INDEX telltale_feedback_request ON telltale_feedback (request_id)',
    ],
  },
  {
    id: 2,
    name: 'move prompt, response and the rest of the event to telltale_call_documents',
    schemaMajor: 1,
    statements: [
      `CREATE TABLE telltale_call_documents (
        request_id uuid NOT NULL, ts timestamptz NOT NULL, prompt jsonb NOT NULL, response jsonb, extra jsonb NOT NULL,
        PRIMARY KEY (request_id, ts)
      ) PARTITION BY RANGE (ts)`,
      `DO $$
      DECLARE part record;
      BEGIN
        FOR part IN
          SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'telltale_calls'::regclass
        LOOP
          EXECUTE format('CREATE TABLE %I PARTITION OF telltale_call_documents %s',
            replace(part.relname, 'telltale_calls_', 'telltale_call_documents_'), part.bound);
        END LOOP;
      END $$`,
      'INSERT INTO telltale_call_documents SELECT request_id, ts, prompt, response, extra FROM telltale_calls',
      // Rows written before keep the dropped columns' bytes until they are rewritten or dropped
      // by retention; rows written from now on are narrow.
      'ALTER TABLE telltale_calls DROP COLUMN prompt, DROP COLUMN response, DROP COLUMN extra',
    ],
  },
];

const PARTITIONED_TABLES = ['telltale_calls', 'telltale_call_documents', 'telltale_feedback'] as const;
/** Rows per chunk of the COPY stream, so a large batch is not encoded into one string. */
const ROWS_PER_COPY_CHUNK = 1000;
/** work_mem of the connection that runs a window's rollups; see withWindow. */
const WINDOW_WORK_MEM = '256MB';
/** Key for pg_advisory_xact_lock, so two `store migrate` runs apply each step once. */
const MIGRATION_LOCK = 7_415_001;

const dialect: SqlDialect = {
  dimension(dimension) {
    const resolved = resolveDimension(dimension);
    return 'column' in resolved ? resolved.column : `(state ->> '${resolved.stateField}')`;
  },
  callTime: 'ts',
  feedbackTime: 'ts',
  time: (date) => `'${date.toISOString()}'::timestamptz`,
  value(text, params) {
    params.push(text);
    return `$${params.length}`;
  },
  absent: 'null',
  costSum: 'SUM(cost_usd)',
  pricedCount: 'COUNT(cost_usd)',
  // Byte order sorts faster than the database's collation and finds the same distinct values.
  distinctUsers: 'COUNT(DISTINCT user_id COLLATE "C")',
  percentile: (fraction) => `percentile_disc(${fraction}) WITHIN GROUP (ORDER BY latency_ms)`,
  joinSignals: (subquery) => `LEFT JOIN (${subquery}) AS s USING (request_id)`,
  latestTime: (condition) => `MAX(CASE WHEN ${condition} THEN ts END)`,
  createWindow: (name, select) => `CREATE TEMP TABLE ${name} AS ${select}`,
  windowColumns: ['ts', 'state'],
  callsTable: 'telltale_calls',
  feedbackTable: 'telltale_feedback',
};

/** Opens a PostgreSQL store; connects lazily, on the first query. */
export function openPostgresStore(url: string, displayUrl: string): Store {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined);
  const partitions = new Set<string>();
  let migrated = false;

  const query = async <Row extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<Row[]> => {
    try {
      return (await pool.query<Row>(sql, params)).rows;
    } catch (error) {
      throw wrapError(error, displayUrl);
    }
  };

  const connect = (): Promise<pg.PoolClient> =>
    pool.connect().catch((error: unknown) => {
      throw wrapError(error, displayUrl);
    });

  /** Runs `work` in one transaction on one pooled connection, and rolls it back when `work` throws. */
  const transaction = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw wrapError(error, displayUrl);
    } finally {
      client.release();
    }
  };

  const status = async (): Promise<MigrationStatus> => {
    await query(
      'CREATE TABLE IF NOT EXISTS telltale_migrations (id integer PRIMARY KEY, name text NOT NULL, schema_major integer NOT NULL, applied_at timestamptz NOT NULL)',
    );
    const applied = await query<{ id: number }>('SELECT id FROM telltale_migrations');
    return migrationStatus(
      POSTGRES_MIGRATIONS,
      applied.map((row) => row.id),
    );
  };

  const ensureMigrated = async (): Promise<void> => {
    if (migrated) return;
    assertCurrent(await status(), displayUrl);
    migrated = true;
  };

  const ensurePartitions = async (days: Iterable<string>): Promise<void> => {
    for (const day of days) {
      if (partitions.has(day)) continue;
      const next = utcDay(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
      for (const table of PARTITIONED_TABLES) {
        await query(
          `CREATE TABLE IF NOT EXISTS ${table}_d${day.replaceAll('-', '')} PARTITION OF ${table} FOR VALUES FROM ('${day}T00:00:00Z') TO ('${next}T00:00:00Z')`,
        ).catch((error: unknown) => {
          // Two writers may create the same partition at once; the loser sees a duplicate.
          if (!(error instanceof Error && error.message.includes('already exists'))) throw error;
        });
      }
      partitions.add(day);
    }
  };

  const store: Store = {
    name: 'postgres',
    kind: 'postgres',
    displayUrl,

    async write(batch: readonly TelltaleEvent[]) {
      await ensureMigrated();
      const { calls, feedback } = toRows(batch);
      if (calls.length === 0 && feedback.length === 0) return;
      await ensurePartitions(new Set([...calls.map((row) => row.day), ...feedback.map((row) => row.day)]));

      await transaction(async (client) => {
        await copyInsert(client, 'telltale_calls', calls.map(callValues));
        await copyInsert(client, 'telltale_call_documents', calls.map(documentValues));
        await copyInsert(client, 'telltale_feedback', feedback.map(feedbackValues));
      });
    },

    async migrate() {
      await status();
      const applied = await transaction(async (client) => {
        const steps: { id: number; name: string }[] = [];
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        const done = new Set(
          (await client.query<{ id: number }>('SELECT id FROM telltale_migrations')).rows.map((row) => row.id),
        );
        for (const migration of POSTGRES_MIGRATIONS) {
          if (done.has(migration.id)) continue;
          for (const statement of migration.statements) await client.query(statement);
          await client.query('INSERT INTO telltale_migrations VALUES ($1, $2, $3, now())', [
            migration.id,
            migration.name,
            SCHEMA_MAJOR,
          ]);
          steps.push({ id: migration.id, name: migration.name });
        }
        return steps;
      });

      migrated = false;
      return applied;
    },

    migrationStatus: status,
    assertMigrated: ensureMigrated,

    async rollup(rollupQuery: RollupQuery): Promise<RollupRow[]> {
      await ensureMigrated();
      const { sql, params } = buildRollupSql(dialect, rollupQuery);
      const rows = await query(sql, params);
      return rows.map((row) => toRollupRow(row, rollupQuery.groupBy ?? []));
    },

    async lastCalls(lastQuery: LastCallsQuery): Promise<StoredCall[]> {
      await ensureMigrated();
      const params: unknown[] = [(lastQuery.before ?? new Date()).toISOString(), lastQuery.limit];
      let filter = '';
      if (lastQuery.feature !== undefined) {
        params.push(lastQuery.feature);
        filter = 'AND feature = $3';
      }
      const rows = await query(
        // The limit applies to the calls first, so only the documents of those calls are read.
        `SELECT request_id, ts, feature, model, user_id, status, cost_usd, latency_ms, input_tokens, output_tokens, prompt, response FROM (SELECT request_id, ts, feature, model, user_id, status, cost_usd, latency_ms, input_tokens, output_tokens FROM telltale_calls WHERE ts < $1 ${filter} ORDER BY ts DESC, request_id DESC LIMIT $2) AS c JOIN telltale_call_documents USING (request_id, ts) ORDER BY ts DESC, request_id DESC`,
        params,
      );
      return rows.map(toStoredCall);
    },

    async stateFields(from: Date, to: Date, feature?: string) {
      await ensureMigrated();
      const { sql, params } = stateFieldsSql('telltale_calls', from, to, feature);
      const rows = await query<{ field: string }>(sql, params);
      return rows.map((row) => row.field);
    },

    async withWindow<T>(window: RollupWindow, work: (store: Store) => Promise<T>): Promise<T> {
      await ensureMigrated();
      const client = await connect();
      // The temporary table lives on this one connection, which runs one query at a time.
      let queue: Promise<unknown> = Promise.resolve();
      const clientQuery = (sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => {
        const result = queue.then(async () => {
          try {
            return (await client.query<Record<string, unknown>>(sql, params)).rows;
          } catch (error) {
            throw wrapError(error, displayUrl);
          }
        });
        queue = result.catch(() => undefined);
        return result;
      };
      const table = windowTableName();

      try {
        // JIT compiles each rollup for about 0.3 s and saves little on queries that spend their
        // time in sorts, and more memory keeps those sorts off disk.
        await clientQuery('SET jit = off');
        await clientQuery(`SET work_mem = '${WINDOW_WORK_MEM}'`);
        await clientQuery(buildWindowSql(dialect, window, table));
        // Autovacuum never analyzes temporary tables, and without statistics the planner guesses.
        await clientQuery(`ANALYZE ${table}`);

        return await work(
          windowedStore(store, window, {
            async rollup(rollupQuery) {
              const { sql, params } = buildRollupSql(dialect, rollupQuery, table);
              const rows = await clientQuery(sql, params);
              return rows.map((row) => toRollupRow(row, rollupQuery.groupBy ?? []));
            },
            async stateFields(from, to) {
              const rows = await clientQuery(
                `SELECT DISTINCT feature, jsonb_object_keys(state) AS field FROM (SELECT DISTINCT feature, state FROM ${table} WHERE ts >= $1 AND ts < $2) AS s ORDER BY field, feature`,
                [from.toISOString(), to.toISOString()],
              );
              return rows.map((row) => ({ feature: String(row.feature), field: String(row.field) }));
            },
          }),
        );
      } finally {
        const cleaned = await clientQuery(`DROP TABLE IF EXISTS ${table}`)
          .then(() => clientQuery('RESET jit'))
          .then(() => clientQuery('RESET work_mem'))
          .then(
            () => true,
            () => false,
          );
        // A connection whose settings could not be reset is closed, not returned to the pool.
        client.release(!cleaned);
      }
    },

    async applyRetention(days: number, now = new Date()) {
      await ensureMigrated();
      const cutoff = utcDay(now.getTime() - days * 86_400_000).replaceAll('-', '');
      const dropped: string[] = [];

      for (const table of PARTITIONED_TABLES) {
        const children = await query<{ name: string }>(
          `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = $1`,
          [table],
        );
        for (const { name } of children) {
          const day = /_d(\d{8})$/.exec(name)?.[1];
          if (day === undefined || day >= cutoff) continue;
          await query(`DROP TABLE IF EXISTS ${name}`);
          dropped.push(name);
          partitions.delete(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}`);
        }
      }
      return dropped.sort();
    },

    async count() {
      await ensureMigrated();
      const [calls] = await query<{ n: string }>('SELECT COUNT(*) AS n FROM telltale_calls');
      const [feedback] = await query<{ n: string }>('SELECT COUNT(*) AS n FROM telltale_feedback');
      return { calls: toNumber(calls?.n), feedback: toNumber(feedback?.n) };
    },

    flush: () => Promise.resolve(),

    async close() {
      await pool.end();
    },
  };

  return store;
}

function stateFieldsSql(table: string, from: Date, to: Date, feature?: string): { sql: string; params: unknown[] } {
  const params: unknown[] = [from.toISOString(), to.toISOString()];
  let filter = '';
  if (feature !== undefined) {
    params.push(feature);
    filter = 'AND feature = $3';
  }
  return {
    // Calls share a few state shapes, so the distinct states are found first, by hashing.
    sql: `SELECT DISTINCT jsonb_object_keys(state) AS field FROM (SELECT DISTINCT state FROM ${table} WHERE ts >= $1 AND ts < $2 ${filter}) AS s ORDER BY field`,
    params,
  };
}

/**
 * Inserts rows idempotently: COPY into a temporary staging table, then one INSERT … ON CONFLICT
 * DO NOTHING into `table`, because COPY itself fails on the first key that is already stored.
 * Runs inside the caller's transaction, and the staging table empties at commit.
 */
async function copyInsert(client: pg.PoolClient, table: string, rows: readonly CopyValue[][]): Promise<void> {
  if (rows.length === 0) return;

  const staging = `${table}_staging`;
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${staging} (LIKE ${table}) ON COMMIT DELETE ROWS`);
  await pipeline(Readable.from(copyChunks(rows)), client.query(copyFrom(`COPY ${staging} FROM STDIN`)));
  await client.query(`INSERT INTO ${table} SELECT * FROM ${staging} ON CONFLICT DO NOTHING`);
}

/** A column value as COPY's text format receives it; `null` and `undefined` are NULL. */
type CopyValue = string | number | null | undefined;

function* copyChunks(rows: readonly CopyValue[][]): Generator<string> {
  for (let start = 0; start < rows.length; start += ROWS_PER_COPY_CHUNK) {
    let chunk = '';
    for (const row of rows.slice(start, start + ROWS_PER_COPY_CHUNK)) chunk += `${row.map(copyText).join('\t')}\n`;
    yield chunk;
  }
}

/** Encodes a value for COPY's text format: `\N` is NULL, and backslash, tab, newline and CR are escaped. */
function copyText(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
}

function callValues(row: CallRow): CopyValue[] {
  return [
    row.requestId,
    row.parentId,
    new Date(row.tsMs).toISOString(),
    row.feature,
    row.userId,
    row.sessionId,
    row.release,
    row.environment,
    row.provider,
    row.operation,
    row.model,
    row.modelReturned,
    row.templateId,
    row.promptVersion,
    row.status,
    row.errorType,
    row.inputTokens,
    row.outputTokens,
    row.cachedInputTokens,
    row.reasoningTokens,
    row.costUsd,
    row.latencyMs,
    row.ttftMs,
    JSON.stringify(row.state),
  ];
}

function documentValues(row: CallRow): CopyValue[] {
  return [
    row.requestId,
    new Date(row.tsMs).toISOString(),
    JSON.stringify(row.prompt),
    JSON.stringify(row.response),
    JSON.stringify(row.extra),
  ];
}

function feedbackValues(row: FeedbackRow): CopyValue[] {
  return [
    row.eventId,
    row.requestId,
    new Date(row.tsMs).toISOString(),
    row.signal,
    row.editDistance,
    row.feature,
    row.userId,
    JSON.stringify(row.event),
  ];
}

function toStoredCall(row: Record<string, unknown>): StoredCall {
  return {
    requestId: String(row.request_id),
    timestamp: (row.ts as Date).toISOString(),
    feature: String(row.feature),
    model: String(row.model),
    userId: row.user_id === null ? null : (row.user_id as string),
    status: String(row.status),
    costUsd: row.cost_usd === null ? null : toNumber(row.cost_usd),
    latencyMs: toNumber(row.latency_ms),
    inputTokens: row.input_tokens === null ? null : toNumber(row.input_tokens),
    outputTokens: row.output_tokens === null ? null : toNumber(row.output_tokens),
    prompt: row.prompt,
    response: row.response,
  };
}

/** Keeps StoreErrors, names the URL and the fix for connection failures, and passes SQL errors on. */
function wrapError(error: unknown, displayUrl: string): Error {
  if (error instanceof StoreError) return error;

  const code = (error as { code?: string }).code;
  const connectionCodes = [
    'ECONNREFUSED',
    'ENOTFOUND',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ECONNRESET',
    '28P01',
    '28000',
    '3D000',
  ];
  if (code !== undefined && connectionCodes.includes(code)) return connectionError(displayUrl, error, 'PostgreSQL');
  if (error instanceof Error && /timeout|terminated/i.test(error.message) && code === undefined) {
    return connectionError(displayUrl, error, 'PostgreSQL');
  }
  return error instanceof Error ? error : new Error(String(error));
}
