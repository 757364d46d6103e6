import { createHash } from 'node:crypto';

import type { CatalogSchema } from './extract.js';
import { enumValues, typesOf, type JsonSchema } from './json-schema.js';
import { RULES, severityOf, type CompatibilityMode, type Preset, type RuleId, type Severity } from './rules.js';

/** One difference between the snapshot and the current schema. */
export interface Change {
  ruleId: RuleId;
  /** Feature the change is in; undefined for the core schema. */
  feature: string | undefined;
  /** Path of the state field, such as `templateId` or `recipients[].email`; empty for the feature. */
  path: string;
  message: string;
  /** Stable identity of the change, for allowlists: independent of order and line numbers. */
  fingerprint: string;
}

export interface Finding extends Change {
  severity: Severity;
  /** Reason a breaking change does not fail the check, when it is acknowledged. */
  acknowledged?: string;
}

export interface CoreVersions {
  before: string;
  after: string;
}

/** Compares two catalogs and the core schema versions and lists every change. */
export function diffSchemas(before: CatalogSchema, after: CatalogSchema, core: CoreVersions): Change[] {
  const changes: Change[] = [];
  const add = (ruleId: RuleId, feature: string | undefined, path: string, message: string, detail = ''): void => {
    changes.push({ ruleId, feature, path, message, fingerprint: fingerprintOf(ruleId, feature, path, detail) });
  };

  diffCore(core, add);

  const renamedTo = new Map<string, string>();
  for (const [name, feature] of Object.entries(after)) {
    if (feature.renamedFrom && before[feature.renamedFrom] && !after[feature.renamedFrom])
      renamedTo.set(feature.renamedFrom, name);
  }

  for (const [name, feature] of Object.entries(before)) {
    const newName = renamedTo.get(name);
    if (newName) {
      add('feature-renamed', newName, '', `feature "${name}" was renamed to "${newName}"`, name);
      diffState(newName, feature.state, after[newName]!.state, '', add);
    } else if (!after[name]) {
      add('feature-removed', name, '', `feature "${name}" was removed from the catalog`);
    }
  }

  for (const [name, feature] of Object.entries(after)) {
    const previous = before[name];
    if (!previous) {
      if (![...renamedTo.values()].includes(name))
        add(
          'feature-added',
          name,
          '',
          `feature "${name}" was added to the catalog${unmatchedRename(feature.renamedFrom, 'feature')}`,
        );
      continue;
    }
    if (feature.deprecated && !previous.deprecated)
      add('feature-deprecated', name, '', `feature "${name}" was marked @deprecated`);
    diffState(name, previous.state, feature.state, '', add);
  }

  return changes;
}

/**
 * Explains an addition whose `@renamedFrom` tag matched nothing: a misspelt old name would
 * otherwise pass as a plain addition, with the removal of the old name reported apart.
 */
function unmatchedRename(renamedFrom: string | undefined, kind: string): string {
  if (renamedFrom === undefined) return '';
  return `; its @renamedFrom "${renamedFrom}" names no ${kind} of the snapshot that was removed, so it counts as an addition (check the old name)`;
}

type AddChange = (ruleId: RuleId, feature: string | undefined, path: string, message: string, detail?: string) => void;

function diffCore(core: CoreVersions, add: AddChange): void {
  const [beforeMajor, beforeMinor] = core.before.split('.').map(Number);
  const [afterMajor, afterMinor] = core.after.split('.').map(Number);

  if (beforeMajor !== afterMajor) {
    add(
      'core-major-changed',
      undefined,
      '',
      `core event schema changed from ${core.before} to ${core.after}; run \`telltale store migrate\``,
      `${beforeMajor}->${afterMajor}`,
    );
  } else if (beforeMinor !== afterMinor) {
    add(
      'core-minor-changed',
      undefined,
      '',
      `core event schema changed from ${core.before} to ${core.after}`,
      `${beforeMinor}->${afterMinor}`,
    );
  }
}

