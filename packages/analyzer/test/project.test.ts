import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { ProjectLoadError, findWorkspaces, loadProject, relativePath } from '../src/index.js';
import { writeTree } from './helpers.js';

function files(dir: string): string[] {
  const loaded = loadProject(dir);
  return loaded.project
    .getSourceFiles()
    .map((file) => relativePath(loaded, file))
    .filter((path) => !path.includes('node_modules'))
    .sort();
}

describe('loadProject', () => {
  test('follows extends and include', () => {
    const dir = writeTree({
      'tsconfig.base.json': JSON.stringify({ compilerOptions: { strict: true, allowJs: true } }),
      'tsconfig.json': JSON.stringify({ extends: './tsconfig.base.json', include: ['src'] }),
      'src/a.ts': 'export const a = 1;',
      'src/b.js': 'export const b = 2;',
      'scripts/c.ts': 'export const c = 3;',
    });

    expect(files(dir)).toEqual(['src/a.ts', 'src/b.js']);
    expect(loadProject(dir).project.getCompilerOptions().strict).toBe(true);
  });

  test('follows project references', () => {
    const dir = writeTree({
      'tsconfig.json': JSON.stringify({
        files: [],
        references: [{ path: 'packages/a' }, { path: 'packages/b/tsconfig.json' }],
      }),
      'packages/a/tsconfig.json': JSON.stringify({ compilerOptions: { composite: true }, include: ['src'] }),
      'packages/a/src/index.ts': 'export const a = 1;',
      'packages/b/tsconfig.json': JSON.stringify({ compilerOptions: { composite: true }, include: ['src'] }),
      'packages/b/src/index.ts': 'export const b = 1;',
    });

    expect(files(dir)).toEqual(['packages/a/src/index.ts', 'packages/b/src/index.ts']);
  });

  test('loads npm workspaces without a root tsconfig', () => {
    const dir = writeTree({
      'package.json': JSON.stringify({ workspaces: ['packages/*'] }),
      'packages/a/package.json': '{}',
      'packages/a/tsconfig.json': JSON.stringify({ include: ['src'] }),
      'packages/a/src/index.ts': 'export const a = 1;',
    });

    const loaded = loadProject(dir);

    expect(files(dir)).toEqual(['packages/a/src/index.ts']);
    expect(loaded.notes[0]).toContain('workspace packages');
  });

  test('finds pnpm workspaces', () => {
    const dir = writeTree({
      'pnpm-workspace.yaml': 'packages:\n  - \'apps/*\'\n  - "!apps/ignored"\n',
      'apps/web/package.json': '{}',
      'apps/api/package.json': '{}',
    });

    expect(findWorkspaces(dir)).toEqual([join(dir, 'apps/api'), join(dir, 'apps/web')]);
  });

  test('default program without tsconfig', () => {
    const dir = writeTree({
      'index.js': 'const x = require("./lib");',
      'lib.mjs': 'export default 1;',
      'node_modules/dep/index.js': 'module.exports = 1;',
      'dist/out.js': 'x',
    });

    const loaded = loadProject(dir);

    expect(files(dir)).toEqual(['index.js', 'lib.mjs']);
    expect(loaded.notes[0]).toContain('no tsconfig.json');
  });

  test('broken tsconfig names the file', () => {
    const dir = writeTree({ 'tsconfig.json': '{ "compilerOptions": { "strict": true, }' });

    expect(() => loadProject(dir)).toThrow(ProjectLoadError);
    expect(() => loadProject(dir)).toThrow(join(dir, 'tsconfig.json'));
  });

  test('missing directory is an error', () => {
    expect(() => loadProject('/nonexistent/telltale')).toThrow(/not found/);
  });

  test('entry files load only what they import', () => {
    const dir = writeTree({
      'tsconfig.json': JSON.stringify({ include: ['src'] }),
      'src/features.ts': "import type { T } from './types';\nexport type F = { a: T };",
      'src/types.ts': 'export type T = { x: number };',
      'src/unrelated.ts': 'export const u = 1;',
    });

    const loaded = loadProject(dir, { entryFiles: ['src/features.ts'] });

    expect(
      loaded.project
        .getSourceFiles()
        .map((file) => relativePath(loaded, file))
        .sort(),
    ).toEqual(['src/features.ts', 'src/types.ts']);
  });
});
