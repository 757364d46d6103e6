import { writeFile } from 'node:fs/promises';

import { buildDigest, renderDigestHtml, renderDigestMarkdown, renderDigestText } from '@telltale/insights';
import type { Command } from 'commander';

import { UsageError, type Output } from '../output.js';
import { formatOption } from '../program.js';
import { showProgress, storeOption, withExistingStore } from '../store-option.js';

const FORMATS = ['text', 'markdown', 'html'] as const;
type Format = (typeof FORMATS)[number];

const RENDERERS = { text: renderDigestText, markdown: renderDigestMarkdown, html: renderDigestHtml } as const;

/** `telltale digest`: the weekly digest of cost, latency, hallucination signal, anomalies and regressions. */
export function registerDigestCommand(program: Command, output: Output): void {
  program
    .command('digest')
    .description(
      'write the weekly digest: cost, cost per active user, p95 latency, hallucination signal, feature usage, anomalies and regressions with their likely cause',
    )
    .option('--week <iso-week>', 'ISO week such as 2026-W49 (default: the last complete week)')
    .option('--timezone <iana>', 'IANA timezone whose Monday midnight starts the week, such as Europe/Berlin', 'UTC')
    .addOption(storeOption())
    .addOption(formatOption(FORMATS, 'text'))
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .addHelpText(
      'after',
      `
Regressions compare the week with the week two weeks earlier. Markdown has tables and Mermaid
xychart-beta charts; HTML is one self-contained file with inline SVG charts.

Example:
  telltale digest --week 2026-W49 --timezone Europe/Berlin --format markdown --output digest.md`,
    )
    .action(async (options: { week?: string; timezone: string; store?: string; format: Format; output?: string }) => {
      await withExistingStore(options.store, output, async (store) => {
        const digest = await buildDigest(store, {
          week: options.week,
          timezone: options.timezone,
          onProgress: (step) => {
            showProgress(output, `digest: ${step}`);
          },
        });
        const text = RENDERERS[options.format](digest);

        if (options.output === undefined) {
          output.write(text);
          return;
        }
        try {
          await writeFile(options.output, text);
        } catch (error) {
          throw new UsageError(
            `cannot write ${options.output}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        output.stderr.write(`wrote the ${digest.week} digest to ${options.output}\n`);
      });
    });
}
