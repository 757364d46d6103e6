import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

import { ConfigError, loadConfig } from '@telltale/analyzer';
import { openStore, StoreError, STORE_URL_VARIABLE, DEFAULT_STORE_URL, type Store } from '@telltale/store';
import { Option } from 'commander';

import { UsageError, type Output } from './output.js';

/** The `--store <url>` option that every command reading the store shares. */
export function storeOption(): Option {
  return new Option(
    '--store <url>',
    `store URL: sqlite:<path>, postgres://…, clickhouse://… or http(s)://… (default: $${STORE_URL_VARIABLE}, else store.url of telltale.config.*, else ${DEFAULT_STORE_URL})`,
  );
}

/** The access a command needs to the store. */
export interface StoreAccess {
  /**
   * The command only reads: a SQLite file that does not exist is an error instead of a new,
   * empty store at a mistyped path.
   */
  readOnly?: boolean;
}

/**
 * Opens the store, runs `work` and closes it; store and input errors become usage errors (exit 2).
 * The URL is `--store`, else `$TELLTALE_STORE_URL`, else `store.url` of the config file (a
 * relative SQLite path there is relative to the config file), else the default SQLite file.
 */
export async function withStore<T>(
  url: string | undefined,
  output: Output,
  work: (store: Store) => Promise<T>,
  access: StoreAccess = {},
): Promise<T> {
  let store: Store;
  try {
    const resolved = await storeUrl(url);
    if (access.readOnly) requireSqliteFile(resolved);
    store = openStore(resolved);
  } catch (error) {
    throw toUsageError(error);
  }

  try {
    return await work(store);
  } catch (error) {
    throw toUsageError(error);
  } finally {
    await store.close().catch(() => undefined);
    clearProgress(output);
  }
}

/** Draws a one-line progress note on stderr when it is a terminal. */
export function showProgress(output: Output, text: string): void {
  if (output.interactive) output.stderr.write(`\r\u001b[K${text}…`);
}

function clearProgress(output: Output): void {
  if (output.interactive) output.stderr.write('\r\u001b[K');
}

function toUsageError(error: unknown): unknown {
  if (error instanceof StoreError || error instanceof RangeError || error instanceof ConfigError)
    return new UsageError(error.message);
  return error;
}

async function storeUrl(option: string | undefined): Promise<string> {
  if (option !== undefined && option !== '') return option;
  const fromEnv = process.env[STORE_URL_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;

  const loaded = await loadConfig(process.cwd());
  const fromConfig = loaded.config.store?.url;
  if (fromConfig === undefined || fromConfig === '') return DEFAULT_STORE_URL;
  if (!fromConfig.startsWith('sqlite:')) return fromConfig;

  const path = fromConfig.slice('sqlite:'.length);
  return isAbsolute(path) ? fromConfig : `sqlite:${resolve(loaded.baseDir, path)}`;
}

function requireSqliteFile(url: string): void {
  if (!url.startsWith('sqlite:')) return;
  const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  if (path === '' || existsSync(path)) return;
  throw new UsageError(
    `store ${url} not found: no such SQLite file. Check the path, or create the store with \`telltale store migrate --store ${url}\` and record events into it`,
  );
}

/** Parses a positive whole number option such as `--days 7`. */
export function positiveInteger(name: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0)
      throw new UsageError(`invalid ${name} "${value}": use a whole number of 1 or more`);
    return parsed;
  };
}

/** Opens a store that the command only reads, as `withStore` does; a missing SQLite file is an error. */
export function withExistingStore<T>(
  url: string | undefined,
  output: Output,
  work: (store: Store) => Promise<T>,
): Promise<T> {
  return withStore(url, output, work, { readOnly: true });
}
