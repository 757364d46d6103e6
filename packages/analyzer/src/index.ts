export {
  CONFIG_FILE_NAMES,
  ConfigError,
  TelltaleConfigSchema,
  loadConfig,
  resolveFromConfig,
  type LoadedConfig,
  type TelltaleConfig,
} from '@telltale/config';
export {
  ProjectLoadError,
  findWorkspaces,
  createPlannedProgram,
  loadProject,
  planProject,
  relativePath,
  repoPath,
  type ProjectPlan,
  type LoadProjectOptions,
  type LoadedProject,
} from './project.js';
export {
  CHECK_REPORT_VERSION,
  CHECK_RULES,
  fingerprintOf,
  findingsOf,
  type CallSite,
  type ContextPart,
  type Finding,
  type RuleDescription,
  type RuleId,
  type Verdict,
} from './findings.js';
export {
  BaselineError,
  DEFAULT_BASELINE_FILE,
  applyBaseline,
  baselineOf,
  readBaseline,
  writeBaseline,
  type Baseline,
  type BaselineEntry,
} from './baseline.js';
export {
  ANNOTATIONS_PER_LEVEL,
  CHECK_FORMATS,
  newFindings,
  reporters,
  type CheckFormat,
  type CheckReport,
  type Reporter,
  type ReporterContext,
  type SourceReader,
} from './reporters/index.js';
export { runCheck, sourceReader, type CheckOptions } from './check.js';
export { enclosingSymbolName } from './symbols.js';
export { GitError, changedFilesSince, checkoutRevision } from './git.js';
export { compareInventories, type InventoryComparison } from './compare.js';
