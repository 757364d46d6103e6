import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';

import { createJiti } from 'jiti';

import type { SharedSettings } from './settings.js';

/** File names searched in each directory, first match wins. */
export const CONFIG_FILE_NAMES = [
  'telltale.config.ts',
  'telltale.config.mts',
  'telltale.config.js',
  'telltale.config.mjs',
  'telltale.config.cjs',
  'telltale.config.json',
];

const settingsByDirectory = new Map<string, LoadedConfig | undefined>();

export interface LoadedConfig {
  path: string;
  settings: SharedSettings;
}

/**
 * Finds the nearest `telltale.config.{ts,js,json}` at or above `directory` and returns its
 * settings, cached per directory for the life of the process (an editor's ESLint server reloads
 * rules when the file changes). ESLint rules run synchronously, so JSON is read with `readFileSync`
 * and TypeScript or JavaScript is loaded with jiti's synchronous require, which transpiles both.
 */
export function loadConfigFile(directory: string): LoadedConfig | undefined {
  if (settingsByDirectory.has(directory)) return settingsByDirectory.get(directory);

  let loaded: LoadedConfig | undefined;
  const found = CONFIG_FILE_NAMES.map((name) => join(directory, name)).find((path) => existsSync(path));
  if (found !== undefined) {
    loaded = { path: found, settings: readConfigFile(found) };
  } else if (parse(directory).root !== directory) {
    loaded = loadConfigFile(dirname(directory));
  }

  settingsByDirectory.set(directory, loaded);
  return loaded;
}

/** Reads one config file. Throws with the file's path when it does not parse or load. */
export function readConfigFile(path: string): SharedSettings {
  try {
    if (path.endsWith('.json')) return JSON.parse(readFileSync(path, 'utf8')) as SharedSettings;

    const jiti = createJiti(import.meta.url, { moduleCache: false });
    // ESLint rules run synchronously, so the asynchronous `jiti.import()` cannot be used here.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const loaded = jiti(path) as { default?: SharedSettings } | SharedSettings;
    return 'default' in loaded && loaded.default !== undefined ? loaded.default : (loaded as SharedSettings);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Failed to load the Telltale config file ${path}: ${reason}`, { cause: error });
  }
}

/** Forgets every config file read so far. */
export function clearConfigFileCache(): void {
  settingsByDirectory.clear();
}
