import { dirname, isAbsolute, resolve } from 'node:path';

import type { ContextPartName, PackageSpecifier } from '@telltale/detector';
import type { JSONSchema4 } from '@typescript-eslint/utils/json-schema';

import { loadConfigFile, readConfigFile } from './config-file.js';

const explicitFiles = new Map<string, SharedSettings>();

/**
 * The settings the rules share with the rest of Telltale. They come from `telltale.config.*` and
 * each rule option overrides the file's value.
 */
export interface SharedSettings {
  /** Extra model call surfaces, added to the built-in catalog. */
  modelCalls?: PackageSpecifier[];
  /** Functions that instrument what they wrap. */
  wrappers?: PackageSpecifier[];
  /** Context parts each model call must carry. */
  requiredContext?: ContextPartName[];
  /** Name of the recorder variable that suggestions wrap calls with. */
  recorder?: string;
}

export interface RuleSettingsOptions extends SharedSettings {
  /** Path of a config file to read instead of searching, or `false` to read none. */
  configFile?: string | false;
}

export interface ResolvedSettings {
  modelCalls: PackageSpecifier[];
  wrappers: PackageSpecifier[];
  requiredContext: ContextPartName[];
  recorder: string;
}

export const DEFAULT_SETTINGS: ResolvedSettings = {
  modelCalls: [],
  wrappers: [],
  requiredContext: ['feature', 'user'],
  recorder: 'recorder',
};

const specifierSchema: JSONSchema4 = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'package', 'name'],
  properties: {
    from: { type: 'string', enum: ['package'], description: 'Where the function is declared: an npm package.' },
    package: { type: 'string', description: 'Name of the npm package that declares the function.' },
    name: {
      description: 'Name of the function or method, or a list of names.',
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
    },
  },
};

/** JSON schema properties for the shared settings, used by every rule's options schema. */
export const SETTINGS_SCHEMA_PROPERTIES: Record<string, JSONSchema4> = {
  modelCalls: {
    type: 'array',
    items: specifierSchema,
    description: 'Extra model call functions, as `{ from: "package", package, name }`, added to the built-in catalog.',
  },
  wrappers: {
    type: 'array',
    items: specifierSchema,
    description:
      'Functions that instrument what they wrap: a call inside a callback passed to one, or through a client it returns, counts as instrumented.',
  },
  requiredContext: {
    type: 'array',
    items: { type: 'string', enum: ['feature', 'user'] },
    uniqueItems: true,
    description: 'Context parts each model call must carry. Default: ["feature", "user"].',
  },
  recorder: {
    type: 'string',
    description: 'Name of the recorder variable that suggestions wrap a call with. Default: "recorder".',
  },
  configFile: {
    description:
      'Path of the Telltale config file to read, or false to read none. Default: the nearest telltale.config.{ts,js,json} above the linted file.',
    oneOf: [{ type: 'string' }, { type: 'boolean', enum: [false] }],
  },
};

/** Merges the defaults, the config file's settings and the rule options, in that order. */
export function resolveSettings(options: RuleSettingsOptions, lintedFile: string, cwd: string): ResolvedSettings {
  const fromFile = readSettingsFile(options.configFile, lintedFile, cwd);
  return {
    modelCalls: options.modelCalls ?? fromFile?.modelCalls ?? DEFAULT_SETTINGS.modelCalls,
    wrappers: options.wrappers ?? fromFile?.wrappers ?? DEFAULT_SETTINGS.wrappers,
    requiredContext: options.requiredContext ?? fromFile?.requiredContext ?? DEFAULT_SETTINGS.requiredContext,
    recorder: options.recorder ?? fromFile?.recorder ?? DEFAULT_SETTINGS.recorder,
  };
}

function readSettingsFile(
  configFile: string | false | undefined,
  lintedFile: string,
  cwd: string,
): SharedSettings | undefined {
  if (configFile === false) return undefined;

  if (configFile !== undefined) {
    const path = resolve(cwd, configFile);
    let settings = explicitFiles.get(path);
    if (settings === undefined) {
      settings = readConfigFile(path);
      explicitFiles.set(path, settings);
    }
    return settings;
  }

  // ESLint names text without a file `<input>` or `<text>`.
  const directory = isAbsolute(lintedFile) ? dirname(lintedFile) : cwd;
  return loadConfigFile(directory)?.settings;
}
