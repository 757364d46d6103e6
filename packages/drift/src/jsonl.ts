import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';

import { BYTE_ORDER_MARK, isBlank, startsWithByteOrderMark } from './batch.js';

/** One line of a JSON Lines input, with its 1-based line number. */
export type JsonLine =
  | { line: number; ok: true; value: unknown }
  | { line: number; ok: false; reason: 'invalid-utf8' | 'invalid-json'; message: string };

const NEWLINE = 0x0a;

/**
 * Reads JSON Lines from a file path, or from standard input for `-`, one parsed value per
 * non-blank line. Lines are split on raw bytes before decoding, so a line with invalid UTF-8 is
 * reported on its own instead of being silently replaced with U+FFFD. A UTF-8 byte order mark is
 * skipped before the first line only, as `telltale drift validate` does.
 */
export async function* readJsonLines(
  source: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): AsyncGenerator<JsonLine> {
  const stream = source === '-' ? stdin : createReadStream(source);
  // ignoreBOM keeps a byte order mark in the text, because only the one before line 1 is skipped.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let pending: Buffer[] = [];
  let lineNumber = 0;

  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    let newline = bytes.indexOf(NEWLINE, start);

    while (newline !== -1) {
      pending.push(bytes.subarray(start, newline));
      lineNumber += 1;
      const parsed = parseLine(Buffer.concat(pending), lineNumber, decoder);
      if (parsed) yield parsed;
      pending = [];
      start = newline + 1;
      newline = bytes.indexOf(NEWLINE, start);
    }

    if (start < bytes.length) pending.push(bytes.subarray(start));
  }

  if (pending.length > 0) {
    lineNumber += 1;
    const parsed = parseLine(Buffer.concat(pending), lineNumber, decoder);
    if (parsed) yield parsed;
  }
}

function parseLine(bytes: Buffer, line: number, decoder: TextDecoder): JsonLine | undefined {
  const start = line === 1 && startsWithByteOrderMark(bytes, 0, bytes.length) ? BYTE_ORDER_MARK.length : 0;
  if (isBlank(bytes, start, bytes.length)) return undefined;

  let text: string;
  try {
    text = decoder.decode(bytes.subarray(start));
  } catch {
    return { line, ok: false, reason: 'invalid-utf8', message: 'is not valid UTF-8; re-encode the file as UTF-8' };
  }

  try {
    return { line, ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      line,
      ok: false,
      reason: 'invalid-json',
      message: `is not valid JSON (${detail}); a truncated write leaves such a line`,
    };
  }
}
