import { CommanderError } from 'commander';

import { createProgram } from './program.js';
import { EXIT_USAGE, UsageError, createOutput, type Output } from './output.js';

/**
 * Runs the `telltale` command line with `argv` (without the node and script paths) and returns
 * the exit code: 0 clean, 1 findings, 2 usage or configuration error.
 */
export async function main(argv: readonly string[], output: Output = createOutput()): Promise<number> {
  const program = createProgram(output);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return output.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end through exitOverride with code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      output.error(error.message);
      return EXIT_USAGE;
    }
    throw error;
  }
}
