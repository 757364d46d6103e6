import { githubReporter } from './github.js';
import { jsonReporter } from './json.js';
import { markdownReporter } from './markdown.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';
import type { Reporter } from './types.js';

export const CHECK_FORMATS = ['text', 'json', 'sarif', 'markdown', 'github'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** One reporter per output format. */
export const reporters: Record<CheckFormat, Reporter> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  markdown: markdownReporter,
  github: githubReporter,
};

export { ANNOTATIONS_PER_LEVEL } from './github.js';
export { newFindings, type CheckReport, type Reporter, type ReporterContext, type SourceReader } from './types.js';
