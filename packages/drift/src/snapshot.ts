import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import Type from 'typebox';
import { Compile } from 'typebox/compile';

import type { CatalogSchema } from './extract.js';
import { canonicalize } from './json-schema.js';

/** Version of the snapshot file format itself. */
export const SNAPSHOT_FORMAT_VERSION = 1;

/** Default snapshot file name, next to telltale.config.*. */
export const DEFAULT_SNAPSHOT_FILE = 'telltale.schema.json';

/** The committed snapshot: what the telemetry schema looked like when it was last accepted. */
export interface Snapshot {
  snapshotVersion: number;
  /** `SCHEMA_VERSION` of `@telltale/schema` when the snapshot was written. */
  schemaVersion: string;
  /** Version of the app's catalog; a major bump acknowledges breaking changes. */
  catalogVersion: string;
  catalog: { file: string; type: string };
  features: CatalogSchema;
}

const SnapshotShape = Type.Object({
  snapshotVersion: Type.Literal(SNAPSHOT_FORMAT_VERSION),
  schemaVersion: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
  catalogVersion: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
  catalog: Type.Object({ file: Type.String(), type: Type.String() }),
  features: Type.Record(
    Type.String(),
    Type.Object({
      state: Type.Object({}, { additionalProperties: true }),
      description: Type.Optional(Type.String()),
      deprecated: Type.Optional(Type.Boolean()),
      renamedFrom: Type.Optional(Type.String()),
    }),
  ),
});
const checkSnapshot = Compile(SnapshotShape);

/** A snapshot file that exists but cannot be used. */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/** Reads a snapshot; returns undefined when the file does not exist. */
export function readSnapshot(path: string): Snapshot | undefined {
  if (!existsSync(path)) return undefined;

  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SnapshotError(
      `snapshot ${path} is not valid JSON (${detail}); restore it from version control or rewrite it with \`telltale drift --update\``,
    );
  }

  const errors = checkSnapshot.Errors(parsed);
  if (errors.length > 0) {
    const details = errors
      .filter((error) => !['anyOf', 'if'].includes(error.keyword))
      .slice(0, 5)
      .map((error) => `${error.instancePath || '(root)'} ${error.message}`)
      .join('; ');
    throw new SnapshotError(
      `snapshot ${path} is malformed: ${details}; restore it from version control or rewrite it with \`telltale drift --update\``,
    );
  }

  const snapshot = parsed as Snapshot;
  const problems: string[] = [];
  for (const [name, feature] of Object.entries(snapshot.features)) {
    checkSchemaShape(feature.state, `/features/${name}/state`, problems);
  }
  if (problems.length > 0) {
    throw new SnapshotError(
      `snapshot ${path} is malformed: ${problems.slice(0, 5).join('; ')}; restore it from version control or rewrite it with \`telltale drift --update\``,
    );
  }

  return snapshot;
}

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);

/** Checks that a state schema in the snapshot has the shape the drift rules read, so a bad merge fails clearly. */
function checkSchemaShape(node: unknown, path: string, problems: string[]): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    problems.push(`${path} must be an object`);
    return;
  }
  const schema = node as Record<string, unknown>;

  const types = Array.isArray(schema.type)
    ? (schema.type as unknown[])
    : schema.type === undefined
      ? []
      : [schema.type];
  if (types.some((type) => typeof type !== 'string' || !JSON_TYPES.has(type))) {
    problems.push(`${path}/type must be a JSON type name or a list of them`);
  }
  if (schema.enum !== undefined && !Array.isArray(schema.enum)) problems.push(`${path}/enum must be an array`);
  if (
    schema.required !== undefined &&
    !(Array.isArray(schema.required) && schema.required.every((name) => typeof name === 'string'))
  ) {
    problems.push(`${path}/required must be an array of property names`);
  }
  if (schema.properties !== undefined) {
    if (typeof schema.properties !== 'object' || schema.properties === null || Array.isArray(schema.properties)) {
      problems.push(`${path}/properties must be an object`);
    } else {
      for (const [name, child] of Object.entries(schema.properties))
        checkSchemaShape(child, `${path}/properties/${name}`, problems);
    }
  }
  if (schema.items !== undefined) checkSchemaShape(schema.items, `${path}/items`, problems);
  if (typeof schema.additionalProperties === 'object')
    checkSchemaShape(schema.additionalProperties, `${path}/additionalProperties`, problems);
  for (const key of ['prefixItems', 'anyOf'] as const) {
    const list = schema[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) problems.push(`${path}/${key} must be an array`);
    else
      list.forEach((child, index) => {
        checkSchemaShape(child, `${path}/${key}/${index}`, problems);
      });
  }
}

/** Writes a snapshot with sorted keys and a trailing newline, so diffs in review stay small. */
export function writeSnapshot(path: string, snapshot: Snapshot): void {
  writeFileSync(path, `${JSON.stringify(canonicalize(snapshot), null, 2)}\n`);
}
