import { createLogger, InMemoryEventBus } from '@platform/kernel';
import { createTestDatabase, dropTestDatabases, orgTest } from '@platform/testkit';
import { create{{Name}}Subgraph, read{{Name}}Config, type {{Name}}Subgraph } from '../../src/index.ts';

export interface Running{{Name}} {
  readonly url: string;
  readonly subgraph: {{Name}}Subgraph;
}

/** The {{name}} subgraph on port 0 and a fresh database, once per test file, on the standard tree. */
export const {{camelName}}Test = orgTest.extend<{ {{camelName}}: Running{{Name}} }>({
  {{camelName}}: [
    async ({ auth, tree }, use) => {
      const config = read{{Name}}Config({ DATABASE_URL: await createTestDatabase('{{snake_name}}'), PORT: '0', NODE_ENV: 'test' });
      const subgraph = create{{Name}}Subgraph(config, {
        logger: createLogger({ service: '{{name}}-test' }, 'error'),
        verifyToken: auth.verifyToken,
        orgDirectory: tree.directory,
        eventBus: new InMemoryEventBus(),
        serviceTokens: () => auth.serviceToken('{{name}}', ['tenancy:read']),
      });
      const server = await subgraph.start();
      await use({ url: server.url, subgraph });
      await subgraph.stop();
      await dropTestDatabases();
    },
    { scope: 'file' },
  ],
});
