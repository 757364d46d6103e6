import { ConfigError, ProjectLoadError, loadConfig, resolveFromConfig } from '@telltale/analyzer';
import {
  CatalogError,
  type CatalogSchema,
  DEFAULT_SNAPSHOT_FILE,
  DRIFT_FORMATS,
  SnapshotError,
  driftReporters,
  readSnapshot,
  runDriftCheck,
  validateEventFiles,
  validationReporters,
  type CompatibilityMode,
  type DriftFormat,
  type Preset,
  type Styles,
} from '@telltale/drift';
import { SCHEMA_VERSION } from '@telltale/schema';
import { Option, type Command } from 'commander';

import { EXIT_FINDINGS, UsageError, withUsageErrors, writeReport, type Output } from '../output.js';
import { formatOption } from '../program.js';
import { withExistingStore } from '../store-option.js';

interface DriftOptions {
  config?: string;
  update?: boolean;
  mode?: CompatibilityMode;
  preset?: Preset;
  format: DriftFormat;
  output?: string;
  store?: string;
}

interface ValidateOptions {
  config?: string;
  catalog: boolean;
  strict?: boolean;
  format: DriftFormat;
  output?: string;
}

const DRIFT_ERRORS = [ConfigError, CatalogError, SnapshotError, ProjectLoadError];

/** `telltale drift`: the schema-drift check, and `telltale drift validate` for recorded events. */
export function registerDriftCommand(program: Command, output: Output): void {
  const drift = program
    .command('drift')
    .description('compare the telemetry schema (feature catalog and core event schema) with the committed snapshot')
    // `drift validate` has options of the same names, so drift's own options go before it.
    .enablePositionalOptions()
    .option('-c, --config <file>', 'telltale.config.* to use instead of searching from the current directory')
    .option('-u, --update', 'rewrite the snapshot (telltale.schema.json) with the current schema')
    .addOption(
      new Option('-m, --mode <mode>', 'compatibility to enforce (default: drift.mode, else full)').choices([
        'backward',
        'forward',
        'full',
      ]),
    )
    .addOption(
      new Option('-p, --preset <preset>', 'rule strictness (default: drift.preset, else default)').choices([
        'strict',
        'default',
        'lenient',
      ]),
    )
    .addOption(formatOption(DRIFT_FORMATS, 'text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option(
      '--store <url>',
      'also check that the store at this URL has the migrations of this event schema version (exit 1 when it is behind)',
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 no unacknowledged breaking change, 1 breaking change, 2 usage or configuration error.
Modes: backward (new consumers read old events), forward (old consumers read new events), full (both).

Examples:
  telltale drift                      # in CI: fail on breaking changes
  telltale drift --update             # accept the current schema; commit telltale.schema.json
  telltale drift --format markdown    # the block for a pull request comment`,
    )
    .action(async (options: DriftOptions) => {
      const report = await withUsageErrors(DRIFT_ERRORS, () =>
        runDriftCheck({
          cwd: process.cwd(),
          configFile: options.config,
          mode: options.mode,
          preset: options.preset,
          update: options.update,
        }),
      );
      writeReport(output, options.output, driftReporters[options.format](report, stylesOf(output, options)));
      if (report.failed) output.exitCode = EXIT_FINDINGS;

      if (options.store) {
        const behind = await checkStoreMigrations(options.store, output);
        if (behind) output.exitCode = EXIT_FINDINGS;
      }
    });

  drift
    .command('validate')
    .description('check recorded events (JSON Lines) against the core schema and the feature catalog in the snapshot')
    .argument('<files...>', 'JSON Lines files to read; - reads standard input')
    .option('-c, --config <file>', 'telltale.config.* to use instead of searching from the current directory')
    .option('--no-catalog', 'check the core schema only, without the feature catalog')
    .option('--strict', 'also fail (exit 1) when events lack a part of the four-tuple')
    .addOption(formatOption(DRIFT_FORMATS, 'text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addHelpText(
      'after',
      `
Checks every event: core schema, unknown features, state fields not in the catalog, state type
mismatches, and missing four-tuple parts (prompt, response, usage, cost, feature, user). Counts
each kind of problem with its first examples and their line numbers. Streams, so files of any
size work. Exit codes: 0 valid, 1 invalid events, no events at all (or missing parts with
--strict), 2 usage error.`,
    )
    .action(async (files: string[], options: ValidateOptions) => {
      const catalog = options.catalog
        ? await withUsageErrors(DRIFT_ERRORS, () => loadSnapshotCatalog(options.config))
        : undefined;
      const progress = progressReporter(output);

      const report = await withUsageErrors(DRIFT_ERRORS, () =>
        validateEventFiles(files, { catalog, onProgress: progress }),
      );
      progress(undefined);

      writeReport(output, options.output, validationReporters[options.format](report, stylesOf(output, options)));
      const failed = report.events === 0 || report.invalid > 0 || (options.strict === true && report.incomplete > 0);
      if (failed) output.exitCode = EXIT_FINDINGS;
    });
}

async function loadSnapshotCatalog(configFile: string | undefined): Promise<CatalogSchema> {
  const loaded = await loadConfig(process.cwd(), configFile);
  const path = resolveFromConfig(loaded, loaded.config.drift?.snapshot ?? DEFAULT_SNAPSHOT_FILE);
  const snapshot = readSnapshot(path);
  if (!snapshot) {
    throw new UsageError(
      `snapshot ${path} not found; run \`telltale drift --update\` first, or pass --no-catalog to check the core schema only`,
    );
  }
  return snapshot.features;
}

/**
 * Reports whether the store's migrations match this version of the event schema; returns true
 * when migrations are pending.
 */
async function checkStoreMigrations(url: string, output: Output): Promise<boolean> {
  return withExistingStore(url, output, async (store) => {
    const status = await store.migrationStatus();
    if (status.pending.length === 0) {
      output.stderr.write(
        `store ${store.displayUrl} matches event schema ${SCHEMA_VERSION} (migration ${status.current})\n`,
      );
      return false;
    }
    const pending = status.pending.map((step) => `${step.id} ${step.name}`).join(', ');
    output.stderr.write(
      `store ${store.displayUrl} is at migration ${status.current} of ${status.latest} for event schema ${SCHEMA_VERSION}; pending: ${pending}. Run \`telltale store migrate --store ${store.displayUrl}\`\n`,
    );
    return true;
  });
}

function stylesOf(output: Output, options: { output?: string }): Styles {
  const colors = output.colors;
  if (options.output) return { bold: String, red: String, yellow: String, green: String, dim: String };
  return { bold: colors.bold, red: colors.red, yellow: colors.yellow, green: colors.green, dim: colors.dim };
}

function progressReporter(output: Output): (events: number | undefined) => void {
  if (!output.interactive) return () => undefined;
  let drawn = false;
  return (events) => {
    if (events === undefined) {
      if (drawn) output.stderr.write('\r\u001b[K');
      return;
    }
    drawn = true;
    output.stderr.write(`\r\u001b[Kvalidated ${events.toLocaleString('en-US')} events…`);
  };
}
