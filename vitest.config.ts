import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Apollo loads graphql's CommonJS build; without this our source would get its ESM build, and
    // two copies of graphql break `instanceof GraphQLError` between them (as they never are under tsx).
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['{packages,subgraphs,apps,gateway,bench}/**/test/**/*.test.ts', 'test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    globalSetup: ['packages/testkit/src/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'error' },
  },
});
