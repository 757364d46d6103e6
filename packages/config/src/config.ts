import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

import { createJiti } from 'jiti';
import { lilconfig, lilconfigSync } from 'lilconfig';
import Type, { type Static } from 'typebox';
import { createSchemaValidator, formatIssues } from '@telltale/schema';

/** File names searched for, in order, from the start directory up. */
export const CONFIG_FILE_NAMES = [
  'telltale.config.ts',
  'telltale.config.mts',
  'telltale.config.js',
  'telltale.config.mjs',
  'telltale.config.cjs',
  'telltale.config.json',
] as const;

const TypeReference = Type.Object(
  {
    file: Type.String({ minLength: 1, description: 'Module that declares the type, relative to the config file.' }),
    type: Type.String({ minLength: 1, description: 'Exported name of the type.' }),
  },
  {
    additionalProperties: false,
    description: 'The feature catalog type: feature names mapped to the state each feature carries.',
  },
);

const Acknowledgement = Type.Object(
  {
    fingerprint: Type.String({
      minLength: 1,
      description: 'Fingerprint of the drift finding, as `telltale drift` prints it.',
    }),
    reason: Type.String({ minLength: 1, description: 'Why the breaking change is intended.' }),
  },
  { additionalProperties: false },
);

const PackageSpecifier = Type.Object(
  {
    from: Type.Literal('package', { description: 'Where the function is declared: an npm package.' }),
    package: Type.String({ minLength: 1, description: 'Name of the npm package that declares the function.' }),
    name: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })], {
      description: 'Name of the function or method, or a list of names.',
    }),
  },
  { additionalProperties: false },
);

