import { newFindings, type Reporter } from './types.js';

/** Findings shown in the Markdown block before the rest is summarised. */
const MAX_ROWS = 50;

/** Renders the block the pull request comment embeds: a summary line and a table of findings. */
export const markdownReporter: Reporter = (report) => {
  const findings = newFindings(report);
  const instrumented = report.sites.filter((site) => site.verdict === 'instrumented').length;
  const lines = ['### Model calls', ''];

  const status = findings.length === 0 ? '✅' : '❌';
  lines.push(
    `${status} ${counted(report.sites.length, 'model call')} in ${counted(report.files, 'file')}: ${instrumented} instrumented, ${counted(findings.length, 'finding')}` +
      (report.findings.length > findings.length ? `, ${report.findings.length - findings.length} in the baseline` : ''),
  );

  if (findings.length > 0) {
    lines.push('', '| where | call | problem |', '| --- | --- | --- |');
    for (const finding of findings.slice(0, MAX_ROWS)) {
      const site = finding.site;
      lines.push(
        `| \`${site.file}:${site.line}\` | \`${escape(site.callee)}\` (${site.provider}) | ${escape(finding.message)} |`,
      );
    }
    if (findings.length > MAX_ROWS)
      lines.push('', `…and ${findings.length - MAX_ROWS} more; the SARIF upload and the job log list all of them.`);
  }

  if (report.stale.length > 0) {
    lines.push(
      '',
      `${report.stale.length === 1 ? '1 baseline entry no longer matches' : `${report.stale.length} baseline entries no longer match`} a finding; remove them with \`telltale check --update-baseline\`.`,
    );
  }
  return `${lines.join('\n')}\n`;
};

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Writes a count with its noun, singular for one: `1 finding`, `2 findings`. */
function counted(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
