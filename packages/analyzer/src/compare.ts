import type { CallSite } from './findings.js';

/** Differences between the model calls of two revisions. */
export interface InventoryComparison {
  added: CallSite[];
  removed: CallSite[];
  /** Call sites present in both whose static model changed. */
  modelChanged: { before: CallSite; after: CallSite }[];
}

/** Compares two inventories by file, enclosing symbol and callee, which survive lines moving. */
export function compareInventories(before: readonly CallSite[], after: readonly CallSite[]): InventoryComparison {
  const keyed = (sites: readonly CallSite[]): Map<string, CallSite[]> => {
    const map = new Map<string, CallSite[]>();
    for (const site of sites) {
      const key = `${site.file}\u0000${site.enclosingSymbol}\u0000${site.callee}`;
      map.set(key, [...(map.get(key) ?? []), site]);
    }
    return map;
  };
  const beforeByKey = keyed(before);
  const afterByKey = keyed(after);
  const comparison: InventoryComparison = { added: [], removed: [], modelChanged: [] };

  for (const [key, sites] of afterByKey) {
    const previous = beforeByKey.get(key) ?? [];
    sites.forEach((site, index) => {
      const old = previous[index];
      if (!old) comparison.added.push(site);
      else if (old.model !== site.model) comparison.modelChanged.push({ before: old, after: site });
    });
  }
  for (const [key, sites] of beforeByKey) {
    const current = afterByKey.get(key) ?? [];
    comparison.removed.push(...sites.slice(current.length));
  }
  return comparison;
}
