import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { readJsonLines, validateEventFiles, type JsonLine } from '../src/index.js';
import { validModelCall } from '../../schema/test/fixtures.js';

const BOM = '\u{feff}';

function writeFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'telltale-jsonl-')), 'events.jsonl');
  writeFileSync(file, text);
  return file;
}

async function readAll(file: string): Promise<JsonLine[]> {
  const lines: JsonLine[] = [];
  for await (const line of readJsonLines(file)) lines.push(line);
  return lines;
}

/** Line numbers of the lines each reader treats as not valid JSON. */
async function invalidJsonLines(file: string): Promise<{ readJsonLines: number[]; validateEventFiles: number[] }> {
  const read = await readAll(file);
  const report = await validateEventFiles([file], { workers: 1, examplesPerKind: 10 });
  return {
    readJsonLines: read.filter((line) => !line.ok && line.reason === 'invalid-json').map((line) => line.line),
    validateEventFiles: (report.problems.find((problem) => problem.kind === 'invalid-json')?.examples ?? []).map(
      (example) => example.line,
    ),
  };
}

describe('readJsonLines', () => {
  const event = JSON.stringify(validModelCall());

  test('byte order mark only before line 1', async () => {
    const file = writeFile(`${BOM}${event}\n${BOM}${event}\n`);

    const lines = await readAll(file);

    expect(lines.map((line) => [line.line, line.ok])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(await invalidJsonLines(file)).toEqual({ readJsonLines: [2], validateEventFiles: [2] });
  });

  test('blank lines are JSON whitespace only', async () => {
    const file = writeFile(`${event}\r\n\n \t\r\n\f\n${event}\n`);

    const lines = await readAll(file);

    expect(lines.map((line) => line.line)).toEqual([1, 4, 5]);
    expect(await invalidJsonLines(file)).toEqual({ readJsonLines: [4], validateEventFiles: [4] });
  });
});
