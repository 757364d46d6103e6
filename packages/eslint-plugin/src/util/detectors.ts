import { createRequire } from 'node:module';

import {
  BUILT_IN_CATALOG,
  createDetector,
  entriesFromSpecifiers,
  type CatalogEntry,
  type Detector,
} from '@telltale/detector';
import type TS from 'typescript';

import type { ResolvedSettings } from './settings.js';

const require = createRequire(import.meta.url);
let typescript: typeof TS | undefined;

const detectorsByProgram = new WeakMap<TS.Program, Map<string, Detector>>();

/**
 * Returns the detector for a program and settings, created once, so its caches (per declaration
 * and per source file) live as long as the program ESLint keeps for the project.
 */
export function getDetector(program: TS.Program, settings: ResolvedSettings): Detector {
  let detectors = detectorsByProgram.get(program);
  if (detectors === undefined) {
    detectors = new Map();
    detectorsByProgram.set(program, detectors);
  }

  const key = JSON.stringify([settings.modelCalls, settings.wrappers, settings.requiredContext]);
  let detector = detectors.get(key);
  if (detector === undefined) {
    detector = createDetector(loadTypeScript(), {
      modelCalls: settings.modelCalls,
      wrappers: settings.wrappers,
      requiredContext: settings.requiredContext,
    });
    detectors.set(key, detector);
  }
  return detector;
}

/** Returns the catalog the untyped fallback searches: the built-in entries and the configured ones. */
export function getCatalog(settings: ResolvedSettings): CatalogEntry[] {
  return [...BUILT_IN_CATALOG, ...entriesFromSpecifiers(settings.modelCalls)];
}

/**
 * Loads the `typescript` package the way typescript-eslint's parser does, only when a rule runs
 * with type information, so untyped linting works without TypeScript installed.
 */
function loadTypeScript(): typeof TS {
  typescript ??= require('typescript') as typeof TS;
  return typescript;
}
