import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // Two cores on CI: forks keep native modules and child processes isolated per file.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
