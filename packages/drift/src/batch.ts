import { isUtf8 } from 'node:buffer';

import type { ProblemCategory } from './validate-events.js';

/** A problem of one event, before it is counted. */
export interface Problem {
  kind: string;
  category: ProblemCategory;
  path: string;
  message: string;
}

/** Counts and first examples of a batch of lines; line numbers are relative to the batch, from 1. */
export interface BatchResult {
  lines: number;
  events: number;
  valid: number;
  invalid: number;
  incomplete: number;
  problems: {
    kind: string;
    category: ProblemCategory;
    count: number;
    examples: { line: number; path: string; message: string }[];
  }[];
}

/** Lists the problems of one parsed event; an empty list means valid and complete. */
export type EventCheck = (value: unknown) => readonly Problem[];

const NEWLINE = 0x0a;

/**
 * Validates one batch of JSON Lines. `atInputStart` marks a batch that begins a file or stream,
 * where a UTF-8 byte order mark before the first line is skipped.
 */
export function processBatch(
  bytes: Buffer,
  check: EventCheck,
  examplesPerKind: number,
  atInputStart: boolean,
): BatchResult {
  const validator = new BatchValidator(check, examplesPerKind, atInputStart);
  validator.add(bytes);
  return validator.result();
}

/**
 * Validates consecutive pieces of JSON Lines and collects one {@link BatchResult} for all of them.
 * Every piece but the last must end with a line break. Lines are split on raw bytes, so a line
 * with invalid UTF-8 is reported on its own. The split is safe before decoding because the byte
 * 0x0a never occurs inside a multi-byte UTF-8 sequence.
 */
export class BatchValidator {
  private readonly counts: BatchResult = { lines: 0, events: 0, valid: 0, invalid: 0, incomplete: 0, problems: [] };
  private readonly kinds = new Map<string, BatchResult['problems'][number]>();

  constructor(
    private readonly check: EventCheck,
    private readonly examplesPerKind: number,
    private atInputStart: boolean,
  ) {}

  add(bytes: Buffer): void {
    // One check over the whole piece is much cheaper than one per line; only a piece that fails
    // it is checked line by line.
    const allUtf8 = isUtf8(bytes);
    let start = 0;

    while (start < bytes.length) {
      const newline = bytes.indexOf(NEWLINE, start);
      const end = newline === -1 ? bytes.length : newline;
      this.counts.lines += 1;
      this.validateLine(bytes, start, end, allUtf8);
      start = end + 1;
    }
  }

  result(): BatchResult {
    return { ...this.counts, problems: [...this.kinds.values()] };
  }

  private validateLine(bytes: Buffer, start: number, end: number, allUtf8: boolean): void {
    let from = start;
    if (this.atInputStart) {
      this.atInputStart = false;
      if (startsWithByteOrderMark(bytes, start, end)) from += BYTE_ORDER_MARK.length;
    }
    if (isBlank(bytes, from, end)) return;

    const line = this.counts.lines;
    if (!allUtf8 && !isUtf8(bytes.subarray(from, end))) {
      this.record(line, [INVALID_UTF8]);
      return;
    }

    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8', from, end));
    } catch (error) {
      this.record(line, [invalidJson(error)]);
      return;
    }
    this.record(line, this.check(value));
  }

  private record(line: number, problems: readonly Problem[]): void {
    this.counts.events += 1;
    if (problems.length === 0) {
      this.counts.valid += 1;
      return;
    }

    if (problems.some((problem) => problem.category === 'invalid')) this.counts.invalid += 1;
    else {
      this.counts.valid += 1;
      this.counts.incomplete += 1;
    }

    for (const problem of problems) {
      let kind = this.kinds.get(problem.kind);
      if (!kind) {
        kind = { kind: problem.kind, category: problem.category, count: 0, examples: [] };
        this.kinds.set(problem.kind, kind);
      }
      kind.count += 1;
      if (kind.examples.length < this.examplesPerKind) {
        kind.examples.push({ line, path: problem.path, message: problem.message });
      }
    }
  }
}

/** UTF-8 byte order mark, which some editors and Windows tools put before the first line. */
export const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

/** Returns whether the line in `[start, end)` begins with {@link BYTE_ORDER_MARK}. */
export function startsWithByteOrderMark(bytes: Uint8Array, start: number, end: number): boolean {
  return (
    end - start >= BYTE_ORDER_MARK.length &&
    bytes[start] === BYTE_ORDER_MARK[0] &&
    bytes[start + 1] === BYTE_ORDER_MARK[1] &&
    bytes[start + 2] === BYTE_ORDER_MARK[2]
  );
}

/** Returns whether a line contains only JSON whitespace (space, tab, carriage return), so it is skipped. */
export function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let index = start; index < end; index += 1) {
    const byte = bytes[index];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

const INVALID_UTF8: Problem = {
  kind: 'invalid-utf8',
  category: 'invalid',
  path: '',
  message: 'is not valid UTF-8; re-encode the file as UTF-8',
};

function invalidJson(error: unknown): Problem {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    kind: 'invalid-json',
    category: 'invalid',
    path: '',
    message: `is not valid JSON (${detail}); a truncated write leaves such a line`,
  };
}
