import { UNATTRIBUTED_FEATURE, validateEvent, type ModelCallEvent, type ValidationIssue } from '@telltale/schema';
import { closest, distance } from 'fastest-levenshtein';
import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

import type { EventCheck, Problem } from './batch.js';
import type { CatalogSchema } from './extract.js';
import type { JsonSchema } from './json-schema.js';

/** Returns a function that lists the problems of one parsed event. */
export function createEventChecker(catalog: CatalogSchema | undefined): EventCheck {
  const stateValidators = new Map<string, Validator>();
  for (const [feature, schema] of Object.entries(catalog ?? {})) {
    stateValidators.set(feature, Compile(schema.state as TSchema));
  }

  return (value) => {
    const result = validateEvent(value);
    if (!result.valid) return result.issues.map(coreProblem);

    const event = result.value;
    if (event.kind !== 'model_call') return NO_PROBLEMS;

    const problems = catalog ? catalogProblems(event, catalog, stateValidators) : NO_PROBLEMS;
    const missing = missingParts(event);
    if (missing.length === 0) return problems;
    return problems.length === 0 ? missing : [...problems, ...missing];
  };
}

/** Shared result for a valid, complete event, so the common case allocates nothing. */
const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

function coreProblem(issue: ValidationIssue): Problem {
  const pattern = issue.path.replace(/\/\d+(?=\/|$)/g, '/*') || '(event)';
  return { kind: `schema: ${pattern} ${issue.keyword}`, category: 'invalid', path: issue.path, message: issue.message };
}

function catalogProblems(
  event: ModelCallEvent,
  catalog: CatalogSchema,
  validators: Map<string, Validator>,
): readonly Problem[] {
  const feature = event.context.feature;
  if (feature === UNATTRIBUTED_FEATURE) return NO_PROBLEMS;

  const validator = validators.get(feature);
  if (!validator) {
    return [
      {
        kind: 'unknown-feature',
        category: 'invalid',
        path: '/context/feature',
        message: `feature ${JSON.stringify(feature)} is not in the catalog${knownFeaturesHint(feature, Object.keys(catalog))}; add it to the catalog type or fix the name`,
      },
    ];
  }

  // A missing state is checked as an empty one, so required state fields are reported.
  const state = event.context.state ?? {};
  if (validator.Check(state)) return NO_PROBLEMS;

  const hasState = event.context.state !== undefined;
  return validator.Errors(state).flatMap((error): Problem[] => {
    const path = `/context/state${error.instancePath}`;

    if (error.keyword === 'additionalProperties') {
      const names = (error.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      const declared = declaredFields(catalog[feature]!.state, error.instancePath);
      return names.map((name) => ({
        kind: 'state-field-unknown',
        category: 'invalid',
        path: `${path}/${name}`,
        message: `state field "${name}" is not declared for feature "${feature}"${declared}; add it to the catalog type or stop sending it`,
      }));
    }
    if (error.keyword === 'required') {
      const names = (error.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      return names.map((name) => ({
        kind: 'state-field-missing',
        category: 'invalid',
        path: `${path}/${name}`,
        message: hasState
          ? `state field "${name}" is required for feature "${feature}" but missing; send it or make it optional in the catalog type`
          : `state field "${name}" is required for feature "${feature}" but the event has no state; pass the state in the recorder context`,
      }));
    }
    if (error.keyword === 'boolean') return [];

    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
    const detail = allowed
      ? `must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`
      : error.message;
    return [
      {
        kind: 'state-type-mismatch',
        category: 'invalid',
        path,
        message: `state of "${feature}" ${detail} (${error.keyword}); the catalog type and the recorded value disagree`,
      },
    ];
  });
}

/** Known features named in a message, at most this many; a longer catalog gets a count of the rest. */
const MAX_LISTED_FEATURES = 10;

/** Returns the closest catalog name when one is a likely typo, else the catalog's names, for an unknown feature. */
function knownFeaturesHint(feature: string, known: string[]): string {
  if (known.length === 0) return ' (the catalog is empty)';

  const suggestion = closest(feature, known);
  if (distance(feature, suggestion) <= Math.max(2, feature.length / 3)) return ` (did you mean "${suggestion}"?)`;

  const sorted = [...known].sort();
  const listed = sorted.slice(0, MAX_LISTED_FEATURES).map((name) => `"${name}"`);
  const rest = sorted.length - listed.length;
  return ` (known features: ${listed.join(', ')}${rest > 0 ? ` and ${rest} more` : ''})`;
}

/** Returns the declared fields of the state object at `instancePath` for a message, or '' when there are none. */
function declaredFields(stateSchema: JsonSchema, instancePath: string): string {
  let schema: JsonSchema | undefined = stateSchema;
  for (const segment of instancePath.split('/').slice(1)) {
    schema = schema?.properties?.[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  }

  const names = Object.keys(schema?.properties ?? {});
  return names.length > 0 ? ` (declared: ${names.map((name) => `"${name}"`).join(', ')})` : '';
}

/** Lists the parts of the four-tuple a valid event does not carry. */
function missingParts(event: ModelCallEvent): Problem[] {
  const problems: Problem[] = [];
  const missing = (part: string, path: string, message: string): void => {
    problems.push({ kind: `missing: ${part}`, category: 'incomplete', path, message });
  };

  if (event.prompt.messages.length === 0 && (event.prompt.system ?? []).length === 0) {
    missing('prompt', '/prompt/messages', 'no prompt messages were recorded');
  }
  if (event.outcome.status === 'ok' && event.response === null) {
    missing('response', '/response', 'the call succeeded but no response was recorded');
  }
  if (
    event.outcome.status === 'ok' &&
    event.usage.input_tokens === undefined &&
    event.usage.output_tokens === undefined
  ) {
    missing('usage', '/usage', 'no token usage was recorded; for streams, ask the provider to include usage');
  }
  if (event.cost.usd === null) {
    missing('cost', '/cost/usd', `the call is unpriced: ${event.cost.unpriced_reason ?? 'no reason given'}`);
  }
  if (event.context.missing?.includes('feature')) {
    missing('feature', '/context/feature', 'no feature was set; wrap the call in withContext({ feature })');
  }
  if (event.context.missing?.includes('user')) {
    missing('user', '/context/user', 'no user was set; pass the user id in the recorder context');
  }

  return problems;
}
