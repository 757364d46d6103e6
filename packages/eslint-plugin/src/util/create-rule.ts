import { ESLintUtils } from '@typescript-eslint/utils';

/** Creates a rule whose `docs.url` points at its page in the package's `docs/rules/` folder. */
export const createRule = ESLintUtils.RuleCreator(
  (name) => `https://www.npmjs.com/package/@telltale/eslint-plugin#${name}`,
);
