import { UNATTRIBUTED_FEATURE, validateEvent, type ModelCallEvent, type ValidationIssue } from '@telltale/schema';
import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

import type { CatalogSchema } from './extract.js';
import { readJsonLines } from './jsonl.js';

/** Whether a kind of problem makes an event invalid or only leaves a part of the four-tuple missing. */
export type ProblemCategory = 'invalid' | 'incomplete';

/** One kind of problem, with its count and the first examples. */
export interface ProblemKind {
  kind: string;
  category: ProblemCategory;
  count: number;
  examples: { source: string; line: number; path: string; message: string }[];
}

export interface EventValidationReport {
  /** Version of this report shape in `--format json`. */
  version: 1;
  sources: string[];
  events: number;
  valid: number;
  invalid: number;
  /** Valid events with at least one part of the four-tuple missing. */
  incomplete: number;
  /** Whether state was checked against a feature catalog. */
  catalogChecked: boolean;
  problems: ProblemKind[];
}

export interface EventValidationOptions {
  /** Catalog to check features and state against; core schema only when undefined. */
  catalog?: CatalogSchema | undefined;
  examplesPerKind?: number;
  /** Called about every 10,000 events with the count so far. */
  onProgress?: (events: number) => void;
}

interface Problem {
  kind: string;
  category: ProblemCategory;
  path: string;
  message: string;
}

/**
 * Validates JSON Lines events from files (or `-` for standard input) against the core schema
 * and, when given, the feature catalog. Streams: memory stays flat for files of any size.
 */
export async function validateEventFiles(
  sources: readonly string[],
  options: EventValidationOptions = {},
): Promise<EventValidationReport> {
  const checker = createEventChecker(options.catalog);
  const examplesPerKind = options.examplesPerKind ?? 3;
  const kinds = new Map<string, ProblemKind>();
  const report: EventValidationReport = {
    version: 1,
    sources: [...sources],
    events: 0,
    valid: 0,
    invalid: 0,
    incomplete: 0,
    catalogChecked: options.catalog !== undefined,
    problems: [],
  };

  for (const source of sources) {
    for await (const entry of readJsonLines(source)) {
      report.events += 1;
      if (options.onProgress && report.events % 10_000 === 0) options.onProgress(report.events);

      const problems: Problem[] = entry.ok
        ? checker(entry.value)
        : [{ kind: entry.reason, category: 'invalid', path: '', message: entry.message }];

      if (problems.some((problem) => problem.category === 'invalid')) report.invalid += 1;
      else {
        report.valid += 1;
        if (problems.length > 0) report.incomplete += 1;
      }

      for (const problem of problems) {
        let kind = kinds.get(problem.kind);
        if (!kind) {
          kind = { kind: problem.kind, category: problem.category, count: 0, examples: [] };
          kinds.set(problem.kind, kind);
        }
        kind.count += 1;
        if (kind.examples.length < examplesPerKind) {
          kind.examples.push({ source, line: entry.line, path: problem.path, message: problem.message });
        }
      }
    }
  }

  report.problems = [...kinds.values()].sort(
    (a, b) => Number(a.category === 'incomplete') - Number(b.category === 'incomplete') || b.count - a.count,
  );
  return report;
}

/** Returns a function that lists the problems of one parsed event. */
export function createEventChecker(catalog: CatalogSchema | undefined): (value: unknown) => Problem[] {
  const stateValidators = new Map<string, Validator>();
  for (const [feature, schema] of Object.entries(catalog ?? {})) {
    stateValidators.set(feature, Compile(schema.state as TSchema));
  }

  return (value) => {
    const result = validateEvent(value);
    if (!result.valid) return result.issues.map(coreProblem);

    const event = result.value;
    if (event.kind !== 'model_call') return [];

    const problems = catalog ? catalogProblems(event, catalog, stateValidators) : [];
    problems.push(...missingParts(event));
    return problems;
  };
}

function coreProblem(issue: ValidationIssue): Problem {
  const pattern = issue.path.replace(/\/\d+(?=\/|$)/g, '/*') || '(event)';
  return { kind: `schema: ${pattern} ${issue.keyword}`, category: 'invalid', path: issue.path, message: issue.message };
}

function catalogProblems(event: ModelCallEvent, catalog: CatalogSchema, validators: Map<string, Validator>): Problem[] {
  const feature = event.context.feature;
  if (feature === UNATTRIBUTED_FEATURE) return [];

  const validator = validators.get(feature);
  if (!validator) {
    return [
      {
        kind: 'unknown-feature',
        category: 'invalid',
        path: '/context/feature',
        message: `feature ${JSON.stringify(feature)} is not in the catalog; add it to the catalog type or fix the name`,
      },
    ];
  }

  const state = event.context.state ?? {};
  if (validator.Check(state)) return [];

  return validator.Errors(state).flatMap((error): Problem[] => {
    if (error.keyword === 'additionalProperties') {
      const names = (error.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      return names.map((name) => ({
        kind: 'state-field-unknown',
        category: 'invalid',
        path: `/context/state${error.instancePath}/${name}`,
        message: `state field "${name}" is not declared for feature "${feature}"; add it to the catalog type or stop sending it`,
      }));
    }
    if (error.keyword === 'boolean') return [];
    return [
      {
        kind: 'state-type-mismatch',
        category: 'invalid',
        path: `/context/state${error.instancePath}`,
        message: `state of "${feature}" ${error.message} (${error.keyword}); the catalog type and the recorded value disagree`,
      },
    ];
  });
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
