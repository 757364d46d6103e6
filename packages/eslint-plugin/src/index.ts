import type { TSESLint } from '@typescript-eslint/utils';

import requireInstrumentation from './rules/require-instrumentation.js';
import requireStreamUsage from './rules/require-stream-usage.js';

export const rules = {
  'require-instrumentation': requireInstrumentation,
  'require-stream-usage': requireStreamUsage,
};

const plugin = {
  meta: { name: '@telltale/eslint-plugin', version: '0.1.0' },
  rules,
} as unknown as TSESLint.FlatConfig.Plugin;

/**
 * Flat-config presets. `recommended` reports model calls without instrumentation or context and
 * streams without usage. `strict` also reports model calls whose types did not resolve.
 */
export const configs = {
  recommended: {
    name: '@telltale/recommended',
    plugins: { '@telltale': plugin },
    rules: {
      '@telltale/require-instrumentation': ['error', { checkUnresolved: false }],
      '@telltale/require-stream-usage': 'error',
    },
  },
  strict: {
    name: '@telltale/strict',
    plugins: { '@telltale': plugin },
    rules: {
      '@telltale/require-instrumentation': ['error', { checkUnresolved: true, checkContext: true }],
      '@telltale/require-stream-usage': 'error',
    },
  },
} satisfies Record<string, TSESLint.FlatConfig.Config>;

export default { ...plugin, configs } as TSESLint.FlatConfig.Plugin & { configs: typeof configs };
