import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadProject } from '@telltale/analyzer';
import { describe, expect, test } from 'vitest';

import { CatalogError, extractCatalog, readSnapshot, writeSnapshot, SnapshotError } from '../src/index.js';

function project(files: Record<string, string>): {
  dir: string;
  extract: (file: string, type: string) => ReturnType<typeof extractCatalog>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'telltale-extract-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return {
    dir,
    extract: (file, type) => extractCatalog(loadProject(dir, { entryFiles: [join(dir, file)] }), join(dir, file), type),
  };
}

describe('extractCatalog', () => {
  test('converts state types to JSON Schema', () => {
    const { extract } = project({
      'src/features.ts': `
        import type { Tone } from './tone';
        export interface Recipient { email: string; primary?: boolean }
        export type Features = {
          /** Drafts an email reply. */
          'draft-email': {
            /** Template the draft starts from. */
            templateId: string;
            tone: Tone;
            recipients: Recipient[];
            count?: number;
            sentAt: Date;
            labels: Record<string, string>;
            pair: [string, number];
            note: string | null;
          };
        };`,
      'src/tone.ts': `export type Tone = 'formal' | 'casual';`,
    });

    const catalog = extract('src/features.ts', 'Features');

    expect(catalog['draft-email']?.description).toBe('Drafts an email reply.');
    expect(catalog['draft-email']?.state).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['labels', 'note', 'pair', 'recipients', 'sentAt', 'templateId', 'tone'],
      properties: {
        templateId: { type: 'string', description: 'Template the draft starts from.' },
        tone: { enum: ['casual', 'formal'] },
        recipients: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['email'],
            properties: { email: { type: 'string' }, primary: { type: 'boolean' } },
          },
        },
        count: { type: 'number' },
        sentAt: { type: 'string', format: 'date-time' },
        labels: { type: 'object', properties: {}, required: [], additionalProperties: { type: 'string' } },
        pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] },
        note: { type: ['null', 'string'] },
      },
    });
  });

  test('reads catalogs declared with defineFeatures', () => {
    const { extract } = project({
      'src/features.ts': `
        type Definition<C> = { readonly __catalog?: C };
        declare function defineFeatures<C>(): Definition<C>;
        type FeaturesOf<D> = D extends Definition<infer C> ? C : never;
        export const features = defineFeatures<{ 'summarize': { messageCount: number } }>();
        export type Features = FeaturesOf<typeof features>;`,
    });

    expect(extract('src/features.ts', 'Features').summarize?.state.required).toEqual(['messageCount']);
  });

  test('reads @renamedFrom and @deprecated', () => {
    const { extract } = project({
      'src/features.ts': `
        export type Features = {
          /** @renamedFrom draft-mail */
          'draft-email': {
            /** @renamedFrom template */
            templateId: string;
          };
          /** @deprecated use draft-email */
          'old-draft': { x: number };
        };`,
    });

    const catalog = extract('src/features.ts', 'Features');

    expect(catalog['draft-email']?.renamedFrom).toBe('draft-mail');
    expect(catalog['draft-email']?.state.properties?.templateId?.['x-renamed-from']).toBe('template');
    expect(catalog['old-draft']?.deprecated).toBe(true);
  });

  test('missing type suggests the closest name', () => {
    const { extract } = project({ 'src/features.ts': 'export type Features = { a: { x: number } };' });

    expect(() => extract('src/features.ts', 'Feature')).toThrow(
      /type "Feature" is not exported by .*Did you mean "Features"/,
    );
  });

  test('missing file names the config field', () => {
    const { extract } = project({ 'src/features.ts': 'export type Features = {};' });

    expect(() => extract('src/nope.ts', 'Features')).toThrow(CatalogError);
    expect(() => extract('src/nope.ts', 'Features')).toThrow(/catalog\.file/);
  });

  test('function state fields are rejected', () => {
    const { extract } = project({ 'src/features.ts': 'export type Features = { a: { onDone: () => void } };' });

    expect(() => extract('src/features.ts', 'Features')).toThrow(/Features\['a'\]\.onDone .*must be JSON data/);
  });
});

describe('snapshot', () => {
  test('round trips', () => {
    const dir = mkdtempSync(join(tmpdir(), 'telltale-snapshot-'));
    const path = join(dir, 'telltale.schema.json');
    const snapshot = {
      snapshotVersion: 1,
      schemaVersion: '1.0.0',
      catalogVersion: '1.0.0',
      catalog: { file: 'src/features.ts', type: 'Features' },
      features: {
        a: { state: { type: 'object' as const, properties: { x: { type: 'number' as const } }, required: ['x'] } },
      },
    };

    writeSnapshot(path, snapshot);

    expect(readSnapshot(path)).toEqual(snapshot);
  });

  test('malformed JSON names the fix', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'telltale-snapshot-')), 'telltale.schema.json');
    writeFileSync(path, '{"snapshotVersion": 1,');

    expect(() => readSnapshot(path)).toThrow(SnapshotError);
    expect(() => readSnapshot(path)).toThrow(/not valid JSON .*telltale drift --update/);
  });

  test('wrong shape names the field', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'telltale-snapshot-')), 'telltale.schema.json');
    writeFileSync(
      path,
      JSON.stringify({ snapshotVersion: 1, schemaVersion: '1.0.0', catalogVersion: 'one', catalog: {}, features: {} }),
    );

    expect(() => readSnapshot(path)).toThrow(/malformed: .*\/catalogVersion/);
  });

  test('absent file returns undefined', () => {
    expect(readSnapshot('/nonexistent/telltale.schema.json')).toBeUndefined();
  });
});

describe('extractCatalog on broken input', () => {
  test('syntax error names the file and line', () => {
    const { extract } = project({
      'src/features.ts':
        "export type Features = {\n  'draft-email': { templateId: string\n  search: { q: string } };\n",
    });

    expect(() => extract('src/features.ts', 'Features')).toThrow(
      /features\.ts:\d+:\d+: .*fix the syntax error in the catalog/,
    );
  });

  test('unresolved import is an error', () => {
    const { extract } = project({
      'src/features.ts': "import type { State } from './missing';\nexport type Features = { a: State };",
    });

    expect(() => extract('src/features.ts', 'Features')).toThrow(
      /Cannot find module '\.\/missing'.*fix the import path/,
    );
  });

  test('index signature catalog is an error', () => {
    const { extract } = project({ 'src/features.ts': 'export type Features = Record<string, { x: number }>;' });

    expect(() => extract('src/features.ts', 'Features')).toThrow(/declares no features/);
  });
});

describe('snapshot shape', () => {
  test.each([
    ['enum not an array', { enum: 'casual' }, '/features/a/state/properties/tone/enum must be an array'],
    ['required not a list', { type: 'string' }, '/features/a/state/required must be an array'],
    ['unknown type', { type: 5 }, '/features/a/state/properties/tone/type must be a JSON type name'],
  ])('rejects %s', (_name, tone, message) => {
    const path = join(mkdtempSync(join(tmpdir(), 'telltale-snapshot-')), 'telltale.schema.json');
    const required = _name === 'required not a list' ? 'tone' : ['tone'];
    writeFileSync(
      path,
      JSON.stringify({
        snapshotVersion: 1,
        schemaVersion: '1.0.0',
        catalogVersion: '1.0.0',
        catalog: { file: 'f.ts', type: 'F' },
        features: { a: { state: { type: 'object', properties: { tone }, required } } },
      }),
    );

    expect(() => readSnapshot(path)).toThrow(message);
  });
});
