import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import picocolors from 'picocolors';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** An error in how the command was called or configured; printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type Colors = ReturnType<typeof picocolors.createColors>;

/** Destination of a command's output: results to stdout, progress and errors to stderr. */
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
 * `NO_COLOR` (any non-empty value, see no-color.org) nor `TERM=dumb` is set. `FORCE_COLOR`
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

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs `action` and turns the errors that mean bad input (the given classes, and a file that
 * cannot be read) into usage errors, which print their message and exit with code 2.
 */
export async function withUsageErrors<T>(classes: readonly ErrorClass[], action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (classes.some((errorClass) => error instanceof errorClass)) throw new UsageError((error as Error).message);

    const { code, path } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT') throw new UsageError(`cannot read ${path ?? 'a file'}: no such file; check the path`);
    if (code === 'EISDIR') throw new UsageError(`cannot read ${path ?? 'a file'}: it is a directory; name a file`);
    if (code === 'EACCES') throw new UsageError(`cannot read ${path ?? 'a file'}: permission denied`);
    throw error;
  }
}

/** Writes a report to `file` when given, else to standard output. */
export function writeReport(output: Output, file: string | undefined, text: string): void {
  if (!file) {
    output.write(text);
    return;
  }

  // Report paths such as reports/telltale.sarif are common in CI, so missing folders are created.
  try {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    writeFileSync(file, text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UsageError(`cannot write ${file}: ${detail}; check the --output path`);
  }
}
