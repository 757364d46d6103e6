import type { Log, ReportingDescriptor, Result } from 'sarif';

import { CHECK_RULES, type Finding, type RuleId } from '../findings.js';
import type { Reporter } from './types.js';

const TOOL_VERSION = '0.1.0';

/**
 * SARIF 2.1.0 for GitHub code scanning: one rule per check with help text in plain text and
 * Markdown, repo-relative URIs under `%SRCROOT%`, and `partialFingerprints` built from file,
 * enclosing symbol and callee, so an alert survives lines moving. Baselined findings are
 * included as externally suppressed, which code scanning shows as closed.
 */
export const sarifReporter: Reporter = (report) => {
  const ruleIds = Object.keys(CHECK_RULES) as RuleId[];
  const rules: ReportingDescriptor[] = ruleIds.map((id) => {
    const rule = CHECK_RULES[id];
    return {
      id,
      name: rule.name,
      shortDescription: { text: rule.short },
      fullDescription: { text: rule.help },
      help: {
        text: rule.help,
        markdown: `**${rule.short}**\n\n${rule.help}\n\nSee \`docs/check.md\` in Telltale for every rule.`,
      },
      defaultConfiguration: { level: id === 'unresolved-call' ? 'warning' : 'error' },
      properties: {
        tags: ['telemetry', 'observability', 'ai'],
        precision: id === 'unresolved-call' ? 'medium' : 'high',
      },
    };
  });

  const results: Result[] = report.findings.map((finding) => toResult(finding, ruleIds.indexOf(finding.ruleId)));

  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Telltale', version: TOOL_VERSION, semanticVersion: TOOL_VERSION, rules } },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The root of the analysed repository.' } } },
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};

function toResult(finding: Finding, ruleIndex: number): Result {
  const site = finding.site;
  const result: Result = {
    ruleId: finding.ruleId,
    ruleIndex,
    level: finding.severity,
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: site.file, uriBaseId: '%SRCROOT%' },
          region: { startLine: site.line, startColumn: site.column, endLine: site.endLine, endColumn: site.endColumn },
        },
        logicalLocations: [{ fullyQualifiedName: site.enclosingSymbol, kind: 'function' }],
      },
    ],
    partialFingerprints: { 'telltale/v1': finding.fingerprint },
    properties: { provider: site.provider, package: site.package, method: site.method, callee: site.callee },
  };

  if (finding.baselined) {
    result.suppressions = [{ kind: 'external', justification: 'Listed in telltale-baseline.json.' }];
    result.baselineState = 'unchanged';
  }
  return result;
}