function diffState(feature: string, before: JsonSchema, after: JsonSchema, path: string, add: AddChange): void {
  const label = path === '' ? `state of "${feature}"` : `"${feature}" state field ${path}`;

  const beforeValues = enumValues(before);
  const afterValues = enumValues(after);
  if (beforeValues && afterValues) {
    for (const value of beforeValues.filter((item) => !afterValues.some((other) => Object.is(other, item)))) {
      add(
        'enum-value-removed',
        feature,
        path,
        `${label} no longer allows ${JSON.stringify(value)}`,
        JSON.stringify(value),
      );
    }
    for (const value of afterValues.filter((item) => !beforeValues.some((other) => Object.is(other, item)))) {
      add('enum-value-added', feature, path, `${label} now allows ${JSON.stringify(value)}`, JSON.stringify(value));
    }
    return;
  }

  const typeChange = compareTypes(before, after);
  if (typeChange) {
    const message = `${label} changed from ${describe(before)} to ${describe(after)}`;
    add(typeChange, feature, path, message, `${describe(before)}->${describe(after)}`);
    return;
  }

  if (before.format !== after.format) {
    const message = `${label} changed format from ${before.format ?? 'none'} to ${after.format ?? 'none'}`;
    add('field-type-changed', feature, path, message, `format:${before.format ?? ''}->${after.format ?? ''}`);
    return;
  }

  if (before.type === 'object' && after.type === 'object') {
    diffObject(feature, before, after, path, add);
    diffAdditionalProperties(feature, before, after, path, add);
  }
  if (before.type === 'array' && after.type === 'array') diffArray(feature, before, after, path, add);
}

/** Compares the values of a record (`Record<string, T>`), which JSON Schema keeps in `additionalProperties`. */
function diffAdditionalProperties(
  feature: string,
  before: JsonSchema,
  after: JsonSchema,
  path: string,
  add: AddChange,
): void {
  const label = path === '' ? `state of "${feature}"` : `"${feature}" state field ${path}`;
  const beforeValues = before.additionalProperties ?? false;
  const afterValues = after.additionalProperties ?? false;

  if (typeof beforeValues === 'object' && typeof afterValues === 'object') {
    diffState(feature, beforeValues, afterValues, `${path}[string]`, add);
  } else if (typeof beforeValues === 'object' && afterValues === false) {
    add('field-type-narrowed', feature, path, `${label} no longer accepts arbitrary keys`, 'record->object');
  } else if (beforeValues === false && typeof afterValues === 'object') {
    add('field-type-widened', feature, path, `${label} now accepts arbitrary keys`, 'object->record');
  }
}

function diffArray(feature: string, before: JsonSchema, after: JsonSchema, path: string, add: AddChange): void {
  const label = `"${feature}" state field ${path}`;

  if (before.items && after.items) {
    diffState(feature, before.items, after.items, `${path}[]`, add);
    return;
  }
  if (before.prefixItems && after.prefixItems) {
    if (before.prefixItems.length !== after.prefixItems.length) {
      const message = `${label} changed from a tuple of ${before.prefixItems.length} to a tuple of ${after.prefixItems.length}`;
      add(
        'field-type-changed',
        feature,
        path,
        message,
        `tuple:${before.prefixItems.length}->${after.prefixItems.length}`,
      );
      return;
    }
    before.prefixItems.forEach((item, index) => {
      diffState(feature, item, after.prefixItems![index]!, `${path}[${index}]`, add);
    });
    return;
  }
  if ((before.items && after.prefixItems) || (before.prefixItems && after.items)) {
    const kind = (schema: JsonSchema): string => (schema.prefixItems ? 'tuple' : 'array');
    add(
      'field-type-changed',
      feature,
      path,
      `${label} changed from ${kind(before)} to ${kind(after)}`,
      `${kind(before)}->${kind(after)}`,
    );
  }
}

