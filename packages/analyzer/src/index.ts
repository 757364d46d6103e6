export {
  CONFIG_FILE_NAMES,
  ConfigError,
  TelltaleConfigSchema,
  loadConfig,
  resolveFromConfig,
  type LoadedConfig,
  type TelltaleConfig,
} from './config.js';
export {
  ProjectLoadError,
  findWorkspaces,
  loadProject,
  relativePath,
  type LoadProjectOptions,
  type LoadedProject,
} from './project.js';
