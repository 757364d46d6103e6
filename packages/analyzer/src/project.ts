import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { getLibFiles, libFolderInMemoryPath } from '@ts-morph/common';
import { Project, ts, type SourceFile } from 'ts-morph';

/** A program loaded the way the user builds it, with what the loader had to assume. */
export interface LoadedProject {
  project: Project;
  rootDir: string;
  /** tsconfig files that contributed source files, absolute paths. */
  tsconfigs: string[];
  /** Facts the user should know about how the program was formed, one sentence each. */
  notes: string[];
}

export interface LoadProjectOptions {
  /** tsconfig to start from, relative to the root; default `tsconfig.json`. */
  tsconfig?: string;
  /**
   * Loads only these files and what they import, with the compiler options of the tsconfig,
   * instead of every file of the program. For tools that need a few types, not the whole program.
   */
  entryFiles?: string[];
}

/** A project that cannot be loaded: a broken tsconfig or a root that does not exist. */
export class ProjectLoadError extends Error {
  override name = 'ProjectLoadError';
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const IGNORED_DIRS = ['node_modules', 'dist', 'build', 'out', 'coverage', '.next', '.turbo', '.git'];

/** The files, compiler options and tsconfigs of a program, found before it is created. */
export interface ProjectPlan {
  rootDir: string;
  options: ts.CompilerOptions;
  /** The project's own source files, absolute paths, sorted. */
  fileNames: string[];
  /** tsconfig files that contributed source files, absolute paths. */
  tsconfigs: string[];
  /** Facts the user should know about how the program was formed, one sentence each. */
  notes: string[];
}

/**
 * Finds the files and compiler options of the program under `rootDir`:
 * - from its tsconfig, following `extends` and project references (a solution-style tsconfig
 *   with only references works);
 * - without a root tsconfig, from the tsconfigs of its npm, yarn or pnpm workspaces;
 * - otherwise its JS and TS files with default compiler options, with a note.
 */
export function planProject(rootDir: string, options: Pick<LoadProjectOptions, 'tsconfig'> = {}): ProjectPlan {
  const root = resolve(rootDir);
  if (!existsSync(root)) throw new ProjectLoadError(`directory ${root} not found; check the path`);

  const tsconfigPath = resolve(root, options.tsconfig ?? 'tsconfig.json');
  if (existsSync(tsconfigPath)) return planFromTsconfigs(root, [tsconfigPath], []);
  if (options.tsconfig) throw new ProjectLoadError(`tsconfig ${tsconfigPath} not found; check the --tsconfig path`);

  const workspaceConfigs = findWorkspaces(root)
    .map((dir) => join(dir, 'tsconfig.json'))
    .filter((path) => existsSync(path));
  if (workspaceConfigs.length > 0) {
    return planFromTsconfigs(root, workspaceConfigs, [
      `no tsconfig.json in ${root}; loaded the tsconfig.json of ${workspaceConfigs.length} workspace packages`,
    ]);
  }

  const fileNames = ts.sys
    .readDirectory(
      root,
      SOURCE_EXTENSIONS,
      IGNORED_DIRS.map((dir) => `**/${dir}/**`),
      ['**/*'],
    )
    .sort();
  return {
    rootDir: root,
    options: DEFAULT_COMPILER_OPTIONS,
    fileNames,
    tsconfigs: [],
    notes: [
      `no tsconfig.json in ${root}; analysed its JS and TS files with default compiler options (allowJs, bundler resolution)`,
    ],
  };
}

function planFromTsconfigs(root: string, entryConfigs: string[], notes: string[]): ProjectPlan {
  const options = parseTsconfig(entryConfigs[0]!).options;
  const loaded = new Set<string>();
  const fileNames = new Set<string>();

  const visit = (configPath: string): void => {
    const resolvedPath =
      existsSync(configPath) && !configPath.endsWith('.json') ? join(configPath, 'tsconfig.json') : configPath;
    if (loaded.has(resolvedPath)) return;
    loaded.add(resolvedPath);

    const config = parseTsconfig(resolvedPath);
    for (const file of config.fileNames) if (existsSync(file)) fileNames.add(file);
    for (const reference of config.projectReferences ?? []) visit(reference.path);
  };
  for (const configPath of entryConfigs) visit(configPath);

  return { rootDir: root, options, fileNames: [...fileNames].sort(), tsconfigs: [...loaded], notes };
}

/**
 * Creates the compiler program of a plan, from all its files or from `rootNames` and what they
 * import. JSDoc is parsed only where it carries types (JavaScript files), as `tsc` does, so
 * parsing costs less and the types match the ones `tsc` computes.
 */
export function createPlannedProgram(
  plan: ProjectPlan,
  rootNames: readonly string[] = plan.fileNames,
  oldProgram?: ts.Program,
): ts.Program {
  const host = ts.createCompilerHost(plan.options);
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  serveLibFiles(host);
  return ts.createProgram({ rootNames, options: plan.options, host, oldProgram });
}

let libFiles: Map<string, string> | undefined;

/**
 * Serves the compiler's lib files (`lib.es2023.d.ts`…) from the copy ts-morph embeds: the
 * compiler ts-morph bundles has no lib folder next to it on disk.
 */
function serveLibFiles(host: ts.CompilerHost): void {
  libFiles ??= new Map(getLibFiles().map((file) => [join(libFolderInMemoryPath, file.fileName), file.text]));
  const files = libFiles;
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);

