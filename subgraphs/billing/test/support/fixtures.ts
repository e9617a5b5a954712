import { createLogger, InMemoryEventBus } from '@platform/kernel';
import { createTestDatabase, dropTestDatabases, orgTest } from '@platform/testkit';
import { createBillingSubgraph, readBillingConfig, type BillingSubgraph } from '../../src/index.ts';

export interface RunningBilling {
  readonly url: string;
  readonly subgraph: BillingSubgraph;
}

/** The billing subgraph on port 0 and a fresh database, once per test file, on the standard tree. */
export const billingTest = orgTest.extend<{ billing: RunningBilling }>({
  billing: [
    async ({ auth, tree }, use) => {
      const config = readBillingConfig({ DATABASE_URL: await createTestDatabase('billing'), PORT: '0', NODE_ENV: 'test' });
      const subgraph = createBillingSubgraph(config, {
        logger: createLogger({ service: 'billing-test' }, 'error'),
        verifyToken: auth.verifyToken,
        orgDirectory: tree.directory,
        eventBus: new InMemoryEventBus(),
        serviceTokens: () => auth.serviceToken('billing', ['tenancy:read']),
      });
      const server = await subgraph.start();
      await use({ url: server.url, subgraph });
      await subgraph.stop();
      await dropTestDatabases();
    },
    { scope: 'file' },
  ],
});
