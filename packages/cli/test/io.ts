import { PassThrough } from 'node:stream';

import { createOutput, type Output } from '../src/index.js';

export interface CapturedOutput {
  output: Output;
  stdout: () => string;
  stderr: () => string;
}

/** An output whose stdout and stderr are captured, as a terminal (`tty`) or as a pipe. */
export function captureOutput(options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}): CapturedOutput {
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  const stderr = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));

  return {
    output: createOutput({ stdout, stderr, env: options.env ?? {} }),
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
  };
}
