import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { Settings } from 'typebox/system';

import { FeedbackEvent } from './feedback.js';
import { ModelCallEvent } from './model-call.js';

/** One reason an event is invalid. */
export interface ValidationIssue {
  /** JSON Pointer of the offending value, `""` for the event itself. */
  path: string;
  /** Problem and its fix, in plain words. */
  message: string;
  /** JSON Schema keyword that failed, for programs that branch on the kind of error. */
  keyword: string;
}

export type ValidationResult<T> = { valid: true; value: T } | { valid: false; issues: ValidationIssue[] };

/** Upper bound on the issues collected for one event, so a huge malformed value cannot stall a reader. */
export const MAX_ISSUES = 100;

/** A compiled validator for one event kind. */
export interface EventValidator<T> {
  /** Returns whether `value` is a valid event; the fast path for hot loops. */
  check(value: unknown): value is T;
  /** Returns every issue of `value`, up to {@link MAX_ISSUES}; empty when the value is valid. */
  issues(value: unknown): ValidationIssue[];
  /** Validates `value` and returns either the typed event or its issues. */
  validate(value: unknown): ValidationResult<T>;
}

export const modelCallValidator: EventValidator<ModelCallEvent> = createValidator<ModelCallEvent>(ModelCallEvent);
export const feedbackValidator: EventValidator<FeedbackEvent> = createValidator<FeedbackEvent>(FeedbackEvent);

/** Any Telltale event. */
export type TelltaleEvent = ModelCallEvent | FeedbackEvent;

/** Validates a `model_call` or `feedback` event, chosen by its `kind` field. */
export function validateEvent(value: unknown): ValidationResult<TelltaleEvent> {
  const kind = isObject(value) ? value.kind : undefined;

  if (kind === 'model_call') return modelCallValidator.validate(value);
  if (kind === 'feedback') return feedbackValidator.validate(value);

  const message = isObject(value)
    ? `must be "model_call" or "feedback", not ${describeValue(kind)}`
    : `an event must be a JSON object, not ${describeValue(value)}`;
  return { valid: false, issues: [{ path: isObject(value) ? '/kind' : '', message, keyword: 'kind' }] };
}

/** Formats issues one per line as `path: message`, the form the CLI prints. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path || '(event)'}: ${issue.message}`).join('\n');
}

/**
 * Compiles any TypeBox or JSON Schema into a validator with the same plain messages as the event
 * validators, for other documents Telltale reads (its configuration, snapshots).
 */
export function createSchemaValidator<T>(schema: TSchema): EventValidator<T> {
  return createValidator<T>(schema);
}

function createValidator<T>(schema: TSchema): EventValidator<T> {
  const compiled = Compile(schema);

  const check = (value: unknown): value is T => compiled.Check(value);
  const issues = (value: unknown): ValidationIssue[] =>
    compiled.Check(value) ? [] : collectIssues(compiled, schema, value);

  return {
    check,
    issues,
    validate(value) {
      if (check(value)) return { valid: true, value };
      return { valid: false, issues: collectIssues(compiled, schema, value) };
    },
  };
}

interface RawError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
}

function collectIssues(compiled: Validator, schema: TSchema, value: unknown): ValidationIssue[] {
  const raw = withMaxErrors(() => expandConditionals(compiled.Errors(value) as RawError[], schema, value));
  const meaningful = dropSummaryErrors(raw);
  const merged = mergeAlternatives(meaningful);
  const issues = merged.flatMap((error) =>
    error.keyword === 'required' ? requiredIssues(error, value) : [toIssue(error, schema, value)],
  );

  return dedupe(issues).slice(0, MAX_ISSUES);
}

const branchValidators = new WeakMap<object, Validator>();

/**
 * Replaces each failed `if`/`then`/`else` error with the errors of the branch that failed.
 *
 * TypeBox reports only that a conditional branch failed, not why, so the branch schema is
 * compiled on its own (once, then cached) and run on the same value. A conditional whose `if`
 * tests a property that is itself invalid is dropped: its branch errors would follow from the
 * invalid property and mislead.
 */
