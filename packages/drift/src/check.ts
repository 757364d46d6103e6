import { relative, resolve } from 'node:path';

import { ConfigError, loadConfig, loadProject, resolveFromConfig } from '@telltale/analyzer';
import { SCHEMA_VERSION } from '@telltale/schema';

import { diffSchemas, evaluate, type Finding } from './diff.js';
import { extractCatalog, type CatalogSchema } from './extract.js';
import type { CompatibilityMode, Preset } from './rules.js';
import {
  DEFAULT_SNAPSHOT_FILE,
  SNAPSHOT_FORMAT_VERSION,
  readSnapshot,
  writeSnapshot,
  type Snapshot,
} from './snapshot.js';

export interface DriftCheckOptions {
  /** Directory to start the config search from. */
  cwd: string;
  /** Config file to use instead of searching. */
  configFile?: string | undefined;
  /** Overrides `drift.mode` of the config. */
  mode?: CompatibilityMode | undefined;
  /** Overrides `drift.preset` of the config. */
  preset?: Preset | undefined;
  /** Rewrites the snapshot with the current schema after comparing. */
  update?: boolean | undefined;
}

/** Result of `telltale drift`; the `--format json` output. */
export interface DriftReport {
  version: 1;
  snapshot: string;
  mode: CompatibilityMode;
  preset: Preset;
  schemaVersion: { snapshot: string; current: string };
  catalogVersion: { snapshot: string; current: string };
  features: number;
  findings: Finding[];
  /** Breaking findings that do not fail the check, with the reason. */
  acknowledged: Finding[];
  /** `drift.allow` entries that match no current change, so they can be removed. */
  staleAllow: { fingerprint: string; reason: string }[];
  /** Whether any unacknowledged breaking change remains. */
  failed: boolean;
  /** Whether the snapshot was written by `--update`. */
  updated: boolean;
  /** Whether the snapshot did not exist before this run. */
  created: boolean;
}

/**
 * Compares the app's feature catalog and the core schema version with the committed snapshot,
 * and with `update` rewrites the snapshot.
 */
export async function runDriftCheck(options: DriftCheckOptions): Promise<DriftReport> {
  const loaded = await loadConfig(options.cwd, options.configFile);
  const catalogRef = loaded.config.catalog;
  if (!catalogRef) {
    const fix =
      "catalog: { file: 'src/features.ts', type: 'Features' }, naming the type that maps feature names to their state";
    const message = loaded.filepath
      ? `no feature catalog configured in ${loaded.filepath}; add ${fix}`
      : `no telltale.config.{ts,js,json} found in ${resolve(options.cwd)} or above; create telltale.config.json with { ${fix} }`;
    throw new ConfigError(message, loaded.filepath);
  }

  const drift = loaded.config.drift ?? {};
  const mode = options.mode ?? drift.mode ?? 'full';
  const preset = options.preset ?? drift.preset ?? 'default';
  const snapshotPath = resolveFromConfig(loaded, drift.snapshot ?? DEFAULT_SNAPSHOT_FILE);
  const catalogFile = resolveFromConfig(loaded, catalogRef.file);

  const project = loadProject(loaded.baseDir, { entryFiles: [catalogFile] });
  const current = extractCatalog(project, catalogFile, catalogRef.type);
  const previous = readSnapshot(snapshotPath);

  if (!previous && !options.update) {
    throw new ConfigError(
      `snapshot ${snapshotPath} not found; run \`telltale drift --update\` once and commit the file it writes`,
      loaded.filepath,
    );
  }

  const snapshotCatalogVersion = previous?.catalogVersion ?? drift.version ?? '1.0.0';
  const currentCatalogVersion = drift.version ?? snapshotCatalogVersion;
  if (compareVersions(currentCatalogVersion, snapshotCatalogVersion) < 0) {
    throw new ConfigError(
      `drift.version ${currentCatalogVersion} is below the catalog version ${snapshotCatalogVersion} of the snapshot ${snapshotPath}; set drift.version to ${snapshotCatalogVersion} or higher`,
      loaded.filepath,
    );
  }
  const changes = previous
    ? diffSchemas(previous.features, current, { before: previous.schemaVersion, after: SCHEMA_VERSION })
    : [];
  const findings = evaluate(changes, mode, preset, {
    snapshotCatalogVersion,
    currentCatalogVersion,
    allow: drift.allow ?? [],
  });

  if (options.update) {
    writeSnapshot(
      snapshotPath,
      buildSnapshot(current, currentCatalogVersion, loaded.baseDir, catalogFile, catalogRef.type),
    );
  }

  return {
    version: 1,
    snapshot: snapshotPath,
    mode,
    preset,
    schemaVersion: { snapshot: previous?.schemaVersion ?? SCHEMA_VERSION, current: SCHEMA_VERSION },
    catalogVersion: { snapshot: snapshotCatalogVersion, current: currentCatalogVersion },
    features: Object.keys(current).length,
    findings,
    acknowledged: findings.filter((finding) => finding.acknowledged !== undefined),
    staleAllow: (drift.allow ?? []).filter(
      (entry) => !changes.some((change) => change.fingerprint === entry.fingerprint),
    ),
    failed: !options.update && findings.some((finding) => finding.severity === 'breaking' && !finding.acknowledged),
    updated: options.update === true,
    created: previous === undefined,
  };
}

/** Orders two `major.minor.patch` versions: negative when `a` is lower, 0 when equal. */
function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < 3; index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function buildSnapshot(
  features: CatalogSchema,
  catalogVersion: string,
  baseDir: string,
  catalogFile: string,
  type: string,
): Snapshot {
  return {
    snapshotVersion: SNAPSHOT_FORMAT_VERSION,
    schemaVersion: SCHEMA_VERSION,
    catalogVersion,
    catalog: { file: relative(baseDir, catalogFile).split('\\').join('/'), type },
    features,
  };
}
