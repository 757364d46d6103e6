import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

import {
  BaselineError,
  CHECK_FORMATS,
  ConfigError,
  DEFAULT_BASELINE_FILE,
  GitError,
  ProjectLoadError,
  baselineOf,
  changedFilesSince,
  checkoutRevision,
  compareInventories,
  newFindings,
  reporters,
  runCheck,
  sourceReader,
  writeBaseline,
  type CallSite,
  type CheckFormat,
  type CheckReport,
  type InventoryComparison,
} from '@telltale/analyzer';
import { Argument, type Command } from 'commander';

import { EXIT_FINDINGS, UsageError, withUsageErrors, writeReport, type Output } from '../output.js';
import { formatOption } from '../program.js';

interface CheckCommandOptions {
  config?: string;
  tsconfig?: string;
  format: CheckFormat;
  output?: string;
  baseline?: string;
  updateBaseline?: boolean;
  changedSince?: string;
  inventory?: boolean;
  compare?: string;
  perFile?: boolean;
}

const CHECK_ERRORS = [ConfigError, ProjectLoadError, BaselineError, GitError];

/** `telltale check`: the required pull request check over the whole program. */
export function registerCheckCommand(program: Command, output: Output): void {
  program
    .command('check')
    .description('find every model call of a repository and report those without telemetry or user context')
    .addArgument(new Argument('[dir]', 'repository root to analyse').default('.'))
    .option('-c, --config <file>', 'telltale.config.* to use instead of searching from the root')
    .option('--tsconfig <file>', 'tsconfig to start from, relative to the root (default: tsconfig.json)')
    .addOption(formatOption(CHECK_FORMATS, 'text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--baseline <file>', `baseline of known findings (default: ${DEFAULT_BASELINE_FILE} when it exists)`)
    .option('--update-baseline', 'write every current finding to the baseline and exit 0')
    .option('--changed-since <ref>', 'report only files changed since this git ref and files their call graph reaches')
    .option(
      '--inventory',
      'list every model call site with provider, operation, model, feature and verdict (a listing: exits 0)',
    )
    .option('--compare <ref>', 'list call sites added and removed since this git ref, and model changes per call site')
    .option('--per-file', 'skip the cross-file pass, so verdicts equal the ESLint rule')
    .addHelpText(
      'after',
      `
Exit codes: 0 no findings outside the baseline, 1 findings, 2 usage or configuration error.
Formats: text (grouped by file, with code frames), json (versioned shape), sarif (SARIF 2.1.0
for GitHub code scanning), markdown (the pull request comment block), github (annotations).

Examples:
  telltale check                                  # whole repository
  telltale check --format sarif -o telltale.sarif
  telltale check --update-baseline                # adopt gradually: known findings stop failing
  telltale check --changed-since origin/main      # in a pull request`,
    )
    .action(async (dir: string, options: CheckCommandOptions) => {
      const root = resolve(dir);
      const run = (at: string, changedFiles?: string[]): Promise<CheckReport> =>
        runCheck({
          root: at,
          configFile: options.config,
          tsconfig: options.tsconfig,
          baselineFile: options.baseline,
          changedFiles,
          perFileOnly: options.perFile,
          onProgress: progressBar(output),
        });

      if (existsSync(root) && !statSync(root).isDirectory())
        throw new UsageError(`${root} is a file; pass the repository's directory, as in \`telltale check .\``);
      if (options.baseline !== undefined && !options.updateBaseline && !existsSync(resolve(root, options.baseline)))
        throw new UsageError(
          `baseline ${resolve(root, options.baseline)} not found; check the path, or write it with --update-baseline`,
        );

      const report = await withUsageErrors(CHECK_ERRORS, async () => {
        const changed = options.changedSince ? changedFilesSince(root, options.changedSince) : undefined;
        return run(root, changed);
      });
      // A required check that analysed nothing must not pass: the tsconfig or the path is wrong.
      if (!options.changedSince && report.files === 0)
        throw new UsageError(
          `no source files to analyse in ${root}; check that the tsconfig's include or files list matches the sources`,
        );

      if (options.updateBaseline) {
        const path = resolve(root, options.baseline ?? DEFAULT_BASELINE_FILE);
        writeBaseline(path, baselineOf(report.findings));
        output.stderr.write(`wrote ${report.findings.length} findings to ${path}\n`);
        return;
      }

      if (options.compare) {
        const ref = options.compare;
        const before = await withUsageErrors(CHECK_ERRORS, async () => {
          const checkout = checkoutRevision(root, ref);
          try {
            return await run(checkout.dir);
          } finally {
            checkout.remove();
          }
        });
        writeReport(
          output,
          options.output,
          renderComparison(compareInventories(before.sites, report.sites), ref, options.format),
        );
        return;
      }

      if (options.inventory) {
        writeReport(output, options.output, renderInventory(report.sites, options.format));
        return;
      }

      const colors = !options.output && output.colors.isColorSupported;
      writeReport(
        output,
        options.output,
        reporters[options.format](report, { colors, readSource: sourceReader(root) }),
      );
      if (newFindings(report).length > 0) output.exitCode = EXIT_FINDINGS;
    });
}

function renderInventory(sites: CallSite[], format: CheckFormat): string {
  if (format === 'json') return `${JSON.stringify({ version: 1, sites }, null, 2)}\n`;

  const rows = sites.map((site) => [
    `${site.file}:${site.line}`,
    site.provider,
    site.operation,
    site.model ?? '?',
    site.feature ?? '?',
    site.verdict + (site.missingContext.length > 0 ? ` (no ${site.missingContext.join(', ')})` : ''),
  ]);
  const header = ['where', 'provider', 'operation', 'model', 'feature', 'verdict'];

  if (format === 'markdown') {
    return `${[`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n')}\n`;
  }
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => row[index]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, index) => cell.padEnd(widths[index]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line), '', `${sites.length} model calls`].join('\n')}\n`;
}

function renderComparison(comparison: InventoryComparison, ref: string, format: CheckFormat): string {
  if (format === 'json') return `${JSON.stringify({ version: 1, ref, ...comparison }, null, 2)}\n`;

  const describe = (site: CallSite): string =>
    `${site.file}:${site.line} ${site.callee} (${site.provider}${site.model ? `, ${site.model}` : ''})`;
  const lines = [`Model calls compared with ${ref}:`];
  for (const site of comparison.added) lines.push(`  + ${describe(site)}`);
  for (const site of comparison.removed) lines.push(`  - ${describe(site)}`);
  for (const change of comparison.modelChanged) {
    lines.push(
      `  ~ ${change.after.file}:${change.after.line} ${change.after.callee}: model ${change.before.model ?? '?'} → ${change.after.model ?? '?'}`,
    );
  }
  lines.push(
    `${comparison.added.length} added, ${comparison.removed.length} removed, ${comparison.modelChanged.length} model changes`,
  );
  return `${lines.join('\n')}\n`;
}

/** Draws a progress bar on a terminal for projects of more than 200 files. */
function progressBar(output: Output): ((done: number, total: number) => void) | undefined {
  if (!output.interactive) return undefined;
  let last = 0;

  return (done, total) => {
    if (total < 200) return;
    if (done === total) {
      output.stderr.write('\r\u001b[K');
      return;
    }
    if (Date.now() - last < 100) return;
    last = Date.now();

    const width = 30;
    const filled = Math.round((done / total) * width);
    output.stderr.write(
      `\r\u001b[Kanalysing [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} files`,
    );
  };
}
