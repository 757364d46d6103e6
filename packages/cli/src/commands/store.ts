import type { Command } from 'commander';

import type { Output } from '../output.js';
import { showProgress, storeOption, withStore } from '../store-option.js';

/** `telltale store migrate`: creates or updates the store's tables. */
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
}
