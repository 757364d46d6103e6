import { newFindings, type Reporter } from './types.js';

/**
 * Maximum annotations per level that GitHub shows for one step (10 errors and 10 warnings).
 * GitHub drops further ones silently, so the rest are counted in a notice instead.
 */
export const ANNOTATIONS_PER_LEVEL = 10;

/** Workflow commands that annotate the diff, capped per level, with a summary of the rest. */
export const githubReporter: Reporter = (report) => {
  const lines: string[] = [];
  const shown = { error: 0, warning: 0 };
  let hidden = 0;

  for (const finding of newFindings(report)) {
    if (shown[finding.severity] >= ANNOTATIONS_PER_LEVEL) {
      hidden += 1;
      continue;
    }
    shown[finding.severity] += 1;

    const site = finding.site;
    const properties = [
      `file=${property(site.file)}`,
      `line=${site.line}`,
      `col=${site.column}`,
      `endLine=${site.endLine}`,
      `endColumn=${site.endColumn}`,
      `title=${property(`telltale: ${finding.ruleId}`)}`,
    ].join(',');
    lines.push(`::${finding.severity} ${properties}::${data(finding.message)}`);
  }

  if (hidden > 0) {
    lines.push(
      `::notice title=telltale::${hidden} more findings are not annotated (GitHub shows ${ANNOTATIONS_PER_LEVEL} per level); see the job log or the SARIF upload`,
    );
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
};

// Escaping of workflow commands: data escapes %, CR and LF; properties also : and ,.
function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
