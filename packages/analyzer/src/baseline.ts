import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import type { Finding, RuleId } from './findings.js';

/** Default baseline file name, at the project root. */
export const DEFAULT_BASELINE_FILE = 'telltale-baseline.json';

/** One known finding, keyed by what survives edits: never by line number. */
export interface BaselineEntry {
  ruleId: RuleId;
  file: string;
  enclosingSymbol: string;
  callee: string;
  /** How many findings share this key (the same call written twice in one function). */
  count: number;
}

export interface Baseline {
  version: 1;
  entries: BaselineEntry[];
}

/** A baseline file that exists but cannot be used. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

export function readBaseline(path: string): Baseline | undefined {
  if (!existsSync(path)) return undefined;

  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new BaselineError(
      `baseline ${path} is not valid JSON (${detail}); restore it or rewrite it with --update-baseline`,
    );
  }

  const baseline = parsed as Partial<Baseline>;
  if (baseline.version !== 1 || !Array.isArray(baseline.entries)) {
    throw new BaselineError(
      `baseline ${path} is malformed: expected { "version": 1, "entries": [...] }; rewrite it with --update-baseline`,
    );
  }
  return baseline as Baseline;
}

/** Returns the baseline that lists exactly these findings, sorted so diffs stay small. */
export function baselineOf(findings: readonly Finding[]): Baseline {
  const entries = new Map<string, BaselineEntry>();

  for (const finding of findings) {
    const key = keyOf(finding.ruleId, finding.site.file, finding.site.enclosingSymbol, finding.site.callee);
    const entry = entries.get(key);
    if (entry) entry.count += 1;
    else {
      entries.set(key, {
        ruleId: finding.ruleId,
        file: finding.site.file,
        enclosingSymbol: finding.site.enclosingSymbol,
        callee: finding.site.callee,
        count: 1,
      });
    }
  }

  return { version: 1, entries: [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, entry]) => entry) };
}

export function writeBaseline(path: string, baseline: Baseline): void {
  writeFileSync(path, `${JSON.stringify(baseline, null, 2)}\n`);
}

/**
 * Marks the findings the baseline lists as `baselined` and returns the entries that no longer
 * match any finding (stale: the call was fixed or removed, so the entry can go).
 */
export function applyBaseline(findings: Finding[], baseline: Baseline): BaselineEntry[] {
  const remaining = new Map<string, BaselineEntry & { left: number }>();
  for (const entry of baseline.entries) {
    remaining.set(keyOf(entry.ruleId, entry.file, entry.enclosingSymbol, entry.callee), {
      ...entry,
      left: entry.count,
    });
  }

  for (const finding of findings) {
    const entry = remaining.get(
      keyOf(finding.ruleId, finding.site.file, finding.site.enclosingSymbol, finding.site.callee),
    );
    if (entry && entry.left > 0) {
      entry.left -= 1;
      finding.baselined = true;
    }
  }

  return [...remaining.values()]
    .filter((entry) => entry.left === entry.count)
    .map((entry) => ({
      ruleId: entry.ruleId,
      file: entry.file,
      enclosingSymbol: entry.enclosingSymbol,
      callee: entry.callee,
      count: entry.count,
    }));
}

function keyOf(ruleId: string, file: string, symbol: string, callee: string): string {
  return `${ruleId}\u0000${file}\u0000${symbol}\u0000${callee}`;
}
