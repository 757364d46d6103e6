import { validateEvent, type ValidationIssue } from '@telltale/schema';
import type { Command } from 'commander';

import { noEventsMessage, readJsonLines } from '@telltale/drift';
import { EXIT_FINDINGS, UsageError, type Output } from '../output.js';
import { formatOption } from '../program.js';

const FORMATS = ['text', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** How many examples each kind of problem keeps, with their line numbers. */
const EXAMPLES_PER_KIND = 3;

/** Version of the `--format json` report shape; bumped on any incompatible change. */
export const VALIDATE_REPORT_VERSION = 1;

export interface ValidateReport {
  version: typeof VALIDATE_REPORT_VERSION;
  sources: string[];
  events: number;
  valid: number;
  invalid: number;
  byKind: Record<string, number>;
  problems: ProblemSummary[];
}

/** One kind of problem: a path pattern (array indices as `*`) and the rule it broke. */
export interface ProblemSummary {
  kind: string;
  count: number;
  examples: { source: string; line: number; path: string; message: string }[];
}

/** `telltale validate <files...>`: checks JSON Lines events against the event schema. */
export function registerValidateCommand(program: Command, output: Output): void {
  program
    .command('validate')
    .description('check recorded events (JSON Lines, one event per line) against the event schema')
    .argument('<files...>', 'JSON Lines files to read; - reads standard input')
    .addOption(formatOption(FORMATS, 'text'))
    .addHelpText(
      'after',
      `
Every line must be a model_call or feedback event. Problems are counted per kind, with the
first ${EXAMPLES_PER_KIND} examples of each and their line numbers. Exit code 1 when any line is
invalid or the input has no events.

Example:
  telltale validate events.jsonl
  cat events.jsonl | telltale validate - --format json`,
    )
    .action(async (files: string[], options: { format: Format }) => {
      const report = await validateFiles(files, output);
      output.write(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, output));
      if (report.invalid > 0 || report.events === 0) output.exitCode = EXIT_FINDINGS;
    });
}

/** Validates every line of every source and returns the summary report. */
export async function validateFiles(sources: readonly string[], output: Output): Promise<ValidateReport> {
  const report: ValidateReport = {
    version: VALIDATE_REPORT_VERSION,
    sources: [...sources],
    events: 0,
    valid: 0,
    invalid: 0,
    // No prototype, so kinds such as __proto__ or constructor are ordinary keys.
    byKind: Object.create(null) as Record<string, number>,
    problems: [],
  };
  const problems = new Map<string, ProblemSummary>();
  const progress = createProgress(output);

  for (const source of sources) {
    try {
      for await (const entry of readJsonLines(source)) {
        report.events += 1;
        progress(report.events);

        const issues: ValidationIssue[] = entry.ok
          ? issuesOf(entry.value, report)
          : [{ path: '', keyword: entry.reason, message: entry.message }];

        if (issues.length === 0) {
          report.valid += 1;
          continue;
        }

        report.invalid += 1;
        for (const issue of issues) addProblem(problems, source, entry.line, issue);
      }
    } catch (error) {
      throw toUsageError(source, error);
    }
  }

  progress(report.events, true);
  report.problems = [...problems.values()].sort((a, b) => b.count - a.count);
  return report;
}

function issuesOf(value: unknown, report: ValidateReport): ValidationIssue[] {
  const result = validateEvent(value);
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const kindValue = isObject ? (value as { kind?: unknown }).kind : undefined;
  let kind = '(not an object)';
  if (typeof kindValue === 'string') kind = kindValue;
  else if (isObject) kind = '(no kind)';

  // Own properties only: a kind such as "constructor" must not read Object.prototype.
  report.byKind[kind] = (Object.hasOwn(report.byKind, kind) ? report.byKind[kind]! : 0) + 1;
  return result.valid ? [] : result.issues;
}

function addProblem(problems: Map<string, ProblemSummary>, source: string, line: number, issue: ValidationIssue): void {
  const kind = `${issue.path.replace(/\/\d+(?=\/|$)/g, '/*') || '(line)'} ${issue.keyword}`;
  let summary = problems.get(kind);

  if (!summary) {
    summary = { kind, count: 0, examples: [] };
    problems.set(kind, summary);
  }

  summary.count += 1;
  if (summary.examples.length < EXAMPLES_PER_KIND) {
    summary.examples.push({ source, line, path: issue.path, message: issue.message });
  }
}

function renderText(report: ValidateReport, output: Output): string {
  const { bold, green, red, dim } = output.colors;
  const lines: string[] = [];

  for (const problem of report.problems) {
    lines.push(`${bold(problem.kind)} ${dim(`(${problem.count} ${problem.count === 1 ? 'line' : 'lines'})`)}`);
    for (const example of problem.examples) {
      lines.push(`  ${example.source}:${example.line} ${example.path || '(line)'}: ${example.message}`);
    }
  }

  if (report.events === 0) return `${red(noEventsMessage(report.sources))}\n`;

  const summary =
    report.invalid === 0
      ? green(`${counted(report.events, 'event')}, all valid`)
      : red(`${report.invalid} of ${report.events} events invalid`);
  lines.push(`${lines.length > 0 ? '\n' : ''}${summary}`);

  return `${lines.join('\n')}\n`;
}

/** Returns a callback that redraws a line count on stderr about once a second, on terminals only. */
function createProgress(output: Output): (count: number, done?: boolean) => void {
  if (!output.interactive) return () => undefined;

  let lastDraw = Date.now();
  let drawn = false;

  return (count, done = false) => {
    if (done) {
      if (drawn) output.stderr.write('\r\u001b[K');
      return;
    }
    if (Date.now() - lastDraw < 1000) return;

    lastDraw = Date.now();
    drawn = true;
    output.stderr.write(`\r\u001b[Kvalidated ${count.toLocaleString('en-US')} events…`);
  };
}

function toUsageError(source: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;

  if (code === 'ENOENT') return new UsageError(`cannot read ${source}: no such file; check the path`);
  if (code === 'EISDIR') return new UsageError(`cannot read ${source}: it is a directory; name a JSON Lines file`);
  if (code === 'EACCES') return new UsageError(`cannot read ${source}: permission denied`);
  return new UsageError(`cannot read ${source}: ${error instanceof Error ? error.message : String(error)}`);
}

/** Writes a count with its noun, singular for one: `1 finding`, `2 findings`. */
function counted(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
