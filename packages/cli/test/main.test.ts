import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { main } from '../src/index.js';
import { validFeedback, validModelCall } from '../../schema/test/fixtures.js';
import { captureOutput } from './io.js';

function writeEvents(lines: (string | Buffer)[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'telltale-cli-')), 'events.jsonl');
  writeFileSync(file, Buffer.concat(lines.map((line) => Buffer.concat([Buffer.from(line), Buffer.from('\n')]))));
  return file;
}

describe('telltale', () => {
  test('help lists the commands', async () => {
    const io = captureOutput();

    expect(await main(['--help'], io.output)).toBe(0);
    expect(io.stdout()).toContain('validate');
    expect(io.stdout()).toContain('schema');
    expect(io.stdout()).toContain('ask');
    expect(io.stdout()).toContain('digest');
    expect(io.stdout()).toContain('store');
    expect(io.stdout()).toContain('Exit codes');
  });

  test('version prints the package version', async () => {
    const io = captureOutput();

    expect(await main(['--version'], io.output)).toBe(0);
    expect(io.stdout().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('unknown command exits 2 with a suggestion', async () => {
    const io = captureOutput();

    expect(await main(['valdate'], io.output)).toBe(2);
    expect(io.stderr()).toContain("unknown command 'valdate'");
    expect(io.stderr()).toContain('validate');
  });

  test('schema prints the JSON Schema', async () => {
    const io = captureOutput();

    expect(await main(['schema', 'feedback'], io.output)).toBe(0);
    expect(JSON.parse(io.stdout())).toMatchObject({ title: 'Telltale feedback event' });
  });
});

describe('telltale validate', () => {
  test('accepts valid events', async () => {
    const io = captureOutput();
    const file = writeEvents([JSON.stringify(validModelCall()), JSON.stringify(validFeedback())]);

    expect(await main(['validate', file], io.output)).toBe(0);
    expect(io.stdout()).toContain('2 events, all valid');
  });

  test('empty input fails with a message', async () => {
    const io = captureOutput();
    const file = writeEvents(['', '  ']);

    expect(await main(['validate', file], io.output)).toBe(1);
    expect(io.stdout()).toContain(`no events in ${file}: the input is empty or has only blank lines`);
  });

  test('reports paths, messages and line numbers', async () => {
    const io = captureOutput();
    const broken = validModelCall() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    delete broken.context.feature;
    const file = writeEvents([JSON.stringify(validModelCall()), JSON.stringify(broken)]);

    expect(await main(['validate', file], io.output)).toBe(1);
    expect(io.stdout()).toContain(`${file}:2 /context/feature: is required`);
    expect(io.stdout()).toContain('1 of 2 events invalid');
  });

  test('reports truncated lines and invalid UTF-8', async () => {
    const io = captureOutput();
    const valid = JSON.stringify(validModelCall());
    const file = writeEvents([valid, valid.slice(0, 40), Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]);

    expect(await main(['validate', file, '--format', 'json'], io.output)).toBe(1);
    const report = JSON.parse(io.stdout()) as {
      invalid: number;
      problems: { kind: string; examples: { line: number }[] }[];
    };

    expect(report.invalid).toBe(2);
    expect(report.problems.find((problem) => problem.kind === '(line) invalid-json')?.examples[0]?.line).toBe(2);
    expect(report.problems.find((problem) => problem.kind === '(line) invalid-utf8')?.examples[0]?.line).toBe(3);
  });

  test('counts each kind of problem once per line', async () => {
    const io = captureOutput();
    const lines = Array.from({ length: 5 }, () => {
      const event = validModelCall() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      event.usage.input_tokens = -1;
      return JSON.stringify(event);
    });

    await main(['validate', writeEvents(lines), '--format', 'json'], io.output);
    const report = JSON.parse(io.stdout()) as { problems: { kind: string; count: number; examples: unknown[] }[] };

    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ kind: '/usage/input_tokens minimum', count: 5 });
    expect(report.problems[0]?.examples).toHaveLength(3);
  });

  test('missing file exits 2 naming the path', async () => {
    const io = captureOutput();

    expect(await main(['validate', '/nonexistent/events.jsonl'], io.output)).toBe(2);
    expect(io.stderr()).toContain('cannot read /nonexistent/events.jsonl: no such file');
  });

  test('unknown format exits 2', async () => {
    const io = captureOutput();

    expect(await main(['validate', 'x.jsonl', '--format', 'xml'], io.output)).toBe(2);
    expect(io.stderr()).toContain("'xml' is invalid");
  });

  test('no colours when output is not a terminal', async () => {
    const io = captureOutput({ tty: false });

    await main(['validate', writeEvents(['{}'])], io.output);

    expect(io.stdout()).not.toContain('\u001b[');
  });

  test('colours on a terminal unless NO_COLOR', async () => {
    const colored = captureOutput({ tty: true });
    const plain = captureOutput({ tty: true, env: { NO_COLOR: '1' } });
    const file = writeEvents(['{}']);

    await main(['validate', file], colored.output);
    await main(['validate', file], plain.output);

    expect(colored.stdout()).toContain('\u001b[');
    expect(plain.stdout()).not.toContain('\u001b[');
  });
});
