import { readFileSync } from 'node:fs';

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, test } from 'vitest';

import { SCHEMA_FILES, feedbackValidator, modelCallValidator } from '../src/index.js';
import { invalidFeedbacks, invalidModelCalls, validFeedbacks, validModelCalls } from './cases.js';
import { validFeedback, validModelCall } from './fixtures.js';

// ajv-formats is CommonJS with a default export that NodeNext sees as the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

function loadCommittedSchema(file: string): object {
  return JSON.parse(readFileSync(new URL(`../schemas/${file}`, import.meta.url), 'utf8')) as object;
}

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
const ajvModelCall = ajv.compile(loadCommittedSchema(SCHEMA_FILES.model_call));
const ajvFeedback = ajv.compile(loadCommittedSchema(SCHEMA_FILES.feedback));

/**
 * Mutations applied one at a time to a valid event: each replaces the value at a path. Ajv and
 * the compiled validator must agree on every result, valid or not.
 */
const replacements: unknown[] = [null, 0, -1, 1.5, '', 'x', true, [], {}, ['user'], 'unattributed'];

function* mutations(value: unknown, path: (string | number)[] = []): Generator<(string | number)[]> {
  if (path.length > 0) yield path;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) yield* mutations(value[index], [...path, index]);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) yield* mutations((value as Record<string, unknown>)[key], [...path, key]);
  }
}

function mutated(base: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let target = copy;
  for (const segment of path.slice(0, -1)) target = target[segment] as Record<string | number, unknown>;

  const last = path.at(-1)!;
  if (replacement !== undefined) target[last] = replacement;
  else if (Array.isArray(target)) target.splice(Number(last), 1);
  else delete target[last];
  return copy;
}

describe('Ajv agrees with the compiled validator', () => {
  test.each([...validModelCalls, ...invalidModelCalls])('model_call: $name', ({ event }) => {
    expect(ajvModelCall(event)).toBe(modelCallValidator.check(event));
  });

  test.each([...validFeedbacks, ...invalidFeedbacks])('feedback: $name', ({ event }) => {
    expect(ajvFeedback(event)).toBe(feedbackValidator.check(event));
  });

  test('on every single-field mutation of a model_call', () => {
    const base = validModelCall();
    const disagreements: string[] = [];
    let compared = 0;

    for (const path of mutations(base)) {
      for (const replacement of [...replacements, undefined]) {
        const event = mutated(base, path, replacement);
        compared += 1;
        if (ajvModelCall(event) !== modelCallValidator.check(event)) {
          disagreements.push(`/${path.join('/')} = ${JSON.stringify(replacement)}`);
        }
      }
    }

    expect(compared).toBeGreaterThan(500);
    expect(disagreements).toEqual([]);
  });

  test('on every single-field mutation of a feedback event', () => {
    const base = validFeedback();
    const disagreements: string[] = [];

    for (const path of mutations(base)) {
      for (const replacement of [...replacements, undefined]) {
        const event = mutated(base, path, replacement);
        if (ajvFeedback(event) !== feedbackValidator.check(event)) {
          disagreements.push(`/${path.join('/')} = ${JSON.stringify(replacement)}`);
        }
      }
    }

    expect(disagreements).toEqual([]);
  });

  test('every invalid case yields at least one issue', () => {
    for (const { event } of invalidModelCalls) expect(modelCallValidator.issues(event).length).toBeGreaterThan(0);
    for (const { event } of invalidFeedbacks) expect(feedbackValidator.issues(event).length).toBeGreaterThan(0);
  });
});
