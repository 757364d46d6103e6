export { main } from './main.js';
export {
  createOutput,
  EXIT_FINDINGS,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  type Output,
  type OutputOptions,
} from './output.js';

export {
  VALIDATE_REPORT_VERSION,
  validateFiles,
  type ProblemSummary,
  type ValidateReport,
} from './commands/validate.js';
