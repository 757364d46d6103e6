import { fileURLToPath } from 'node:url';

import { RuleTester } from '@typescript-eslint/rule-tester';
import { afterAll, describe, it } from 'vitest';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/** The detector's fixture project: stub SDK packages and a `tsconfig.json` whose program includes `src/case.ts`. */
export const FIXTURE_PROJECT = fileURLToPath(new URL('../../detector/test/fixtures/project/', import.meta.url));

/** The file name typed cases are linted as; its text is replaced by each case's code. */
export const TYPED_FILE = 'src/case.ts';

/** Creates a rule tester with type information from the fixture project. */
export function typedRuleTester(): RuleTester {
  return new RuleTester({
    languageOptions: {
      parserOptions: {
        project: './tsconfig.json',
        tsconfigRootDir: FIXTURE_PROJECT,
        // Cases replace the text of src/case.ts, so the single-run mode that CI=true turns on
        // (which reads files from disk) must stay off.
        disallowAutomaticSingleRunInference: true,
      },
    },
  });
}

/** Creates a rule tester without type information, like an editor that has no TypeScript project. */
export function untypedRuleTester(): RuleTester {
  return new RuleTester({ languageOptions: { globals: { require: 'readonly', module: 'writable' } } });
}
