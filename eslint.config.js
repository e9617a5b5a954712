// Lint rules that keep the layout of DESIGN §2 and §7 true: no import cycles, no subgraph importing
// another subgraph or an application, kysely only in repositories (db/), no floating promises.
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const SUBGRAPHS = ['identity', 'tenancy', 'wallet', 'catalog', 'vms', 'billing'];

/** A subgraph may import the shared packages, never another subgraph, the gateway or an app. */
const subgraphBoundaries = SUBGRAPHS.map((name) => ({
  files: [`subgraphs/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [
              ...SUBGRAPHS.filter((other) => other !== name).map((other) => `@platform/${other}`),
              '@platform/gateway',
              '@platform/platform',
              '@platform/platform/*',
            ],
            message: 'A subgraph talks to others over GraphQL (kernel service client) or events, never by import.',
          },
          { group: ['**/subgraphs/*/**', '**/apps/**', '**/gateway/**'], message: 'No relative imports across workspaces.' },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/.explorer-cache/**', '**/.dashboard-cache/**', '**/__generated__/**', '.data/**', '**/dist/**', 'schema/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      // no-cycle parses the files an import leads to: it must know how to read TypeScript.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json'] })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      // Every workspace declares what it imports (the nearest package.json), so turbo's graph is true.
      'import-x/no-extraneous-dependencies': 'error',
    },
  },
  ...subgraphBoundaries,
  {
    // Only repositories (db/) build queries. Domain code may name kysely's types (the caller owns the
    // transaction, so `Transaction<DB>` appears in its signatures) but never import a value from it.
    files: ['subgraphs/*/src/**/*.ts'],
    ignores: ['subgraphs/*/src/db/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'kysely', message: 'Only repositories under db/ use kysely; domain code calls them.', allowTypeImports: true }] },
      ],
    },
  },
  {
    // Benchmarks run under plain node: the test kit's fixtures need a vitest runner.
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@platform/testkit', message: 'Use @platform/kernel/testing: the test kit only loads under vitest.' }] },
      ],
    },
  },
  {
    files: ['**/test/**/*.ts', 'bench/**/*.ts', 'packages/kernel/src/testing/**/*.ts', 'apps/platform/src/test-platform.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