/** JSON Schema of `telltale.config.*`; sections that other tools read are validated there. */
export const TelltaleConfigSchema = Type.Object(
  {
    modelCalls: Type.Optional(
      Type.Array(PackageSpecifier, { description: 'Extra model call surfaces, added to the built-in catalog.' }),
    ),
    wrappers: Type.Optional(
      Type.Array(PackageSpecifier, { description: 'Functions that instrument the calls they wrap.' }),
    ),
    requiredContext: Type.Optional(
      Type.Array(Type.Union([Type.Literal('feature'), Type.Literal('user')]), {
        description: 'Context parts every model call must carry. Default: feature and user.',
      }),
    ),
    recorder: Type.Optional(Type.String({ description: 'Name of the recorder variable that lint suggestions use.' })),
    catalog: Type.Optional(TypeReference),
    drift: Type.Optional(
      Type.Object(
        {
          snapshot: Type.Optional(
            Type.String({
              description: 'Committed snapshot file, relative to the config file. Default: telltale.schema.json.',
            }),
          ),
          mode: Type.Optional(
            Type.Union([Type.Literal('backward'), Type.Literal('forward'), Type.Literal('full')], {
              description: 'Compatibility to enforce. Default: backward.',
            }),
          ),
          preset: Type.Optional(
            Type.Union([Type.Literal('strict'), Type.Literal('default'), Type.Literal('lenient')], {
              description: 'How strict the rule severities are. Default: default.',
            }),
          ),
          version: Type.Optional(
            Type.String({
              pattern: '^\\d+\\.\\d+\\.\\d+$',
              description: 'Version of the telemetry catalog; a major bump acknowledges breaking changes.',
            }),
          ),
          allow: Type.Optional(
            Type.Array(Acknowledgement, { description: 'Breaking changes acknowledged one by one.' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    store: Type.Optional(
      Type.Object(
        { url: Type.Optional(Type.String({ description: 'Store URL: sqlite:<path>, postgres://…, clickhouse://…' })) },
        { additionalProperties: true },
      ),
    ),
  },
  { additionalProperties: true },
);
export type TelltaleConfig = Static<typeof TelltaleConfigSchema>;

/** A configuration file as loaded: its content, and the path relative paths inside it resolve against. */
export interface LoadedConfig {
  config: TelltaleConfig;
  /** Absolute path of the file, or undefined when none was found and defaults apply. */
  filepath: string | undefined;
  /** Directory that relative paths in the config resolve against. */
  baseDir: string;
}

/** A configuration file that cannot be read, parsed or validated. */
export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(
    message: string,
    readonly filepath: string | undefined,
  ) {
    super(message);
  }
}

const validateConfig = createSchemaValidator<TelltaleConfig>(TelltaleConfigSchema);

/** The result lilconfig returns for a config file it found or loaded. */
type SearchResult = { config: unknown; filepath: string; isEmpty?: boolean } | null;

/**
 * Loads `telltale.config.*`: the file given, or the first one found from `startDir` upwards.
 * TypeScript configs are loaded through jiti, so they need no build step. Returns defaults
 * (an empty config) when there is none.
 */
export async function loadConfig(startDir: string, explicitFile?: string): Promise<LoadedConfig> {
  const attempt: { filepath?: string } = {};
  const explorer = lilconfig('telltale', {
    searchPlaces: [...CONFIG_FILE_NAMES],
    loaders: loadersFor(importModule, attempt),
  });

  const filepath = explicitPath(startDir, explicitFile);
  const result: SearchResult = await (filepath ? explorer.load(filepath) : explorer.search(startDir)).catch(
    (error: unknown) => rethrowLoadError(attempt.filepath ?? filepath, error),
  );
  return validated(result, startDir);
}

/**
 * Loads `telltale.config.*` like `loadConfig`, synchronously, for callers that cannot wait, such
 * as ESLint rules. A config module with top-level `await` needs `loadConfig`.
 */
export function loadConfigSync(startDir: string, explicitFile?: string): LoadedConfig {
  const attempt: { filepath?: string } = {};
  const explorer = lilconfigSync('telltale', {
    searchPlaces: [...CONFIG_FILE_NAMES],
    loaders: loadersFor(requireModule, attempt),
  });

  const filepath = explicitPath(startDir, explicitFile);
  let result: SearchResult;
  try {
    result = filepath ? explorer.load(filepath) : explorer.search(startDir);
  } catch (error) {
    rethrowLoadError(attempt.filepath ?? filepath, error);
  }
  return validated(result, startDir);
}

/** Resolves a path from the config against the config file's directory. */
export function resolveFromConfig(loaded: LoadedConfig, path: string): string {
  return isAbsolute(path) ? path : join(loaded.baseDir, path);
}

function explicitPath(startDir: string, explicitFile: string | undefined): string | undefined {
  if (explicitFile === undefined) return undefined;

  const filepath = isAbsolute(explicitFile) ? explicitFile : resolve(startDir, explicitFile);
  if (!existsSync(filepath))
    throw new ConfigError(`config file ${filepath} not found; check the --config path`, filepath);
  return filepath;
}

function validated(result: SearchResult, startDir: string): LoadedConfig {
  if (!result) return { config: {}, filepath: undefined, baseDir: resolve(startDir) };

  const config: unknown = result.isEmpty ? {} : result.config;
  const issues = validateConfig.issues(config);
  if (issues.length > 0) {
    const details = formatIssues(issues)
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');
    throw new ConfigError(
      `invalid config in ${result.filepath}:\n${details}\nFix these fields; docs/configuration.md lists every option.`,
      result.filepath,
    );
  }

  return { config: config as TelltaleConfig, filepath: result.filepath, baseDir: dirname(result.filepath) };
}

/**
 * Returns lilconfig loaders for every config extension. Each notes the file it loads in
 * `attempt`, because an error thrown while searching does not say which file it came from.
 */
function loadersFor(
  load: (filepath: string) => unknown,
  attempt: { filepath?: string },
): Record<string, (filepath: string, content: string) => unknown> {
  const loadModule = (filepath: string): unknown => {
    attempt.filepath = filepath;
    return load(filepath);
  };
  const loadJson = (filepath: string, content: string): unknown => {
    attempt.filepath = filepath;
    return JSON.parse(content);
  };
  return {
    '.ts': loadModule,
    '.mts': loadModule,
    '.js': loadModule,
    '.mjs': loadModule,
    '.cjs': loadModule,
    '.json': loadJson,
  };
}

async function importModule(filepath: string): Promise<unknown> {
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false, interopDefault: true });
  return jiti.import(filepath, { default: true });
}

function requireModule(filepath: string): unknown {
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false, interopDefault: true });
  // jiti's synchronous require is deprecated in favour of import(), which the sync caller cannot await.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const loaded: unknown = jiti(filepath);
  const hasDefault = typeof loaded === 'object' && loaded !== null && 'default' in loaded;
  return hasDefault ? loaded.default : loaded;
}

function rethrowLoadError(filepath: string | undefined, error: unknown): never {
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const where = filepath ?? 'telltale.config.*';
  throw new ConfigError(
    `cannot load config ${where}: ${detail}. Fix the syntax error, or run with --config pointing at a valid file.`,
    filepath,
  );
}
