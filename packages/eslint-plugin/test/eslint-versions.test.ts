import tsParser from '@typescript-eslint/parser';
import { Linter as Linter10 } from 'eslint';
import { Linter as Linter9 } from 'eslint9';
import { describe, expect, it } from 'vitest';

import plugin, { configs } from '../src/index.js';
import { FIXTURE_PROJECT } from './rule-tester.js';

const UNTYPED_CODE = `import OpenAI from 'openai';
const openai = new OpenAI();
export function answer() {
  return openai.chat.completions.create({ model: 'gpt-4o', messages: [], stream: true });
}
`;

const TYPED_CODE = `import { plainOpenAI } from './clients';
export function answer() {
  const { create } = plainOpenAI.chat.completions;
  return create({ model: 'gpt-4o', messages: [], stream: true });
}
`;

const RULE_OPTIONS = { configFile: false };

const versions = [
  // The two major versions share the `verify` signature this test uses.
  { name: 'ESLint 9', Linter: Linter9 as unknown as typeof Linter10 },
  { name: 'ESLint 10', Linter: Linter10 },
];

describe.each(versions)('$name', ({ Linter }) => {
  it('runs the recommended preset untyped', () => {
    const linter = new Linter({ configType: 'flat' });
    const messages = linter.verify(
      UNTYPED_CODE,
      [
        configs.recommended,
        {
          rules: {
            '@telltale/require-instrumentation': ['error', { ...RULE_OPTIONS, checkUnresolved: false }],
            '@telltale/require-stream-usage': ['error', RULE_OPTIONS],
          },
        },
      ] as never,
      'answer.js',
    );
    expect(messages.map((message) => message.ruleId)).toEqual([
      '@telltale/require-instrumentation',
      '@telltale/require-stream-usage',
    ]);
  });

  it('runs both rules with type information', () => {
    const linter = new Linter({ configType: 'flat' });
    const messages = linter.verify(
      TYPED_CODE,
      [
        {
          files: ['**/*.ts'],
          languageOptions: {
            parser: tsParser,
            // typescript-eslint switches to single-run mode when CI=true, which lints the files on
            // disk and not the code given to verify(); the test lints code that is not on disk.
            parserOptions: {
              project: './tsconfig.json',
              tsconfigRootDir: FIXTURE_PROJECT,
              disallowAutomaticSingleRunInference: true,
            },
          },
          plugins: { '@telltale': plugin },
          rules: {
            '@telltale/require-instrumentation': ['error', RULE_OPTIONS],
            '@telltale/require-stream-usage': ['error', RULE_OPTIONS],
          },
        },
      ] as never,
      `${FIXTURE_PROJECT}src/case.ts`,
    );
    expect(messages.map((message) => message.ruleId)).toEqual([
      '@telltale/require-instrumentation',
      '@telltale/require-stream-usage',
    ]);
  });

  it('exposes both presets', () => {
    expect(Object.keys(configs)).toEqual(['recommended', 'strict']);
    expect(Object.keys(plugin.rules ?? {})).toEqual(['require-instrumentation', 'require-stream-usage']);
  });
});
