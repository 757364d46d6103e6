import { openStore, resolveStoreUrl, StoreError, STORE_URL_VARIABLE, type Store } from '@telltale/store';
import { Option } from 'commander';

import { UsageError, type Output } from './output.js';

/** The `--store <url>` option that every command reading the store shares. */
export function storeOption(): Option {
  return new Option(
    '--store <url>',
    `store URL: sqlite:<path>, postgres://…, clickhouse://… or http(s)://… (default: $${STORE_URL_VARIABLE}, else sqlite:.telltale/telltale.db)`,
  );
}

/** Opens the store, runs `work` and closes it; store and input errors become usage errors (exit 2). */
export async function withStore<T>(
  url: string | undefined,
  output: Output,
  work: (store: Store) => Promise<T>,
): Promise<T> {
  let store: Store;
  try {
    store = openStore(resolveStoreUrl(url));
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
  if (error instanceof StoreError || error instanceof RangeError) return new UsageError(error.message);
  return error;
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