function expandConditionals(errors: RawError[], rootSchema: TSchema, event: unknown, depth = 0): RawError[] {
  const expanded: RawError[] = [];
  const misleading = errors
    .filter((error) => error.keyword === 'if')
    .filter((error) => {
      const holder = resolveSchemaPath(rootSchema, error.schemaPath);
      return holder !== undefined && conditionTestsInvalidProperty(holder, error.instancePath, errors);
    })
    .map((error) => error.schemaPath);
  const isMisleading = (error: RawError): boolean =>
    misleading.some(
      (holderPath) =>
        error.schemaPath === holderPath ||
        error.schemaPath.startsWith(`${holderPath}/then`) ||
        error.schemaPath.startsWith(`${holderPath}/else`),
    );

  for (const error of errors) {
    if (isMisleading(error)) continue;

    if (error.keyword !== 'if' || depth > 8) {
      expanded.push(error);
      continue;
    }

    const holder = resolveSchemaPath(rootSchema, error.schemaPath);
    const branchName = error.params.failingKeyword === 'else' ? 'else' : 'then';
    const branch = holder?.[branchName];
    if (!isObject(branch) || !isObject(holder)) {
      expanded.push(error);
      continue;
    }

    let validator = branchValidators.get(branch);
    if (!validator) {
      validator = Compile(branch as TSchema);
      branchValidators.set(branch, validator);
    }

    const branchPath = `${error.schemaPath}/${branchName}`;
    const inner = (validator.Errors(valueAt(event, error.instancePath)) as RawError[]).map((innerError) => ({
      ...innerError,
      instancePath: `${error.instancePath}${innerError.instancePath}`,
      schemaPath: innerError.schemaPath.replace(/^#/, branchPath),
    }));

    expanded.push(...(inner.length > 0 ? expandConditionals(inner, rootSchema, event, depth + 1) : [error]));
  }

  return expanded;
}

function conditionTestsInvalidProperty(holder: Record<string, unknown>, path: string, errors: RawError[]): boolean {
  const condition = holder.if;
  if (!isObject(condition) || !isObject(condition.properties)) return false;

  const tested = Object.keys(condition.properties).map((name) => `${path}/${name}`);
  return errors.some(
    (other) => other.keyword !== 'if' && tested.some((prefix) => isSameOrBelow(other.instancePath, prefix)),
  );
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();

  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// TypeBox keeps its error limit in process-wide settings, which the host app may also use, so
// the limit is raised only for the duration of this synchronous call.
function withMaxErrors<T>(collect: () => T): T {
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: MAX_ISSUES });
  try {
    return collect();
  } finally {
    Settings.Set({ maxErrors: previous });
  }
}

const SUMMARY_KEYWORDS = new Set(['if', 'then', 'else', 'anyOf', 'oneOf', 'allOf', 'boolean']);

/**
 * Drops the errors that only repeat that a sub-schema failed (`if`, `anyOf`, `false` schemas)
 * when a more specific error explains the same value, and the `type` errors of union branches
 * the value did not try to match.
 */
function dropSummaryErrors(errors: RawError[]): RawError[] {
  const explained = (error: RawError): boolean =>
    errors.some(
      (other) =>
        other !== error &&
        !SUMMARY_KEYWORDS.has(other.keyword) &&
        other.keyword !== 'type' &&
        isSameOrBelow(other.instancePath, error.instancePath),
    );

  return errors.filter((error) => {
    if (error.keyword === 'boolean') return false;
    if (SUMMARY_KEYWORDS.has(error.keyword)) return !explained(error);
    if (error.keyword === 'type' && isUnionBranch(error.schemaPath)) return !explained(error);
    return true;
  });
}

