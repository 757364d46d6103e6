import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { BYTE_ORDER_MARK, processBatch, type BatchResult } from '../src/batch.js';
import { validateFileRange } from '../src/file-range.js';
import {
  createEventChecker,
  validateEventFiles,
  type CatalogSchema,
  type EventValidationReport,
} from '../src/index.js';
import { validModelCall } from '../../schema/test/fixtures.js';

const catalog: CatalogSchema = {
  'draft-email': {
    state: {
      type: 'object',
      properties: { templateId: { type: 'string' }, recipients: { type: 'number' } },
      required: ['templateId'],
      additionalProperties: false,
    },
  },
};

type Event = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function event(change: (value: Event) => void = () => undefined): string {
  const value = validModelCall() as Event;
  change(value);
  return JSON.stringify(value);
}

function writeLines(lines: (string | Buffer)[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'telltale-validate-')), 'events.jsonl');
  writeFileSync(file, Buffer.concat(lines.map((line) => Buffer.concat([Buffer.from(line), Buffer.from('\n')]))));
  return file;
}

describe('validateEventFiles', () => {
  test('valid events pass', async () => {
    const report = await validateEventFiles([writeLines([event(), event()])], { catalog });

    expect(report).toMatchObject({ events: 2, valid: 2, invalid: 0, incomplete: 0, problems: [] });
  });

  test('unknown feature', async () => {
    const report = await validateEventFiles([writeLines([event((value) => (value.context.feature = 'draft-mail'))])], {
      catalog,
    });

    expect(report.problems[0]).toMatchObject({ kind: 'unknown-feature', category: 'invalid', count: 1 });
    expect(report.problems[0]?.examples[0]).toMatchObject({ line: 1, path: '/context/feature' });
  });

  test('state field not in the catalog', async () => {
    const report = await validateEventFiles([writeLines([event(), event()])], {
      catalog: {
        'draft-email': { state: { ...catalog['draft-email']!.state, properties: { templateId: { type: 'string' } } } },
      },
    });

    expect(report.problems[0]).toMatchObject({ kind: 'state-field-unknown', count: 2 });
    expect(report.problems[0]?.examples[0]?.path).toBe('/context/state/recipients');
  });

  test('state type mismatch', async () => {
    const report = await validateEventFiles(
      [writeLines([event((value) => (value.context.state = { templateId: 7 }))])],
      { catalog },
    );

    expect(report.problems[0]).toMatchObject({ kind: 'state-type-mismatch', category: 'invalid' });
    expect(report.problems[0]?.examples[0]?.path).toBe('/context/state/templateId');
  });

  test('missing state with required fields', async () => {
    const report = await validateEventFiles([writeLines([event((value) => delete value.context.state)])], { catalog });

    expect(report).toMatchObject({ valid: 0, invalid: 1 });
    expect(report.problems[0]).toMatchObject({ kind: 'state-field-missing', category: 'invalid', count: 1 });
    expect(report.problems[0]?.examples[0]?.path).toBe('/context/state/templateId');
    expect(report.problems[0]?.examples[0]?.message).toContain('the event has no state');
  });

  test('required state field missing', async () => {
    const report = await validateEventFiles(
      [writeLines([event((value) => (value.context.state = { recipients: 2 }))])],
      { catalog },
    );

    expect(report.problems[0]).toMatchObject({ kind: 'state-field-missing', count: 1 });
    expect(report.problems[0]?.examples[0]?.message).toBe(
      'state field "templateId" is required for feature "draft-email" but missing; send it or make it optional in the catalog type',
    );
  });

  test('unknown feature names the closest one', async () => {
    const report = await validateEventFiles([writeLines([event((value) => (value.context.feature = 'draft-mail'))])], {
      catalog,
    });

    expect(report.problems[0]?.examples[0]?.message).toBe(
      'feature "draft-mail" is not in the catalog (did you mean "draft-email"?); add it to the catalog type or fix the name',
    );
  });

  test('unknown feature lists the known ones', async () => {
    const report = await validateEventFiles([writeLines([event((value) => (value.context.feature = 'summarize'))])], {
      catalog: { ...catalog, 'reply-suggest': catalog['draft-email']! },
    });

    expect(report.problems[0]?.examples[0]?.message).toBe(
      'feature "summarize" is not in the catalog (known features: "draft-email", "reply-suggest"); add it to the catalog type or fix the name',
    );
  });

  test('state messages name the allowed values', async () => {
    const withTone: CatalogSchema = {
      'draft-email': {
        state: {
          type: 'object',
          properties: { templateId: { type: 'string' }, tone: { enum: ['formal', 'casual'] } },
          required: ['templateId'],
          additionalProperties: false,
        },
      },
    };
    const lines = [
      event((value) => (value.context.state = { templateId: 'a', tone: 'angry' })),
      event((value) => (value.context.state = { templateId: 'a', mood: 'calm' })),
    ];

    const report = await validateEventFiles([writeLines(lines)], { catalog: withTone });

    const mismatch = report.problems.find((problem) => problem.kind === 'state-type-mismatch');
    const unknown = report.problems.find((problem) => problem.kind === 'state-field-unknown');
    expect(mismatch?.examples[0]?.message).toBe(
      'state of "draft-email" must be one of "formal", "casual" (enum); the catalog type and the recorded value disagree',
    );
    expect(unknown?.examples[0]?.message).toBe(
      'state field "mood" is not declared for feature "draft-email" (declared: "templateId", "tone"); add it to the catalog type or stop sending it',
    );
  });

  test('missing four-tuple parts', async () => {
    const lines = [
      event((value) => {
        delete value.context.user;
        value.context.missing = ['user'];
      }),
      event((value) => (value.cost = { usd: null, unpriced_reason: 'unknown model' })),
      event((value) => (value.usage = {})),
    ];

    const report = await validateEventFiles([writeLines(lines)], { catalog });

    expect(report).toMatchObject({ valid: 3, invalid: 0, incomplete: 3 });
    expect(report.problems.map((problem) => problem.kind).sort()).toEqual([
      'missing: cost',
      'missing: usage',
      'missing: user',
    ]);
    expect(report.problems.every((problem) => problem.category === 'incomplete')).toBe(true);
  });

  test('truncated line and invalid UTF-8', async () => {
    const valid = event();
    const file = writeLines([valid, valid.slice(0, 100), Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), valid]);

    const report = await validateEventFiles([file], { catalog });

    expect(report).toMatchObject({ events: 4, valid: 2, invalid: 2 });
    expect(report.problems.find((problem) => problem.kind === 'invalid-json')?.examples[0]?.line).toBe(2);
    expect(report.problems.find((problem) => problem.kind === 'invalid-utf8')?.examples[0]?.line).toBe(3);
  });

  test('core schema problems keep their path', async () => {
    const report = await validateEventFiles([writeLines([event((value) => (value.usage.input_tokens = -1))])]);

    expect(report.problems[0]).toMatchObject({ kind: 'schema: /usage/input_tokens minimum', category: 'invalid' });
  });

  test('blank lines are skipped but counted in line numbers', async () => {
    const report = await validateEventFiles([writeLines([event(), '', '  ', event((value) => (value.kind = 'span'))])]);

    expect(report.events).toBe(2);
    expect(report.problems[0]?.examples[0]?.line).toBe(4);
  });

  test('keeps only the first examples', async () => {
    const lines = Array.from({ length: 10 }, () => event((value) => (value.context.feature = 'nope')));

    const report = await validateEventFiles([writeLines(lines)], { catalog, examplesPerKind: 3 });

    expect(report.problems[0]?.count).toBe(10);
    expect(report.problems[0]?.examples.map((example) => example.line)).toEqual([1, 2, 3]);
  });

  test('core schema only without catalog', async () => {
    const report = await validateEventFiles([writeLines([event((value) => (value.context.feature = 'anything'))])]);

    expect(report).toMatchObject({ valid: 1, catalogChecked: false });
  });
});

