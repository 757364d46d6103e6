import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';
import { SCHEMA_MAJOR, type TelltaleEvent } from '@telltale/schema';

import { resolveDimension } from './dimensions.js';
import { StoreError } from './errors.js';
import { assertCurrent, migrationStatus, type Migration } from './migrations.js';
import { buildRollupSql, buildWindowSql, toNumber, toRollupRow, type SqlDialect } from './rollup-sql.js';
import { toRows, utcDay } from './rows.js';
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

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'create calls and feedback',
    schemaMajor: 1,
    statements: [
      `CREATE TABLE telltale_calls (
        request_id TEXT PRIMARY KEY, parent_id TEXT, ts_ms INTEGER NOT NULL, day TEXT NOT NULL,
        feature TEXT NOT NULL, user_id TEXT, session_id TEXT, release TEXT, environment TEXT,
        provider TEXT NOT NULL, operation TEXT NOT NULL, model TEXT NOT NULL, model_returned TEXT,
        template_id TEXT, prompt_version TEXT, status TEXT NOT NULL, error_type TEXT,
        input_tokens INTEGER, output_tokens INTEGER, cached_input_tokens INTEGER, reasoning_tokens INTEGER,
        cost_usd REAL, latency_ms REAL NOT NULL, ttft_ms REAL,
        state TEXT NOT NULL, prompt TEXT NOT NULL, response TEXT, extra TEXT NOT NULL)`,
      'CREATE INDEX telltale_calls_ts ON telltale_calls (ts_ms)',
      'CREATE INDEX telltale_calls_feature_ts ON telltale_calls (feature, ts_ms)',
      `CREATE TABLE telltale_feedback (
        event_id TEXT PRIMARY KEY, request_id TEXT NOT NULL, ts_ms INTEGER NOT NULL, day TEXT NOT NULL,
        signal TEXT NOT NULL, edit_distance REAL, feature TEXT, user_id TEXT, event TEXT NOT NULL)`,
      'CREATE INDEX telltale_feedback_ts ON telltale_feedback (ts_ms, request_id)',
    ],
  },
];

export const SQLITE_DIALECT: SqlDialect = {
  dimension(dimension) {
    const resolved = resolveDimension(dimension);
    return 'column' in resolved ? resolved.column : `json_extract(state, '$."${resolved.stateField}"')`;
  },
  callTime: 'ts_ms',
  feedbackTime: 'ts_ms',
  time: (date) => String(date.getTime()),
  value(text, params) {
    params.push(text);
    return '?';
  },
  absent: 'null',
  costSum: 'SUM(cost_usd)',
  pricedCount: 'COUNT(cost_usd)',
  distinctUsers: 'COUNT(DISTINCT user_id)',
  joinSignals: (subquery) => `LEFT JOIN (${subquery}) AS s USING (request_id)`,
  latestTime: (condition) => `MAX(CASE WHEN ${condition} THEN ts_ms END)`,
  createWindow: (name, select) => `CREATE TEMP TABLE ${name} AS ${select}`,
  windowColumns: ['ts_ms', 'state'],
  callsTable: 'telltale_calls',
  feedbackTable: 'telltale_feedback',
};

