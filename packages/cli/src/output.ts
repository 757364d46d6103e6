import picocolors from 'picocolors';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** An error in how the command was called or configured; printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type Colors = ReturnType<typeof picocolors.createColors>;

/** Where a command writes: results to stdout, progress and errors to stderr. */
export interface Output {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  colors: Colors;
  /** True when stderr is a terminal, so progress lines may be redrawn in place. */
  interactive: boolean;
  exitCode: number;
  write(text: string): void;
  error(message: string): void;
}

export interface OutputOptions {
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

/**
 * Creates the output of one run. Colours are on only when stdout is a terminal and neither
 * `NO_COLOR` (any non-empty value, see no-color.org) nor `TERM=dumb` is set; `FORCE_COLOR`
 * turns them on regardless.
 */
export function createOutput(options: OutputOptions = {}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;

  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const disabled = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
  const colorful = forced || (!disabled && stdout.isTTY === true);

  const output: Output = {
    stdout,
    stderr,
    colors: picocolors.createColors(colorful),
    interactive: stderr.isTTY === true && env.CI === undefined,
    exitCode: EXIT_OK,
    write(text) {
      stdout.write(text);
    },
    error(message) {
      stderr.write(`telltale: ${message}\n`);
    },
  };

  return output;
}
