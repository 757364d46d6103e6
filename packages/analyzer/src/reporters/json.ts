import type { Reporter } from './types.js';

/** The report as JSON; its shape is documented in docs/check.md and versioned by `version`. */
export const jsonReporter: Reporter = (report) => `${JSON.stringify(report, null, 2)}\n`;
