import { readFileSync } from 'node:fs';

import { describe, expect, test } from 'vitest';

import { JSON_SCHEMA_DIALECT, SCHEMA_FILES, SCHEMA_VERSION, jsonSchemaOf } from '../src/index.js';

describe('committed JSON Schema files', () => {
  test.each(Object.entries(SCHEMA_FILES))('schemas/%s is current', (kind, file) => {
    const committed = JSON.parse(readFileSync(new URL(`../schemas/${file}`, import.meta.url), 'utf8')) as unknown;

    // On failure: run `npm run build && npm run schemas -w @telltale/schema` and commit the result.
    expect(committed).toEqual(jsonSchemaOf(kind as keyof typeof SCHEMA_FILES));
  });

  test('declare the 2020-12 dialect and schema version', () => {
    const schema = jsonSchemaOf('model_call');

    expect(schema.$schema).toBe(JSON_SCHEMA_DIALECT);
    expect(schema['x-telltale-schema-version']).toBe(SCHEMA_VERSION);
  });

  test('schema version is semver', () => {
    expect(SCHEMA_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
