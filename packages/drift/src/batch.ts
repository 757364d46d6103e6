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

/**
 * Validates a batch of JSON Lines. The batch is decoded in one piece when it is valid UTF-8,
 * which is the common case and much faster than decoding line by line; otherwise each line is
 * checked on its own so only the broken lines are reported.
 */
export function processBatch(
  bytes: Buffer,
  check: (value: unknown) => Problem[],
  examplesPerKind: number,
): BatchResult {
  const result: BatchResult = { lines: 0, events: 0, valid: 0, invalid: 0, incomplete: 0, problems: [] };
  const kinds = new Map<string, BatchResult['problems'][number]>();

  const record = (line: number, problems: Problem[]): void => {
    result.events += 1;
    if (problems.some((problem) => problem.category === 'invalid')) result.invalid += 1;
    else {
      result.valid += 1;
      if (problems.length > 0) result.incomplete += 1;
    }

    for (const problem of problems) {
      let kind = kinds.get(problem.kind);
      if (!kind) {
        kind = { kind: problem.kind, category: problem.category, count: 0, examples: [] };
        kinds.set(problem.kind, kind);
      }
      kind.count += 1;
      if (kind.examples.length < examplesPerKind)
        kind.examples.push({ line, path: problem.path, message: problem.message });
    }
  };

  const handleLine = (text: string, line: number): void => {
    if (text.trim() === '') return;

    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      record(line, [
        {
          kind: 'invalid-json',
          category: 'invalid',
          path: '',
          message: `is not valid JSON (${detail}); a truncated write leaves such a line`,
        },
      ]);
      return;
    }
    record(line, check(value));
  };

  const endsWithNewline = bytes.length > 0 && bytes[bytes.length - 1] === 0x0a;

  if (isUtf8(bytes)) {
    const lines = bytes.toString('utf8').split('\n');
    if (endsWithNewline) lines.pop();
    for (let index = 0; index < lines.length; index += 1) handleLine(lines[index]!, index + 1);
    result.lines = lines.length;
  } else {
    let start = 0;
    let line = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(0x0a, start);
      const end = newline === -1 ? bytes.length : newline;
      const slice = bytes.subarray(start, end);
      line += 1;

      if (isUtf8(slice)) handleLine(slice.toString('utf8'), line);
      else
        record(line, [
          {
            kind: 'invalid-utf8',
            category: 'invalid',
            path: '',
            message: 'is not valid UTF-8; re-encode the file as UTF-8',
          },
        ]);

      start = end + 1;
    }
    result.lines = line;
  }

  result.problems = [...kinds.values()];
  return result;
}
