import { SCHEMA_FILES, SCHEMA_VERSION, jsonSchemaOf } from '@telltale/schema';
import type { Command } from 'commander';
import { Argument } from 'commander';

import type { Output } from '../output.js';

type EventKind = keyof typeof SCHEMA_FILES;

/** `telltale schema [kind]`: prints the JSON Schema (2020-12) of an event kind. */
export function registerSchemaCommand(program: Command, output: Output): void {
  program
    .command('schema')
    .description(`print the JSON Schema (2020-12) of an event kind; event schema version ${SCHEMA_VERSION}`)
    .addArgument(new Argument('[kind]', 'event kind').choices(Object.keys(SCHEMA_FILES)).default('model_call'))
    .action((kind: EventKind) => {
      output.write(`${JSON.stringify(jsonSchemaOf(kind), null, 2)}\n`);
    });
}
