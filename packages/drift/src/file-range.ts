import { closeSync, openSync, readSync } from 'node:fs';

import { BatchValidator, type BatchResult, type EventCheck } from './batch.js';

/** Bytes read from the file at a time; a longer line grows the buffer until it fits. */
const READ_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * Validates the lines of a file that start at a byte offset in `[start, end)`. A line that starts
 * in the range is read to its end even past `end`, and a line that starts before `start` is left
 * to the range before, so ranges that tile a file validate every line exactly once. The result's
 * `lines` counts the lines that start in the range, which gives the next range its first line number.
 *
 * It reads synchronously, so it belongs on a worker thread.
 */
export function validateFileRange(
  path: string,
  start: number,
  end: number,
  check: EventCheck,
  examplesPerKind: number,
): BatchResult {
  const validator = new BatchValidator(check, examplesPerKind, start === 0);
  const fd = openSync(path, 'r');

  try {
    const reader = new RangeReader(fd, start === 0 ? 0 : start - 1);
    // A line starts at `start` only when the byte before it is a line break.
    if (start > 0 && !reader.skipPastNewline()) return validator.result();

    while (reader.position < end) {
      const lineBytes = reader.nextLines(end);
      if (lineBytes.length === 0) break;
      validator.add(lineBytes);
    }
  } finally {
    closeSync(fd);
  }

  return validator.result();
}

/**
 * Reads a file forward from an offset in buffered pieces that end at line breaks. A returned piece
 * is a view of the reader's buffer, valid until the next call.
 */
class RangeReader {
  private buffer = Buffer.allocUnsafe(READ_BYTES);
  /** Index in `buffer` of the byte at `position`. */
  private begin = 0;
  /** Index in `buffer` after the last byte read. */
  private end = 0;
  private endOfFile = false;

  constructor(
    private readonly fd: number,
    /** File offset of the next byte to return. */
    public position: number,
  ) {}

  /** Moves past the next line break; returns false when the file ends first. */
  skipPastNewline(): boolean {
    for (;;) {
      const newline = this.buffered().indexOf(NEWLINE);
      if (newline !== -1) {
        this.take(newline + 1);
        return true;
      }
      this.take(this.end - this.begin);
      if (!this.fill()) return false;
    }
  }

  /**
   * Returns the next whole lines, up to and including the line that contains byte `rangeEnd - 1`,
   * or the rest of the file when it ends without a line break. Empty at the end of the file.
   */
  nextLines(rangeEnd: number): Buffer {
    for (;;) {
      const data = this.buffered();
      const limit = rangeEnd - this.position;

      // The line that contains the last byte of the range is the last line to return.
      if (limit <= data.length) {
        const newline = data.indexOf(NEWLINE, Math.max(0, limit - 1));
        if (newline !== -1) return this.take(newline + 1);
      }

      const cut = data.lastIndexOf(NEWLINE);
      if (cut !== -1) return this.take(cut + 1);
      if (!this.fill()) return this.take(data.length);
    }
  }

  private buffered(): Buffer {
    return this.buffer.subarray(this.begin, this.end);
  }

  private take(length: number): Buffer {
    const bytes = this.buffer.subarray(this.begin, this.begin + length);
    this.begin += length;
    this.position += length;
    return bytes;
  }

  /** Reads more of the file after the buffered bytes; returns false at the end of the file. */
  private fill(): boolean {
    if (this.endOfFile) return false;

    // Move the unread bytes (at most part of a line) to the front, and grow the buffer only for a
    // line longer than it.
    if (this.begin > 0) {
      this.buffer.copyWithin(0, this.begin, this.end);
      this.end -= this.begin;
      this.begin = 0;
    }
    if (this.end === this.buffer.length) {
      const larger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(larger);
      this.buffer = larger;
    }

    const read = readSync(this.fd, this.buffer, this.end, this.buffer.length - this.end, this.position + this.end);
    if (read === 0) this.endOfFile = true;
    this.end += read;
    return read > 0;
  }
}