describe('validateEventFiles with workers', () => {
  test('matches the main-thread result', async () => {
    const lines: (string | Buffer)[] = [];
    for (let index = 0; index < 3000; index += 1) {
      if (index % 500 === 7) lines.push(event((value) => (value.context.feature = 'draft-mail')));
      else if (index % 700 === 3) lines.push(Buffer.from([0x7b, 0xff, 0x7d]));
      else if (index % 900 === 5) lines.push('{"kind":');
      else lines.push(event());
    }
    // About 7 MiB, so the input spans several batches.
    const file = writeLines(lines);

    const inline = await validateEventFiles([file], { catalog, workers: 1 });
    const pooled = await validateEventFiles([file], { catalog, workers: 2 });

    expect(pooled).toEqual(inline);
    expect(inline.invalid).toBeGreaterThan(10);
    expect(inline.problems.find((problem) => problem.kind === 'unknown-feature')?.examples[0]?.line).toBe(8);
  });
});

/** Lines of every shape the reader must handle, as raw bytes without their line breaks. */
function mixedLines(hugeBytes: number): Buffer[] {
  const huge = event((value) => (value.prompt.messages[0].parts[0].text = 'x'.repeat(hugeBytes)));
  return [
    Buffer.concat([BYTE_ORDER_MARK, Buffer.from(event())]),
    Buffer.from(`${event()}\r`),
    Buffer.from(''),
    Buffer.from('  \r'),
    Buffer.from(event().slice(0, 120)),
    Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    Buffer.from(event((value) => (value.context.feature = 'draft-mail'))),
    Buffer.from(huge),
    Buffer.from(event((value) => (value.usage.input_tokens = -1))),
    Buffer.from(event((value) => (value.cost = { usd: null, unpriced_reason: 'unknown model' }))),
    // A byte order mark counts only before the first line; anywhere else it makes the line invalid JSON.
    Buffer.concat([BYTE_ORDER_MARK, Buffer.from(event())]),
    Buffer.from(event((value) => (value.context.state = { templateId: 7, extra: true }))),
  ];
}

