import { fileURLToPath } from 'node:url';
import ts from 'typescript';

import type { ModelCall } from '../src/index.js';

/** The fixture project: stub SDK packages under `node_modules/` and one source file per SDK or shape. */
export const FIXTURE_PROJECT = fileURLToPath(new URL('./fixtures/project/', import.meta.url));

/** Creates a program over the fixture project, as a user's `tsconfig.json` would. */
export function createFixtureProgram(): ts.Program {
  const configPath = `${FIXTURE_PROJECT}tsconfig.json`;
  const { config } = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path)) as { config: unknown };
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, FIXTURE_PROJECT);
  return ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
}

/** Reads the `// expect: STATUS REASON CONTEXT` annotations of a fixture file, by line number. */
export function readExpectations(sourceFile: ts.SourceFile): Map<number, string> {
  const expectations = new Map<number, string>();
  sourceFile.text.split('\n').forEach((line, index) => {
    const match = /\/\/ expect: (.+)$/.exec(line);
    if (match !== null) expectations.set(index + 1, match[1]!.trim());
  });
  return expectations;
}

/** Writes a verdict the way the annotations do. */
export function formatVerdict(call: ModelCall): string {
  let context = 'unknown';
  if (call.contextKnown) context = call.missingContext.length === 0 ? 'ok' : `missing=${call.missingContext.join(',')}`;
  return `${call.status} ${call.reason} ${context}`;
}

/** Visits every call expression of a source file. */
export function forEachCall(sourceFile: ts.SourceFile, visit: (node: ts.CallExpression) => void): void {
  const walk = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) visit(node);
    ts.forEachChild(node, walk);
  };
  walk(sourceFile);
}
