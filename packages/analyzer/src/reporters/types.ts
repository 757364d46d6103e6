import type { BaselineEntry } from '../baseline.js';
import type { CallSite, Finding } from '../findings.js';

/** Result of `telltale check`; the `--format json` output. */
export interface CheckReport {
  /** Version of this shape; a field is never removed or changed within a version. */
  version: 1;
  root: string;
  files: number;
  /** Every model call site: the inventory. */
  sites: CallSite[];
  /** Every finding, those in the baseline marked `baselined`. */
  findings: Finding[];
  /** Baseline entries that match no finding any more. */
  stale: BaselineEntry[];
  /** Facts about how the program was loaded. */
  notes: string[];
  /** Files that could not be analysed, with the reason; the rest of the project still was. */
  errors: { file: string; message: string }[];
}

/** Reads source text for code frames; returns undefined when the file cannot be read. */
export type SourceReader = (file: string) => string | undefined;

export interface ReporterContext {
  colors: boolean;
  readSource: SourceReader;
}

export type Reporter = (report: CheckReport, context: ReporterContext) => string;

/** Findings that fail the check: not in the baseline. */
export function newFindings(report: CheckReport): Finding[] {
  return report.findings.filter((finding) => !finding.baselined);
}
