import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{packages,subgraphs,gateway,bench}/**/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['packages/testkit/src/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'error' },
  },
});
