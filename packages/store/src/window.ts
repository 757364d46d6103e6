import { randomBytes } from 'node:crypto';

import { windowCovers } from './rollup-sql.js';
import type { RollupQuery, RollupRow, RollupWindow, Store } from './types.js';

/** The reads a backend serves from a window table. */
export interface WindowReader {
  rollup(query: RollupQuery): Promise<RollupRow[]>;
  /** Distinct state fields of the calls that started in `[from, to)`, per feature, ordered by field. */
  stateFields(from: Date, to: Date): Promise<{ feature: string; field: string }[]>;
}

/**
 * Returns a view of `store` whose rollups and state fields inside `window` go to `reader`.
 * The window table does not change, so the view keeps each rollup's rows and serves a repeat
 * from them; a repeat without latency percentiles may reuse rows computed with them.
 */
export function windowedStore(store: Store, window: RollupWindow, reader: WindowReader): Store {
  const inside = (from: Date, to: Date) =>
    from.getTime() >= window.from.getTime() && to.getTime() <= window.to.getTime();
  const computed = new Map<string, { latency: boolean; rows: Promise<RollupRow[]> }>();
  const fieldLists = new Map<string, Promise<{ feature: string; field: string }[]>>();

  // One query lists the fields of every feature, because callers ask feature by feature.
  const readStateFields = async (from: Date, to: Date, feature?: string): Promise<string[]> => {
    const key = `${from.getTime()}/${to.getTime()}`;
    let list = fieldLists.get(key);
    if (list === undefined) {
      list = reader.stateFields(from, to);
      fieldLists.set(key, list);
      list.catch(() => fieldLists.delete(key));
    }

    const fields = (await list).filter((row) => feature === undefined || row.feature === feature);
    return [...new Set(fields.map((row) => row.field))];
  };

  const readRollup = async (query: RollupQuery): Promise<RollupRow[]> => {
    const latency = query.latency ?? true;
    const key = JSON.stringify([
      query.boundaries.map((boundary) => boundary.getTime()),
      query.groupBy ?? [],
      Object.entries(query.where ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      query.heavyEditDistance ?? null,
    ]);
    let entry = computed.get(key);
    if (entry === undefined || (latency && !entry.latency)) {
      const rows = reader.rollup(query);
      entry = { latency, rows };
      computed.set(key, entry);
      rows.catch(() => computed.delete(key));
    }

    // Copies, so that a caller that changes its rows does not change another caller's.
    return (await entry.rows).map((row) => ({
      ...row,
      keys: { ...row.keys },
      signals: { ...row.signals },
      ...(latency ? {} : { latencyP50Ms: null, latencyP95Ms: null }),
    }));
  };

  return {
    ...store,
    rollup: (query) => (windowCovers(window, query) ? readRollup(query) : store.rollup(query)),
    stateFields: (from, to, feature) =>
      inside(from, to) ? readStateFields(from, to, feature) : store.stateFields(from, to, feature),
  };
}

/** Returns a new window table name, so that windows open at the same time never share a table. */
export function windowTableName(): string {
  return `telltale_window_${randomBytes(6).toString('hex')}`;
}