  host.getDefaultLibLocation = () => libFolderInMemoryPath;
  host.getDefaultLibFileName = (options) => join(libFolderInMemoryPath, ts.getDefaultLibFileName(options));
  host.fileExists = (fileName) => files.has(fileName) || fileExists(fileName);
  host.readFile = (fileName) => files.get(fileName) ?? readFile(fileName);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = files.get(fileName);
    if (text === undefined) return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    return ts.createSourceFile(fileName, text, languageVersion);
  };
}

/**
 * Loads the program under `rootDir` as a ts-morph project, found as `planProject` describes, or
 * with `entryFiles`, only those files and what they import.
 */
export function loadProject(rootDir: string, options: LoadProjectOptions = {}): LoadedProject {
  const root = resolve(rootDir);
  if (options.entryFiles) {
    if (!existsSync(root)) throw new ProjectLoadError(`directory ${root} not found; check the path`);
    const tsconfigPath = resolve(root, options.tsconfig ?? 'tsconfig.json');
    return loadEntryFiles(root, existsSync(tsconfigPath) ? tsconfigPath : undefined, options.entryFiles);
  }

  const plan = planProject(root, options);
  const project = new Project({ compilerOptions: plan.options, skipAddingFilesFromTsConfig: true });
  for (const file of plan.fileNames) project.addSourceFileAtPath(file);
  // The compiler resolves imports itself when the program is created. Asking ts-morph to wrap
  // every dependency (thousands of .d.ts files in node_modules) would only cost time.

  return { project, rootDir: root, tsconfigs: plan.tsconfigs, notes: plan.notes };
}

function loadEntryFiles(root: string, tsconfigPath: string | undefined, entryFiles: string[]): LoadedProject {
  const options = tsconfigPath ? parseTsconfig(tsconfigPath).options : DEFAULT_COMPILER_OPTIONS;
  const project = new Project({ compilerOptions: options, skipAddingFilesFromTsConfig: true });

  for (const file of entryFiles) project.addSourceFileAtPathIfExists(resolve(root, file));
  project.resolveSourceFileDependencies();

  const notes = tsconfigPath ? [] : [`no tsconfig.json in ${root}; used default compiler options`];
  return { project, rootDir: root, tsconfigs: tsconfigPath ? [tsconfigPath] : [], notes };
}

function parseTsconfig(path: string): ts.ParsedCommandLine {
  const read = ts.readConfigFile(path, (file) => ts.sys.readFile(file));
  if (read.error) throw new ProjectLoadError(`${path}: ${flatten(read.error)}; fix the JSON or pass --tsconfig`);

  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(path), undefined, path);
  // TS18003 (no inputs found) is normal for a solution-style tsconfig that only lists references.
  const errors = parsed.errors.filter((error) => error.code !== 18003);
  if (errors.length > 0) throw new ProjectLoadError(`${path}: ${errors.map(flatten).join('; ')}`);

  return parsed;
}

const DEFAULT_COMPILER_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  jsx: ts.JsxEmit.Preserve,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
};

/** Returns the workspace package directories declared by package.json or pnpm-workspace.yaml. */
export function findWorkspaces(root: string): string[] {
  const patterns = [...npmWorkspacePatterns(root), ...pnpmWorkspacePatterns(root)];
  if (patterns.length === 0) return [];

  const dirs = new Set<string>();
  const probe = new Project({ skipAddingFilesFromTsConfig: true });
  for (const pattern of patterns) {
    for (const manifest of probe.getFileSystem().globSync([join(root, pattern, 'package.json')])) {
      if (!manifest.includes('/node_modules/')) dirs.add(dirname(manifest));
    }
  }
  return [...dirs].sort();
}

function npmWorkspacePatterns(root: string): string[] {
  const manifestPath = join(root, 'package.json');
  if (!existsSync(manifestPath)) return [];

  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    workspaces?: string[] | { packages?: string[] };
  };
  const workspaces = manifest.workspaces;
  if (Array.isArray(workspaces)) return workspaces;
  return workspaces?.packages ?? [];
}

// pnpm-workspace.yaml lists globs under `packages:`; a line-based read is enough for that list.
function pnpmWorkspacePatterns(root: string): string[] {
  const path = join(root, 'pnpm-workspace.yaml');
  if (!existsSync(path)) return [];

  const patterns: string[] = [];
  let inPackages = false;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (/^packages:\s*$/.test(line)) {
      inPackages = true;
      continue;
    }
    if (inPackages && /^\S/.test(line)) break;
    const match = inPackages ? /^\s*-\s*['"]?([^'"#]+?)['"]?\s*(#.*)?$/.exec(line) : null;
    if (match?.[1] && !match[1].startsWith('!')) patterns.push(match[1]);
  }
  return patterns;
}

/** Returns the path of a source file relative to the project root, with forward slashes. */
export function relativePath(loaded: LoadedProject, file: SourceFile): string {
  return repoPath(loaded.rootDir, file.getFilePath());
}

/** Returns a file name relative to `rootDir`, with forward slashes. */
export function repoPath(rootDir: string, fileName: string): string {
  return relative(rootDir, fileName).split('\\').join('/');
}

function flatten(diagnostic: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
}
