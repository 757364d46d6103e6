/** The subset of JSON Schema 2020-12 that catalog extraction produces and drift rules compare. */
export interface JsonSchema {
  type?: JsonType | JsonType[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  format?: string;
  description?: string;
  deprecated?: boolean;
  /** Former name of this property, from a `@renamedFrom` JSDoc tag. */
  'x-renamed-from'?: string;
}

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';

/** Returns the JSON types a schema accepts, `undefined` when it accepts anything. */
export function typesOf(schema: JsonSchema): JsonType[] | undefined {
  if (schema.type !== undefined) return Array.isArray(schema.type) ? [...schema.type].sort() : [schema.type];
  if (schema.const !== undefined) return [jsonTypeOf(schema.const)];
  if (schema.enum) return [...new Set(schema.enum.map(jsonTypeOf))].sort();
  if (schema.anyOf) {
    const nested = schema.anyOf.map(typesOf);
    if (nested.some((types) => types === undefined)) return undefined;
    return [...new Set(nested.flatMap((types) => types!))].sort();
  }
  return undefined;
}

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'object') return 'object';
  return 'string';
}

/** Returns the literal values a schema allows, when it is an enum or a constant. */
export function enumValues(schema: JsonSchema): unknown[] | undefined {
  if (schema.enum) return schema.enum;
  if (schema.const !== undefined) return [schema.const];
  return undefined;
}

/** Returns a copy with object keys sorted and `required`/`enum` sorted, so snapshots diff cleanly. */
export function canonicalize<T>(value: T): T {
  if (Array.isArray(value)) return value.map(canonicalize) as T;
  if (value === null || typeof value !== 'object') return value;

  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => compareText(a, b))
    .map(([key, item]) => {
      if ((key === 'required' || key === 'enum') && Array.isArray(item)) {
        return [key, [...(item as unknown[])].sort(compareValues)];
      }
      return [key, canonicalize(item)];
    });
  return Object.fromEntries(entries) as T;
}

function compareValues(a: unknown, b: unknown): number {
  return compareText(JSON.stringify(a), JSON.stringify(b));
}

/** Orders strings by UTF-16 code units, the same on every machine (unlike `localeCompare`). */
export function compareText(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
