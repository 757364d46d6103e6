import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { validateEventFiles, type CatalogSchema } from '../src/index.js';
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
