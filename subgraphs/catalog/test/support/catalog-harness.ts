import { createLogger, InMemoryEventBus, type RunningServer } from '@platform/kernel';
import { StatementCounter, type StandardTree, type TestAuth } from '@platform/kernel/testing';
import { createTestDatabase, dropTestDatabases, gql, type GraphQLResponse } from '@platform/testkit';
import { createCatalogSubgraph, readCatalogConfig, type CatalogSubgraph } from '../../src/index.ts';

/** A clock the tests move: quotes expire, prices start, without waiting. */
export class TestClock {
  constructor(public current: Date) {}
  readonly now = (): Date => new Date(this.current);
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export const DAY_MS = 86_400_000;
/** Tests run at a fixed instant, after the seed's prices (2025-01-01) and VAT (2018-04-01) start. */
export const TEST_NOW = '2026-06-01T08:00:00.000Z';

export interface CatalogHarness {
  readonly url: string;
  readonly server: RunningServer;
  readonly subgraph: CatalogSubgraph;
  readonly clock: TestClock;
  /** The standard tree the tokens act in (provider → resellerA → customerA, resellerB → customerB). */
  readonly tree: StandardTree;
  /** Sees every statement of this subgraph's pool. */
  readonly statements: StatementCounter;
  readonly tokens: Awaited<ReturnType<typeof makeTokens>>;
  /** POST a GraphQL operation with a token (or none); data is as loosely typed as the testkit's client. */
  gql(token: string | null, query: string, variables?: Record<string, unknown>): ReturnType<typeof post>;
  close(): Promise<void>;
}

function post(url: string, token: string | null, query: string, variables: Record<string, unknown> = {}) {
  return gql(url, query, variables, token ? { token } : {});
}

async function makeTokens(auth: TestAuth, tree: StandardTree) {
  const user = (sub: string, org: string, role: 'OWNER' | 'ADMIN' | 'MEMBER' | 'VIEWER' | 'BILLING') => auth.userToken({ sub, org, role });
  return {
    providerAdmin: await user('provider-admin', tree.provider, 'ADMIN'),
    providerMember: await user('provider-member', tree.provider, 'MEMBER'),
    resellerAdmin: await user('reseller-admin', tree.resellerA, 'ADMIN'),
    r1Member: await user('reseller1-member', tree.resellerA, 'MEMBER'),
    c1Owner: await user('customer1-owner', tree.customerA, 'OWNER'),
    c1Member: await user('customer1-member', tree.customerA, 'MEMBER'),
    c1Viewer: await user('customer1-viewer', tree.customerA, 'VIEWER'),
    c1Billing: await user('customer1-billing', tree.customerA, 'BILLING'),
    c2Member: await user('customer2-member', tree.customerB, 'MEMBER'),
    pricingService: await auth.serviceToken('vms', ['catalog:price']),
    otherService: await auth.serviceToken('billing', ['wallet:debit']),
  };
}

/**
 * The real catalog subgraph on port 0 over a fresh PostgreSQL database, seeded, with the file's real
 * EdDSA keys and standard organisation tree (test/support/fixtures.ts hands it to each test file).
 */
export async function startCatalog(auth: TestAuth, tree: StandardTree, { seed = true, now = TEST_NOW } = {}): Promise<CatalogHarness> {
  const clock = new TestClock(new Date(now));
  const statements = new StatementCounter();
  const config = readCatalogConfig({
    DATABASE_URL: await createTestDatabase('catalog'),
    PORT: '0',
    // Background jobs stay out of statement counts; tests call expireDueQuotes themselves.
    QUOTE_SWEEP_INTERVAL_MS: '3600000',
    OUTBOX_INTERVAL_MS: '3600000',
  });
  const subgraph = createCatalogSubgraph(
    config,
    {
      logger: createLogger({ service: 'catalog-test' }, 'error'),
      verifyToken: auth.verifyToken,
      orgDirectory: tree.directory,
      eventBus: new InMemoryEventBus(),
      serviceTokens: async () => auth.serviceToken('catalog', ['tenancy:read']),
      onQuery: statements.record,
    },
    { clock: clock.now },
  );
  const server = await subgraph.start();
  if (seed) await subgraph.seed();
  const tokens = await makeTokens(auth, tree);
  return {
    url: server.url,
    server,
    subgraph,
    clock,
    tree,
    statements,
    tokens,
    gql: (token, query, variables) => post(server.url, token, query, variables),
    async close() {
      await subgraph.stop();
      await dropTestDatabases();
    },
  };
}

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export function dataOf<D>(response: GraphQLResponse<D>): D {
  if (response.errors?.length || !response.data) throw new Error(`unexpected errors: ${JSON.stringify(response.errors ?? response)}`);
  return response.data;
}

/** The first error's code, message and extensions. */
export function firstError(response: GraphQLResponse<unknown>): { code: unknown; message: string; extensions: Record<string, unknown> } {
  const error = response.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(response.data)}`);
  return { code: error.extensions?.['code'], message: error.message, extensions: error.extensions ?? {} };
}
