export {
  CONFIG_FILE_NAMES,
  ConfigError,
  TelltaleConfigSchema,
  loadConfig,
  loadConfigSync,
  resolveFromConfig,
  type LoadedConfig,
  type TelltaleConfig,
} from './config.js';
