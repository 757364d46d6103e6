import { ESLintUtils } from '@typescript-eslint/utils';

/** Creates a rule whose `docs.url` points at its page in the published package's `docs/rules/` folder. */
export const createRule = ESLintUtils.RuleCreator(
  (name) => `https://unpkg.com/@telltale/eslint-plugin/docs/rules/${name}.md`,
);
