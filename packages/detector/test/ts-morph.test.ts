import { Node, Project, ts } from 'ts-morph';
import type TS from 'typescript';
import { describe, expect, it } from 'vitest';

import { createDetector } from '../src/index.js';
import { FIXTURE_PROJECT } from './fixture-program.js';

describe('detector with the TypeScript that ts-morph bundles', () => {
  it('finds the same verdicts in openai.ts', () => {
    const project = new Project({ tsConfigFilePath: `${FIXTURE_PROJECT}tsconfig.json` });
    // ts-morph's copy declares the same API as the `typescript` package, but TypeScript treats its
    // enums as distinct types, so the module needs a cast. Its checker and nodes fit as they are.
    const checker = project.getTypeChecker().compilerObject;
    const detector = createDetector(ts as unknown as typeof TS);
    const sourceFile = project.getSourceFileOrThrow(`${FIXTURE_PROJECT}src/openai.ts`);

    const verdicts = sourceFile
      .getDescendants()
      .filter(Node.isCallExpression)
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- the same enums, from ts-morph's copy
      .map((call) => detector.detect(checker, call.compilerNode))
      .filter((call) => call !== undefined)
      .map((call) => `${call.method}:${call.status}`);

    expect(verdicts).toHaveLength(18);
    expect(verdicts.filter((verdict) => verdict.endsWith(':instrumented'))).toEqual(['create:instrumented']);
  });
});