/** Opens (and creates) a SQLite store at `path` in WAL mode. */
export function openSqliteStore(path: string, displayUrl: string): Store {
  let connection: Database.Database | undefined;

  // Opens the file on first use, so that opening a store never throws and errors reject like
  // the server-backed stores' connection errors.
  const database = (): Database.Database => {
    connection ??= openDatabase(path, displayUrl);
    return connection;
  };

  let migrated = false;

  const status = (): MigrationStatus => {
    const applied = database().prepare('SELECT id FROM telltale_migrations').all() as { id: number }[];
    return migrationStatus(
      SQLITE_MIGRATIONS,
      applied.map((row) => row.id),
    );
  };

  const ensureMigrated = (): void => {
    if (migrated) return;
    assertCurrent(status(), displayUrl);
    migrated = true;
  };

  const insertCall = (): Database.Statement =>
    database().prepare(`INSERT OR IGNORE INTO telltale_calls VALUES (${new Array(28).fill('?').join(', ')})`);
  const insertFeedback = (): Database.Statement =>
    database().prepare(`INSERT OR IGNORE INTO telltale_feedback VALUES (${new Array(9).fill('?').join(', ')})`);

  const runRollup = (query: RollupQuery, windowTable?: string): RollupRow[] => {
    const { sql, params } = buildRollupSql(SQLITE_DIALECT, query, windowTable);
    const rows = database()
      .prepare(sql)
      .all(...params) as Record<string, unknown>[];
    return rows.map((row) => toRollupRow(row, query.groupBy ?? []));
  };

  const readStateFields = (table: string, from: Date, to: Date, feature?: string): string[] => {
    const filter = feature === undefined ? '' : 'AND feature = ?';
    const params = feature === undefined ? [from.getTime(), to.getTime()] : [from.getTime(), to.getTime(), feature];
    const rows = database()
      .prepare(
        `SELECT DISTINCT j.key AS field FROM ${table}, json_each(${table}.state) AS j WHERE ts_ms >= ? AND ts_ms < ? ${filter} ORDER BY field`,
      )
      .all(...params) as { field: string }[];
    return rows.map((row) => row.field);
  };

  const store: Store = {
    name: 'sqlite',
    kind: 'sqlite',
    displayUrl,

    write: (batch: readonly TelltaleEvent[]) =>
      settle(() => {
        ensureMigrated();
        const { calls, feedback } = toRows(batch);
        const callStatement = insertCall();
        const feedbackStatement = insertFeedback();

        database().transaction(() => {
          for (const row of calls) {
            callStatement.run(
              row.requestId,
              row.parentId,
              row.tsMs,
              row.day,
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
              JSON.stringify(row.prompt),
              JSON.stringify(row.response),
              JSON.stringify(row.extra),
            );
          }
          for (const row of feedback) {
            feedbackStatement.run(
              row.eventId,
              row.requestId,
              row.tsMs,
              row.day,
              row.signal,
              row.editDistance,
              row.feature,
              row.userId,
              JSON.stringify(row.event),
            );
          }
        })();
      }),

    migrate: () =>
      settle(() => {
        const pending = status().pending;
        const applied: { id: number; name: string }[] = [];

        for (const step of pending) {
          const migration = SQLITE_MIGRATIONS.find((candidate) => candidate.id === step.id)!;
          database().transaction(() => {
            for (const statement of migration.statements) database().exec(statement);
            database()
              .prepare('INSERT INTO telltale_migrations VALUES (?, ?, ?, ?)')
              .run(migration.id, migration.name, SCHEMA_MAJOR, new Date().toISOString());
          })();
          applied.push(step);
        }

        migrated = false;
        return applied;
      }),

    migrationStatus: () => settle(status),

    assertMigrated: () => settle(ensureMigrated),

    rollup: (query: RollupQuery): Promise<RollupRow[]> =>
      settle(() => {
        ensureMigrated();
        return runRollup(query);
      }),

    lastCalls: (query: LastCallsQuery): Promise<StoredCall[]> =>
      settle(() => {
        ensureMigrated();
        const before = (query.before ?? new Date()).getTime();
        const filter = query.feature === undefined ? '' : 'AND feature = ?';
        const params = query.feature === undefined ? [before, query.limit] : [before, query.feature, query.limit];
        const rows = database()
          .prepare(
            `SELECT request_id, ts_ms, feature, model, user_id, status, cost_usd, latency_ms, input_tokens, output_tokens, prompt, response FROM telltale_calls WHERE ts_ms < ? ${filter} ORDER BY ts_ms DESC, request_id DESC LIMIT ?`,
          )
          .all(...params) as Record<string, unknown>[];
        return rows.map(toStoredCall);
      }),

    stateFields: (from: Date, to: Date, feature?: string) =>
      settle(() => {
        ensureMigrated();
        return readStateFields('telltale_calls', from, to, feature);
      }),

    async withWindow<T>(window: RollupWindow, work: (store: Store) => Promise<T>): Promise<T> {
      const table = windowTableName();
      await settle(() => {
        ensureMigrated();
        database().exec(buildWindowSql(SQLITE_DIALECT, window, table));
      });

      try {
        return await work(
          windowedStore(store, window, {
            rollup: (query) => settle(() => runRollup(query, table)),
            stateFields: (from, to) =>
              settle(
                () =>
                  database()
                    .prepare(
                      `SELECT DISTINCT c.feature, j.key AS field FROM ${table} AS c, json_each(c.state) AS j WHERE ts_ms >= ? AND ts_ms < ? ORDER BY field, c.feature`,
                    )
                    .all(from.getTime(), to.getTime()) as { feature: string; field: string }[],
              ),
          }),
        );
      } finally {
        if (connection?.open === true) connection.exec(`DROP TABLE IF EXISTS temp.${table}`);
      }
    },

    applyRetention: (days: number, now = new Date()) =>
      settle(() => {
        ensureMigrated();
        const cutoff = utcDay(now.getTime() - days * 86_400_000);
        const dropped = database()
          .prepare('SELECT DISTINCT day FROM telltale_calls WHERE day < ? ORDER BY day')
          .all(cutoff) as {
          day: string;
        }[];
        database().transaction(() => {
          database().prepare('DELETE FROM telltale_calls WHERE day < ?').run(cutoff);
          database().prepare('DELETE FROM telltale_feedback WHERE day < ?').run(cutoff);
        })();
        return dropped.map((row) => row.day);
      }),

    count: () =>
      settle(() => {
        ensureMigrated();
        const calls = database().prepare('SELECT COUNT(*) AS n FROM telltale_calls').get() as { n: number };
        const feedback = database().prepare('SELECT COUNT(*) AS n FROM telltale_feedback').get() as { n: number };
        return { calls: calls.n, feedback: feedback.n };
      }),

    flush: () => Promise.resolve(),

    close() {
      if (connection?.open === true) connection.close();
      connection = undefined;
      return Promise.resolve();
    },
  };

  return store;
}

function openDatabase(path: string, displayUrl: string): Database.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.exec(
      'CREATE TABLE IF NOT EXISTS telltale_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, schema_major INTEGER NOT NULL, applied_at TEXT NOT NULL)',
    );
    return db;
  } catch (error) {
    throw new StoreError(
      `cannot open SQLite store ${displayUrl}: ${error instanceof Error ? error.message : String(error)}; check that the directory exists and is writable`,
      { cause: error },
    );
  }
}

/** Runs synchronous driver work so that its exceptions become rejections, as in the other stores. */
function settle<T>(work: () => T): Promise<T> {
  return Promise.resolve().then(work);
}

function toStoredCall(row: Record<string, unknown>): StoredCall {
  return {
    requestId: String(row.request_id),
    timestamp: new Date(toNumber(row.ts_ms)).toISOString(),
    feature: String(row.feature),
    model: String(row.model),
    userId: row.user_id === null ? null : (row.user_id as string),
    status: String(row.status),
    costUsd: row.cost_usd === null ? null : toNumber(row.cost_usd),
    latencyMs: toNumber(row.latency_ms),
    inputTokens: row.input_tokens === null ? null : toNumber(row.input_tokens),
    outputTokens: row.output_tokens === null ? null : toNumber(row.output_tokens),
    prompt: JSON.parse(String(row.prompt)) as unknown,
    response: JSON.parse(String(row.response)) as unknown,
  };
}
