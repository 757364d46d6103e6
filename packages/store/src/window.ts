import { randomBytes } from 'node:crypto';

import { windowCovers } from './rollup-sql.js';
import type { RollupQuery, RollupRow, RollupWindow, Store } from './types.js';

/** The reads a backend serves from a window table. */
export interface WindowReader {
  rollup(query: RollupQuery): Promise<RollupRow[]>;
  stateFields(from: Date, to: Date, feature?: string): Promise<string[]>;
}

/** Returns a view of `store` whose rollups and state fields inside `window` go to `reader`. */
export function windowedStore(store: Store, window: RollupWindow, reader: WindowReader): Store {
  const inside = (from: Date, to: Date) =>
    from.getTime() >= window.from.getTime() && to.getTime() <= window.to.getTime();

  return {
    ...store,
    rollup: (query) => (windowCovers(window, query) ? reader.rollup(query) : store.rollup(query)),
    stateFields: (from, to, feature) =>
      inside(from, to) ? reader.stateFields(from, to, feature) : store.stateFields(from, to, feature),
  };
}

/** Returns a new window table name, so that windows open at the same time never share a table. */
export function windowTableName(): string {
  return `telltale_window_${randomBytes(6).toString('hex')}`;
}
