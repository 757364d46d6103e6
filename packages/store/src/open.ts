import { openClickhouseStore } from './clickhouse.js';
import { redactUrl, StoreError } from './errors.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

/** Environment variable that names the store when no URL is passed. */
export const STORE_URL_VARIABLE = 'TELLTALE_STORE_URL';
/** Days of data `applyRetention` keeps unless told otherwise. */
export const DEFAULT_RETENTION_DAYS = 90;

/** The embedded default: a SQLite file in the working directory. */
export const DEFAULT_STORE_URL = 'sqlite:.telltale/telltale.db';

const SUPPORTED =
  'sqlite:<path>, postgres://user:password@host:5432/database, clickhouse://user:password@host:8123/database or http(s)://host:8123 for ClickHouse';

/** Returns the URL given, else `TELLTALE_STORE_URL`, else the embedded SQLite default. */
export function resolveStoreUrl(url?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (url !== undefined && url !== '') return url;
  const fromEnv = env[STORE_URL_VARIABLE];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_STORE_URL;
}

/**
 * Opens the store a URL names. Nothing connects until the first call, and no migration runs:
 * call `migrate()` (the `telltale store migrate` command) to create or update the tables.
 */
export function openStore(url: string): Store {
  const displayUrl = redactUrl(url);

  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new StoreError(`invalid store URL ${displayUrl}: name a file, as in sqlite:./telltale.db`);
    return openSqliteStore(path, displayUrl);
  }

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError(`invalid store URL ${displayUrl}; use ${SUPPORTED}`);
  }

  switch (parsed.protocol) {
    case 'postgres:':
    case 'postgresql:':
      return openPostgresStore(url, displayUrl);
    case 'clickhouse:':
    case 'http:':
    case 'https:': {
      const scheme = parsed.protocol === 'https:' ? 'https' : 'http';
      const port = parsed.port === '' ? (scheme === 'https' ? '8443' : '8123') : parsed.port;
      const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'default';
      return openClickhouseStore(
        {
          url: `${scheme}://${parsed.hostname}:${port}`,
          username: decodeURIComponent(parsed.username) || 'default',
          password: decodeURIComponent(parsed.password),
          database,
        },
        displayUrl,
      );
    }
    default:
      throw new StoreError(`unsupported store URL scheme "${parsed.protocol}" in ${displayUrl}; use ${SUPPORTED}`);
  }
}
