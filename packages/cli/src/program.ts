import { readFileSync } from 'node:fs';

import { Command, Option } from 'commander';

import { registerCheckCommand } from './commands/check.js';
import { registerDriftCommand } from './commands/drift.js';
import { registerAskCommand } from './commands/ask.js';
import { registerDigestCommand } from './commands/digest.js';
import { registerSchemaCommand } from './commands/schema.js';
import { registerStoreCommand } from './commands/store.js';
import { registerValidateCommand } from './commands/validate.js';
import type { Output } from './output.js';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Builds the `telltale` program; every command writes through `output`. */
export function createProgram(output: Output): Command {
  const program = new Command('telltale')
    .description(
      'Telemetry guardrails for AI features: every model call ships with its prompt, response, cost and latency, and user context.',
    )
    .version(packageJson.version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'print help for a command')
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (text) => output.stdout.write(text),
      writeErr: (text) => output.stderr.write(text),
      outputError: (text, write) => {
        write(`telltale: ${text.replace(/^error: /, '')}`);
      },
    })
    .exitOverride();

  program.addHelpText(
    'after',
    `
Exit codes: 0 clean, 1 findings (for example invalid events), 2 usage or configuration error.
Colours follow the terminal and are off when NO_COLOR is set or output is not a terminal.`,
  );

  registerCheckCommand(program, output);
  registerValidateCommand(program, output);
  registerDriftCommand(program, output);
  registerSchemaCommand(program, output);
  registerAskCommand(program, output);
  registerDigestCommand(program, output);
  registerStoreCommand(program, output);

  return program;
}

/** Creates the `--format` option that commands share, with its allowed values. */
export function formatOption<Format extends string>(formats: readonly Format[], fallback: Format): Option {
  return new Option('-f, --format <format>', 'output format').choices(formats).default(fallback);
}
