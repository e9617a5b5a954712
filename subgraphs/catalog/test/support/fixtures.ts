import { orgTest } from '@platform/testkit';
import { startCatalog, type CatalogHarness } from './catalog-harness.ts';

/** The seeded catalog subgraph, one per test file, on the file's keys and standard tree. */
export const catalogTest = orgTest.extend<{ catalog: CatalogHarness }>({
  catalog: [
    async ({ auth, tree }, use) => {
      const catalog = await startCatalog(auth, tree);
      await use(catalog);
      await catalog.close();
    },
    { scope: 'file' },
  ],
});
