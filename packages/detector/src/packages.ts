import type TS from 'typescript';

const NODE_MODULES = '/node_modules/';

/**
 * Finds the npm package that a source file belongs to: the path segment after the last
 * `node_modules/`, or, for a file outside `node_modules` (a workspace package reached through a
 * symlink), the `name` in the nearest `package.json`. Results are cached per directory.
 */
export class PackageResolver {
  readonly #ts: typeof TS;
  readonly #byDirectory = new Map<string, string | undefined>();
  readonly #byFile = new WeakMap<TS.SourceFile, string | undefined>();

  constructor(ts: typeof TS) {
    this.#ts = ts;
  }

  packageOf(sourceFile: TS.SourceFile): string | undefined {
    if (this.#byFile.has(sourceFile)) return this.#byFile.get(sourceFile);

    const name = this.packageOfPath(sourceFile.fileName);
    this.#byFile.set(sourceFile, name);
    return name;
  }

  packageOfPath(fileName: string): string | undefined {
    const path = fileName.replaceAll('\\', '/');
    const index = path.lastIndexOf(NODE_MODULES);
    if (index !== -1) return packageNameAt(path.slice(index + NODE_MODULES.length));

    return this.#nearestPackageName(path.slice(0, path.lastIndexOf('/')));
  }

  #nearestPackageName(directory: string): string | undefined {
    if (this.#byDirectory.has(directory)) return this.#byDirectory.get(directory);

    let name: string | undefined;
    const text = this.#ts.sys.readFile(`${directory}/package.json`);
    if (text !== undefined) {
      name = readPackageName(text);
    } else {
      const parent = directory.slice(0, directory.lastIndexOf('/'));
      name = parent.length > 0 && parent !== directory ? this.#nearestPackageName(parent) : undefined;
    }

    this.#byDirectory.set(directory, name);
    return name;
  }
}

function packageNameAt(pathInNodeModules: string): string | undefined {
  const segments = pathInNodeModules.split('/');
  const first = segments[0];
  if (first === undefined || first.length === 0) return undefined;
  if (!first.startsWith('@')) return first;

  const second = segments[1];
  return second === undefined ? undefined : `${first}/${second}`;
}

function readPackageName(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && typeof parsed.name === 'string') {
      return parsed.name;
    }
  } catch {
    // A package.json that does not parse names no package.
  }
  return undefined;
}
