import { loadConfigSync } from '@telltale/config';

import type { SharedSettings } from './settings.js';

const settingsByDirectory = new Map<string, LoadedConfig | undefined>();

export interface LoadedConfig {
  path: string;
  settings: SharedSettings;
}

/**
 * Finds the nearest `telltale.config.{ts,js,json}` at or above `directory` and returns its
 * settings, cached per directory for the life of the process (an editor's ESLint server reloads
 * rules when the file changes). The file is read and validated as `telltale check` reads it, but
 * synchronously, because ESLint rules run synchronously.
 */
export function loadConfigFile(directory: string): LoadedConfig | undefined {
  if (settingsByDirectory.has(directory)) return settingsByDirectory.get(directory);

  const loaded = loadConfigSync(directory);
  const result = loaded.filepath === undefined ? undefined : { path: loaded.filepath, settings: loaded.config };
  settingsByDirectory.set(directory, result);
  return result;
}

/** Reads one config file. Throws a `ConfigError` with the file's path when it does not load or validate. */
export function readConfigFile(path: string): SharedSettings {
  return loadConfigSync(process.cwd(), path).config;
}

/** Forgets every config file read so far. */
export function clearConfigFileCache(): void {
  settingsByDirectory.clear();
}
