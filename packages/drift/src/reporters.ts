import { relative } from 'node:path';

import type { DriftReport } from './check.js';
import type { Finding } from './diff.js';
import type { EventValidationReport } from './validate-events.js';

export const DRIFT_FORMATS = ['text', 'json', 'markdown', 'github'] as const;
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

/** Styling hooks, so reporters stay free of terminal concerns; identity functions when colours are off. */
export interface Styles {
  bold(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
}

const plain: Styles = { bold: (t) => t, red: (t) => t, yellow: (t) => t, green: (t) => t, dim: (t) => t };

/** Renders a drift report in one of the {@link DRIFT_FORMATS}. */
export const driftReporters: Record<DriftFormat, (report: DriftReport, styles?: Styles) => string> = {
  text: renderDriftText,
  json: (report) => `${JSON.stringify(report, null, 2)}\n`,
  markdown: renderDriftMarkdown,
  github: renderDriftGithub,
};

/** Renders an event validation report in one of the {@link DRIFT_FORMATS}. */
export const validationReporters: Record<DriftFormat, (report: EventValidationReport, styles?: Styles) => string> = {
  text: renderValidationText,
  json: (report) => `${JSON.stringify(report, null, 2)}\n`,
  markdown: renderValidationMarkdown,
  github: renderValidationGithub,
};

function location(finding: Finding): string {
  if (!finding.feature) return 'core schema';
  return finding.path ? `${finding.feature} · ${finding.path}` : finding.feature;
}

function renderDriftText(report: DriftReport, styles: Styles = plain): string {
  const lines: string[] = [];
  const severityLabel = (finding: Finding): string => {
    if (finding.acknowledged) return styles.dim('acknowledged');
    if (finding.severity === 'breaking') return styles.red('breaking');
    if (finding.severity === 'warning') return styles.yellow('warning');
    return styles.dim('info');
  };

  for (const finding of report.findings) {
    lines.push(
      `${severityLabel(finding).padEnd(12)} ${finding.message} ${styles.dim(`[${finding.ruleId} ${finding.fingerprint}]`)}`,
    );
    if (finding.acknowledged) lines.push(`             ${styles.dim(`acknowledged by ${finding.acknowledged}`)}`);
  }

  for (const entry of report.staleAllow) {
    lines.push(
      styles.dim(
        `drift.allow entry ${entry.fingerprint} (${entry.reason}) matches no change; remove it from telltale.config.*`,
      ),
    );
  }

  const counts = countBySeverity(report.findings);
  const header = `${report.features} features, mode ${report.mode}, preset ${report.preset}, snapshot ${report.snapshot}`;
  if (report.updated) {
    lines.push(
      `${lines.length > 0 ? '\n' : ''}${styles.green(report.created ? 'wrote' : 'updated')} ${report.snapshot} (${header})`,
    );
  } else if (report.findings.length === 0) {
    lines.push(styles.green(`no drift: ${header}`));
  } else {
    const summary = `${counts.breaking} breaking, ${counted(counts.warning, 'warning')}, ${counts.info} info, ${report.acknowledged.length} acknowledged`;
    lines.push(`\n${report.failed ? styles.red(summary) : summary}: ${header}`);
    if (report.failed) {
      lines.push(
        'To accept an intended breaking change, bump drift.version to the next major in telltale.config.*, or add { fingerprint, reason } to drift.allow; then run `telltale drift --update`.',
      );
    }
  }

  return `${lines.join('\n')}\n`;
}

function renderDriftMarkdown(report: DriftReport): string {
  const counts = countBySeverity(report.findings);
  const lines = ['### Telemetry schema drift', ''];

  if (report.findings.length === 0) {
    lines.push(
      `No drift against \`${basename(report.snapshot)}\` (${report.features} features, ${report.mode} compatibility).`,
    );
    return `${lines.join('\n')}\n`;
  }

  lines.push(
    `${report.failed ? '❌' : '✅'} ${counts.breaking} breaking, ${counted(counts.warning, 'warning')}, ${counts.info} info (${report.mode} compatibility, ${report.preset} preset)`,
    '',
    '| severity | where | change | rule |',
    '| --- | --- | --- | --- |',
  );
  for (const finding of report.findings) {
    const severity = finding.acknowledged
      ? `${finding.severity} (acknowledged: ${escapeCell(finding.acknowledged)})`
      : finding.severity;
    lines.push(
      `| ${severity} | ${escapeCell(location(finding))} | ${escapeCell(finding.message)} | \`${finding.ruleId}\` \`${finding.fingerprint}\` |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

// Workflow commands have no file for a catalog type's drift, so they annotate the snapshot file.
function renderDriftGithub(report: DriftReport): string {
  const lines = report.findings
    .filter((finding) => finding.severity !== 'info')
    .map((finding) => {
      const level = finding.severity === 'breaking' && !finding.acknowledged ? 'error' : 'warning';
      const title = `telltale drift: ${finding.ruleId}`;
      return `::${level} file=${escapeProperty(relativeToCwd(report.snapshot))},title=${escapeProperty(title)}::${escapeData(finding.message)}`;
    });
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function renderValidationText(report: EventValidationReport, styles: Styles = plain): string {
  const lines: string[] = [];

  for (const problem of report.problems) {
    const label = problem.category === 'invalid' ? styles.red(problem.kind) : styles.yellow(problem.kind);
    lines.push(`${label} ${styles.dim(`(${problem.count})`)}`);
    for (const example of problem.examples) {
      lines.push(`  ${example.source}:${example.line} ${example.path || '(line)'}: ${example.message}`);
    }
  }

  if (report.events === 0) return `${styles.red(noEventsMessage(report.sources))}\n`;

  const catalog = report.catalogChecked ? '' : ' (core schema only: no catalog)';
  const summary = `${counted(report.events, 'event')}: ${report.valid} valid, ${report.invalid} invalid, ${report.incomplete} with missing parts${catalog}`;
  lines.push(`${lines.length > 0 ? '\n' : ''}${report.invalid > 0 ? styles.red(summary) : styles.green(summary)}`);
  return `${lines.join('\n')}\n`;
}

function renderValidationMarkdown(report: EventValidationReport): string {
  const lines = [
    '### Recorded events',
    '',
    report.events === 0
      ? `${escapeCell(noEventsMessage(report.sources))}.`
      : `${counted(report.events, 'event')}: ${report.valid} valid, ${report.invalid} invalid, ${report.incomplete} with missing parts.`,
  ];
  if (report.problems.length > 0) {
    lines.push('', '| problem | kind | count | first example |', '| --- | --- | ---: | --- |');
    for (const problem of report.problems) {
      const example = problem.examples[0];
      const where = example
        ? `line ${example.line} \`${example.path || '(line)'}\`: ${escapeCell(example.message)}`
        : '';
      lines.push(`| ${escapeCell(problem.kind)} | ${problem.category} | ${problem.count} | ${where} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function renderValidationGithub(report: EventValidationReport): string {
  if (report.events === 0) return `::error title=no events::${escapeData(noEventsMessage(report.sources))}\n`;

  const lines: string[] = [];
  for (const problem of report.problems) {
    for (const example of problem.examples) {
      const level = problem.category === 'invalid' ? 'error' : 'warning';
      const file = example.source === '-' ? '' : `file=${escapeProperty(example.source)},line=${example.line},`;
      lines.push(
        `::${level} ${file}title=${escapeProperty(problem.kind)}::${escapeData(`${example.path}: ${example.message} (${problem.count} events)`)}`,
      );
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** Explains an input without events, which validates nothing and so must not pass as valid. */
export function noEventsMessage(sources: readonly string[]): string {
  return `no events in ${sources.join(', ')}: the input is empty or has only blank lines; check that the recorder's JSON Lines sink writes there`;
}

function countBySeverity(findings: Finding[]): Record<'breaking' | 'warning' | 'info', number> {
  const counts = { breaking: 0, warning: 0, info: 0 };
  for (const finding of findings) if (!finding.acknowledged) counts[finding.severity] += 1;
  return counts;
}

function basename(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

// Escaping rules of GitHub Actions workflow commands: data escapes %, CR, LF; properties also : and ,.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

// GitHub resolves annotation paths against the workspace, which is the working directory in CI.
function relativeToCwd(path: string): string {
  return relative(process.cwd(), path).split('\\').join('/');
}

/** Writes a count with its noun, singular for one: `1 finding`, `2 findings`. */
function counted(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
