import { codeFrameColumns } from '@babel/code-frame';
import picocolors from 'picocolors';

import { newFindings, type CheckReport, type Reporter, type ReporterContext } from './types.js';

/** Findings grouped by file, each with a code frame; a summary line last. */
export const textReporter: Reporter = (report: CheckReport, context: ReporterContext) => {
  const colors = picocolors.createColors(context.colors);
  const lines: string[] = [];
  const findings = newFindings(report);

  const byFile = new Map<string, typeof findings>();
  for (const finding of findings) {
    const list = byFile.get(finding.site.file) ?? [];
    list.push(finding);
    byFile.set(finding.site.file, list);
  }

  for (const [file, list] of [...byFile.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(colors.underline(file));
    const source = context.readSource(file);
    for (const finding of list.sort((a, b) => a.site.line - b.site.line)) {
      const label = finding.severity === 'error' ? colors.red('error') : colors.yellow('warning');
      lines.push(
        `  ${file}:${finding.site.line}:${finding.site.column} ${label} ${finding.message} ${colors.dim(finding.ruleId)}`,
      );
      if (source !== undefined) {
        // A call that spans lines is marked at its start only, so long argument lists stay out of the frame.
        const singleLine = finding.site.endLine === finding.site.line;
        const frame = codeFrameColumns(
          source,
          {
            start: { line: finding.site.line, column: finding.site.column },
            ...(singleLine ? { end: { line: finding.site.endLine, column: finding.site.endColumn } } : {}),
          },
          { highlightCode: context.colors, forceColor: context.colors, linesAbove: 1, linesBelow: 1 },
        );
        lines.push(...frame.split('\n').map((line) => `    ${line}`));
      }
    }
    lines.push('');
  }

  for (const error of report.errors) lines.push(colors.yellow(`skipped ${error.file}: ${error.message}`));
  for (const entry of report.stale) {
    lines.push(
      colors.dim(
        `stale baseline entry: ${entry.ruleId} in ${entry.file} (${entry.enclosingSymbol}, ${entry.callee}); rewrite the baseline with --update-baseline`,
      ),
    );
  }
  for (const note of report.notes) lines.push(colors.dim(`note: ${note}`));

  const instrumented = report.sites.filter((site) => site.verdict === 'instrumented').length;
  const baselined = report.findings.length - findings.length;
  const summary = `${counted(report.sites.length, 'model call')} in ${counted(report.files, 'file')}: ${instrumented} instrumented, ${counted(findings.length, 'finding')}${baselined > 0 ? `, ${baselined} in the baseline` : ''}`;
  lines.push(findings.length > 0 ? colors.red(summary) : colors.green(summary));

  return `${lines.join('\n')}\n`;
};

/** Writes a count with its noun, singular for one: `1 finding`, `2 findings`. */
function counted(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