function isSameOrBelow(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

function isUnionBranch(schemaPath: string): boolean {
  return /\/(anyOf|oneOf)\/\d+$/.test(schemaPath);
}

/**
 * Merges the `type` errors of one value into one error that lists every accepted type, and the
 * `const` errors of one value (a union of literals) into one `enum` error.
 */
function mergeAlternatives(errors: RawError[]): RawError[] {
  const merged: RawError[] = [];
  const typeErrorAt = new Map<string, RawError>();
  const constErrorAt = new Map<string, RawError>();

  for (const error of errors) {
    if (error.keyword === 'type') {
      mergeInto(typeErrorAt, merged, error, 'type', error.params.type);
    } else if (error.keyword === 'const' && isUnionBranch(error.schemaPath)) {
      mergeInto(constErrorAt, merged, error, 'enum', error.params.allowedValue);
    } else {
      merged.push(error);
    }
  }

  // An anyOf whose branches all failed on type or value adds nothing to the merged error.
  return merged.filter(
    (error) =>
      !(error.keyword === 'anyOf' && (typeErrorAt.has(error.instancePath) || constErrorAt.has(error.instancePath))),
  );
}

function mergeInto(
  byPath: Map<string, RawError>,
  merged: RawError[],
  error: RawError,
  keyword: 'type' | 'enum',
  alternative: unknown,
): void {
  const existing = byPath.get(error.instancePath);
  if (existing) {
    (existing.params.alternatives as unknown[]).push(alternative);
    return;
  }

  const copy: RawError = { ...error, keyword, schemaPath: '', params: { alternatives: [alternative] } };
  byPath.set(error.instancePath, copy);
  merged.push(copy);
}

function toIssue(error: RawError, rootSchema: TSchema, event: unknown): ValidationIssue {
  const subschema = resolveSchemaPath(rootSchema, error.schemaPath);
  const actual = valueAt(event, error.instancePath);

  switch (error.keyword) {
    case 'additionalProperties':
      return additionalPropertiesIssue(error);
    case 'type':
      return {
        path: error.instancePath,
        keyword: 'type',
        message: `must be ${joinAlternatives((error.params.alternatives as string[]).map(withArticle))}, not ${describeValue(actual)}`,
      };
    case 'pattern':
    case 'format':
      return {
        path: error.instancePath,
        keyword: error.keyword,
        message: `must be ${describeExpectedString(subschema)}, not ${describeValue(actual)}`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        path: error.instancePath,
        keyword: error.keyword,
        message: `must be ${describeComparison(error.keyword, error.params.limit)}, not ${describeValue(actual)}`,
      };
    case 'minLength':
      return {
        path: error.instancePath,
        keyword: 'minLength',
        message:
          error.params.limit === 1
            ? 'must not be empty'
            : `must have at least ${String(error.params.limit)} characters`,
      };
    case 'const':
    case 'enum':
      return {
        path: error.instancePath,
        keyword: error.keyword,
        message: `must be ${joinAlternatives(allowedValues(subschema, error).map((value) => JSON.stringify(value)))}, not ${describeValue(actual)}`,
      };
    case 'uniqueItems':
      return { path: error.instancePath, keyword: 'uniqueItems', message: 'must not list the same value twice' };
    case 'contains':
    case 'not':
      return contextIssue(error) ?? genericIssue(error);
    default:
      return genericIssue(error);
  }
}

function requiredIssues(error: RawError, event: unknown): ValidationIssue[] {
  const names = (error.params.requiredProperties as string[] | undefined) ?? [];

  return names.map((name) => {
    const path = `${error.instancePath}/${name}`;
    const explanation = REQUIRED_EXPLANATIONS[path.replace(/\/\d+(?=\/|$)/g, '/*')];

    return { path, keyword: 'required', message: explanation ? explanation(event) : 'is required' };
  });
}

/** Messages for required fields whose rule is not obvious from the field name. */
const REQUIRED_EXPLANATIONS: Record<string, (event: unknown) => string> = {
  '/context/feature': () =>
    `is required: every model call names the feature it serves; when none is known, use "unattributed" and list "feature" in context.missing`,
  '/context/missing': () =>
    'is required when context.user is absent: list "user" in context.missing so the gap stays visible, or set context.user',
  '/cost/source': () =>
    'is required when cost.usd is a number: say where the price came from (price-table@YYYY-MM-DD, provider or override)',
  '/cost/unpriced_reason': () =>
    'is required when cost.usd is null: say why the call could not be priced, for example "unknown model"; never record 0 for an unpriced call',
  '/outcome/error_type': () =>
    'is required when outcome.status is "error": give the error class or provider error code',
  '/edit_distance': () => 'is required for an "edit" signal: a number from 0 (unchanged) to 1 (rewritten)',
  '/phrases': () => 'is required for an "uncertainty" signal: the phrases found in the response',
  '/prompt/messages': () => 'is required: record the messages sent, as an empty array if there were none',
};

function contextIssue(error: RawError): ValidationIssue | undefined {
  if (error.instancePath === '/context/missing' && error.keyword === 'contains') {
    return {
      path: '/context/missing',
      keyword: 'contains',
      message: 'must list "user" when context.user is absent, so the gap stays visible; or set context.user',
    };
  }

  if (error.instancePath === '/context/missing' && error.keyword === 'not') {
    return {
      path: '/context/missing',
      keyword: 'not',
      message: 'must not list "user" when context.user is set; remove "user" from context.missing',
    };
  }

  if (error.instancePath === '/cost' && error.keyword === 'not') {
    return {
      path: '/cost/source',
      keyword: 'not',
      message: 'must be absent when cost.usd is null: an unpriced call has no price source',
    };
  }

  return undefined;
}

function additionalPropertiesIssue(error: RawError): ValidationIssue {
  const names = (error.params.additionalProperties as string[] | undefined) ?? [];
  const first = names[0] ?? '?';

  return {
    path: `${error.instancePath}/${first}`,
    keyword: 'additionalProperties',
    message: `is not a field of this object${names.length > 1 ? ` (nor are ${names.slice(1).join(', ')})` : ''}; ${
      error.instancePath.startsWith('/context') || error.instancePath === ''
        ? 'check the spelling or move app data into context.state'
        : 'check the spelling'
    }`,
  };
}

function genericIssue(error: RawError): ValidationIssue {
  return {
    path: error.instancePath,
    keyword: error.keyword,
    message: `is invalid (fails the "${error.keyword}" rule of the event schema)`,
  };
}

function describeExpectedString(schema: Record<string, unknown> | undefined): string {
  const pattern = schema?.pattern;
  if (pattern === '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$') {
    return 'a lower-case UUID version 7, such as 0193a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b';
  }
  if (schema?.format === 'date-time') {
    return 'an RFC 3339 timestamp in UTC ending in Z, such as 2026-12-04T10:15:30.000Z';
  }
  if (typeof schema?.description === 'string') {
    const description = schema.description.replace(/\.$/, '');
    return `a string matching ${String(pattern)} (${description.charAt(0).toLowerCase()}${description.slice(1)})`;
  }
  return `a string matching ${String(pattern ?? schema?.format)}`;
}

function describeComparison(keyword: string, limit: unknown): string {
  const bound = String(limit);
  if (keyword === 'minimum') return limit === 0 ? 'zero or more' : `at least ${bound}`;
  if (keyword === 'maximum') return `at most ${bound}`;
  if (keyword === 'exclusiveMinimum') return `greater than ${bound}`;
  return `less than ${bound}`;
}

function allowedValues(schema: Record<string, unknown> | undefined, error: RawError): unknown[] {
  if (Array.isArray(error.params.alternatives)) return error.params.alternatives as unknown[];
  if (Array.isArray(schema?.enum)) return schema.enum as unknown[];
  if (schema && 'const' in schema) return [schema.const];
  if (Array.isArray(error.params.allowedValues)) return error.params.allowedValues as unknown[];
  if ('allowedValue' in error.params) return [error.params.allowedValue];
  return [];
}

function withArticle(type: string): string {
  if (type === 'null') return 'null';
  if (type === 'integer') return 'an integer';
  if (type === 'object') return 'an object';
  if (type === 'array') return 'an array';
  return `a ${type}`;
}

function joinAlternatives(items: string[]): string {
  if (items.length <= 1) return items[0] ?? 'something else';
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** Describes a value for an error message: its JSON, shortened, or its type when it has none. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (isObject(value)) return 'an object';

  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}…"` : json;
}

function resolveSchemaPath(root: TSchema, schemaPath: string): Record<string, unknown> | undefined {
  const segments = schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodePointerSegment);
  let current: unknown = root;

  for (const segment of segments) {
    if (!isObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }

  return isObject(current) ? current : undefined;
}

function valueAt(root: unknown, pointer: string): unknown {
  const segments = pointer.split('/').slice(1).map(decodePointerSegment);
  let current: unknown = root;

  for (const segment of segments) {
    if (!isObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }

  return current;
}

function decodePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
