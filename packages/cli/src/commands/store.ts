import { DEFAULT_RETENTION_DAYS } from '@telltale/store';
import { Option, type Command } from 'commander';

import type { Output } from '../output.js';
import { positiveInteger, showProgress, storeOption, withStore } from '../store-option.js';

/** `telltale store migrate` and `telltale store retention`: the store's tables and their age. */
export function registerStoreCommand(program: Command, output: Output): void {
  const store = program.command('store').description('manage the event store');

  store
    .command('migrate')
    .description('create or update the store tables for this version of the event schema')
    .addOption(storeOption())
    .addHelpText(
      'after',
      `
Migrations are applied explicitly: other commands check the store first and stop with this
command in the message when it is behind. Running it again applies nothing.

Example:
  telltale store migrate --store postgres://telltale@localhost:5432/telltale`,
    )
    .action(async (options: { store?: string }) => {
      await withStore(options.store, output, async (opened) => {
        showProgress(output, `migrating ${opened.displayUrl}`);
        const applied = await opened.migrate();
        const status = await opened.migrationStatus();

        output.write(
          applied.length === 0
            ? `${opened.displayUrl} is up to date (migration ${status.current})\n`
            : `${applied.map((step) => `applied migration ${step.id}: ${step.name}`).join('\n')}\n${output.colors.green(`${opened.displayUrl} is at migration ${status.current}`)}\n`,
        );
      });
    });

  store
    .command('retention')
    .description('delete model calls and feedback older than the retention period')
    .addOption(
      new Option('--days <count>', 'days of data to keep, counted back from now')
        .argParser(positiveInteger('--days'))
        .default(DEFAULT_RETENTION_DAYS),
    )
    .addOption(storeOption())
    .addHelpText(
      'after',
      `
PostgreSQL and ClickHouse drop whole day partitions (UTC days); SQLite deletes the rows.
Run it daily, for example from cron or a scheduled CI job.

Example:
  telltale store retention --days 30 --store clickhouse://default@localhost:8123/telltale`,
    )
    .action(async (options: { store?: string; days: number }) => {
      await withStore(options.store, output, async (opened) => {
        showProgress(output, `applying ${options.days}-day retention to ${opened.displayUrl}`);
        const dropped = await opened.applyRetention(options.days);

        output.write(
          dropped.length === 0
            ? `nothing older than ${options.days} days in ${opened.displayUrl}\n`
            : `dropped ${dropped.length} ${dropped.length === 1 ? 'day' : 'days or partitions'} older than ${options.days} days: ${dropped.join(', ')}\n`,
        );
      });
    });
}