function writeFile(bytes: Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'telltale-validate-')), 'events.jsonl');
  writeFileSync(file, bytes);
  return file;
}

/** Adds up range results the way the pool does: counts summed, line numbers shifted by the lines before. */
function mergeRanges(results: BatchResult[], examplesPerKind: number): BatchResult {
  const merged: BatchResult = { lines: 0, events: 0, valid: 0, invalid: 0, incomplete: 0, problems: [] };
  for (const result of results) {
    merged.events += result.events;
    merged.valid += result.valid;
    merged.invalid += result.invalid;
    merged.incomplete += result.incomplete;
    for (const problem of result.problems) {
      let kind = merged.problems.find((candidate) => candidate.kind === problem.kind);
      if (!kind) {
        kind = { ...problem, count: 0, examples: [] };
        merged.problems.push(kind);
      }
      kind.count += problem.count;
      for (const example of problem.examples) {
        if (kind.examples.length < examplesPerKind)
          kind.examples.push({ ...example, line: merged.lines + example.line });
      }
    }
    merged.lines += result.lines;
  }
  return merged;
}

describe('validateFileRange', () => {
  const check = createEventChecker(catalog);
  const lines = mixedLines(3 * 1024 * 1024);

  test.each([
    ['ends with a line break', Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')]))],
    [
      'ends without a line break',
      Buffer.concat(lines.flatMap((line, index) => (index === 0 ? [line] : [Buffer.from('\n'), line]))),
    ],
  ])('ranges tile a file that %s', (_name, bytes) => {
    const file = writeFile(bytes);
    const whole = processBatch(bytes, check, 3, true);

    for (const rangeBytes of [997, 64 * 1024, 1024 * 1024 + 1, bytes.length]) {
      const results: BatchResult[] = [];
      for (let start = 0; start < bytes.length; start += rangeBytes) {
        results.push(validateFileRange(file, start, Math.min(bytes.length, start + rangeBytes), check, 3));
      }

      const merged = mergeRanges(results, 3);
      expect(merged, `ranges of ${rangeBytes} bytes`).toEqual(whole);
    }
    expect(whole.lines).toBe(lines.length);
  });

  test('every boundary of a small file', () => {
    const bytes = Buffer.from(`${event()}\n\n{"kind":\r\n${event()}\n`);
    const file = writeFile(bytes);
    const whole = processBatch(bytes, check, 3, true);

    for (let rangeBytes = 1; rangeBytes <= bytes.length; rangeBytes += 1) {
      const results: BatchResult[] = [];
      for (let start = 0; start < bytes.length; start += rangeBytes) {
        results.push(validateFileRange(file, start, Math.min(bytes.length, start + rangeBytes), check, 3));
      }
      expect(mergeRanges(results, 3), `ranges of ${rangeBytes} bytes`).toEqual(whole);
    }
  });
});

describe('main thread and worker pool', () => {
  // About 10 MiB with one 9 MiB line, so the file spans two of the pool's 8 MiB ranges and the
  // huge line crosses the boundary between them.
  const lines = [
    ...mixedLines(9 * 1024 * 1024),
    ...Array.from({ length: 200 }, (_, index) => Buffer.from(event((value) => (value.outcome.attempt = index + 1)))),
  ];
  const bytes = Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\r\n')]));

  test('same report on a mixed file', async () => {
    const file = writeFile(bytes);

    const inline = await validateEventFiles([file], { catalog, workers: 1 });
    const pooled = await validateEventFiles([file], { catalog, workers: 2 });

    expect(pooled).toEqual(inline);
    expect(inline).toMatchObject({ events: 210, valid: 204, invalid: 6, incomplete: 1 });
    expect(problemLines(inline)).toEqual({
      'invalid-json': [5, 11],
      'invalid-utf8': [6],
      'unknown-feature': [7],
      'schema: /usage/input_tokens minimum': [9],
      'missing: cost': [10],
      'state-field-unknown': [12],
      'state-type-mismatch': [12],
    });
  });

  test.skipIf(process.platform === 'win32')('same report from a pipe', async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'telltale-validate-')), 'events.fifo');
    execFileSync('mkfifo', [fifo]);

    createWriteStream(fifo).end(bytes);
    const inline = await validateEventFiles([fifo], { catalog, workers: 1 });
    createWriteStream(fifo).end(bytes);
    const piped = await validateEventFiles([fifo], { catalog, workers: 2 });

    expect(piped).toEqual(inline);
    expect(piped.problems.find((problem) => problem.kind === 'invalid-utf8')?.examples[0]?.line).toBe(6);
  });
});

function problemLines(report: EventValidationReport): Record<string, number[]> {
  return Object.fromEntries(
    report.problems.map((problem) => [problem.kind, problem.examples.map((example) => example.line)]),
  );
}