function diffObject(feature: string, before: JsonSchema, after: JsonSchema, path: string, add: AddChange): void {
  const beforeProperties = before.properties ?? {};
  const afterProperties = after.properties ?? {};
  const beforeRequired = new Set(before.required ?? []);
  const afterRequired = new Set(after.required ?? []);
  const join = (name: string): string => (path === '' ? name : `${path}.${name}`);

  const renamedFrom = new Map<string, string>();
  for (const [name, schema] of Object.entries(afterProperties)) {
    const old = schema['x-renamed-from'];
    if (old && beforeProperties[old] && !afterProperties[old]) renamedFrom.set(old, name);
  }

  for (const [name, schema] of Object.entries(beforeProperties)) {
    const newName = renamedFrom.get(name);
    if (newName) {
      add(
        'field-renamed',
        feature,
        join(newName),
        `"${feature}" state field ${join(name)} was renamed to ${join(newName)}`,
        name,
      );
      diffState(feature, schema, afterProperties[newName]!, join(newName), add);
      continue;
    }
    if (afterProperties[name]) continue;

    const ruleId = beforeRequired.has(name) ? 'required-field-removed' : 'optional-field-removed';
    add(ruleId, feature, join(name), `"${feature}" state field ${join(name)} was removed`);
  }

  for (const [name, schema] of Object.entries(afterProperties)) {
    const previous = beforeProperties[name];
    if (!previous) {
      if ([...renamedFrom.values()].includes(name)) continue;
      const ruleId = afterRequired.has(name) ? 'required-field-added' : 'optional-field-added';
      const kind = afterRequired.has(name) ? 'required' : 'optional';
      const unmatched = unmatchedRename(schema['x-renamed-from'], 'state field');
      add(ruleId, feature, join(name), `"${feature}" gained the ${kind} state field ${join(name)}${unmatched}`);
      continue;
    }

    if (!beforeRequired.has(name) && afterRequired.has(name)) {
      add('field-made-required', feature, join(name), `"${feature}" state field ${join(name)} became required`);
    }
    if (beforeRequired.has(name) && !afterRequired.has(name)) {
      add('field-made-optional', feature, join(name), `"${feature}" state field ${join(name)} became optional`);
    }
    diffState(feature, previous, schema, join(name), add);
  }
}

/** Classifies a change of accepted JSON types; undefined when the types are the same. */
function compareTypes(before: JsonSchema, after: JsonSchema): RuleId | undefined {
  const beforeTypes = normalize(typesOf(before));
  const afterTypes = normalize(typesOf(after));
  const beforeIsEnum = enumValues(before) !== undefined;
  const afterIsEnum = enumValues(after) !== undefined;

  if (beforeTypes === undefined && afterTypes === undefined) return undefined;
  if (beforeTypes === undefined) return 'field-type-narrowed';
  if (afterTypes === undefined) return 'field-type-widened';

  const sameTypes = beforeTypes.length === afterTypes.length && beforeTypes.every((type) => afterTypes.includes(type));
  if (sameTypes) {
    // A free string that became a set of values narrows it; the reverse widens it.
    if (!beforeIsEnum && afterIsEnum) return 'field-type-narrowed';
    if (beforeIsEnum && !afterIsEnum) return 'field-type-widened';
    return undefined;
  }
  if (beforeTypes.every((type) => afterTypes.includes(type))) return 'field-type-widened';
  if (afterTypes.every((type) => beforeTypes.includes(type))) return 'field-type-narrowed';
  return 'field-type-changed';
}

/** Treats integer as number, since TypeScript has only `number`. */
function normalize(types: string[] | undefined): string[] | undefined {
  if (!types) return undefined;

  const merged = types.map((type) => (type === 'integer' ? 'number' : type));
  return [...new Set(merged)];
}

function describe(schema: JsonSchema): string {
  const values = enumValues(schema);
  if (values) return values.map((value) => JSON.stringify(value)).join(' | ');
  const types = typesOf(schema);
  return types ? types.join(' | ') : 'any JSON value';
}

function fingerprintOf(ruleId: RuleId, feature: string | undefined, path: string, detail: string): string {
  return createHash('sha256')
    .update(`${ruleId}\u0000${feature ?? ''}\u0000${path}\u0000${detail}`)
    .digest('hex')
    .slice(0, 16);
}

/** Acknowledgement settings: a major bump of the catalog version, and single changes by fingerprint. */
export interface Acknowledgements {
  snapshotCatalogVersion: string;
  currentCatalogVersion: string;
  allow: { fingerprint: string; reason: string }[];
}

/** Assigns severities under a mode and preset, and marks acknowledged breaking changes. */
export function evaluate(
  changes: Change[],
  mode: CompatibilityMode,
  preset: Preset,
  acknowledgements: Acknowledgements,
): Finding[] {
  const majorBumped =
    Number(acknowledgements.currentCatalogVersion.split('.')[0]) >
    Number(acknowledgements.snapshotCatalogVersion.split('.')[0]);

  return changes.map((change) => {
    const severity = severityOf(change.ruleId, mode, preset);
    const finding: Finding = { ...change, severity };
    if (severity !== 'breaking') return finding;

    const allowed = acknowledgements.allow.find((entry) => entry.fingerprint === change.fingerprint);
    if (allowed) finding.acknowledged = `allowlisted: ${allowed.reason}`;
    else if (majorBumped) {
      finding.acknowledged = `catalog version ${acknowledgements.snapshotCatalogVersion} → ${acknowledgements.currentCatalogVersion}`;
    }
    return finding;
  });
}

export { RULES };
