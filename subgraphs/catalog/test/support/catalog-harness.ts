import { createLogger, InMemoryEventBus, newId, type RunningServer } from '@platform/kernel';
import { StatementCounter } from '@platform/kernel/testing';
import { createTestAuth, createTestDatabase, dropTestDatabases, gql, TestOrgTree, type GraphQLResponse } from '@platform/testkit';
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

export const ORGS = {
  provider: newId(),
  reseller1: newId(),
  reseller2: newId(),
  customer1: newId(), // under reseller1
  customer2: newId(), // under reseller2
} as const;

export interface CatalogHarness {
  readonly url: string;
  readonly server: RunningServer;
  readonly subgraph: CatalogSubgraph;
  readonly clock: TestClock;
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

async function makeTokens(auth: Awaited<ReturnType<typeof createTestAuth>>) {
  const user = (sub: string, org: string, role: 'OWNER' | 'ADMIN' | 'MEMBER' | 'VIEWER' | 'BILLING') => auth.userToken({ sub, org, role });
  return {
    providerAdmin: await user('provider-admin', ORGS.provider, 'ADMIN'),
    providerMember: await user('provider-member', ORGS.provider, 'MEMBER'),
    resellerAdmin: await user('reseller-admin', ORGS.reseller1, 'ADMIN'),
    r1Member: await user('reseller1-member', ORGS.reseller1, 'MEMBER'),
    c1Owner: await user('customer1-owner', ORGS.customer1, 'OWNER'),
    c1Member: await user('customer1-member', ORGS.customer1, 'MEMBER'),
    c1Viewer: await user('customer1-viewer', ORGS.customer1, 'VIEWER'),
    c1Billing: await user('customer1-billing', ORGS.customer1, 'BILLING'),
    c2Member: await user('customer2-member', ORGS.customer2, 'MEMBER'),
    pricingService: await auth.serviceToken('vms', ['catalog:price']),
    otherService: await auth.serviceToken('billing', ['wallet:debit']),
  };
}

/**
 * The real catalog subgraph on port 0 over a fresh PostgreSQL database, seeded, with real EdDSA
 * tokens and an in-memory organisation tree (provider → 2 resellers → 1 customer each).
 */
export async function startCatalog(label: string, { seed = true, now = TEST_NOW } = {}): Promise<CatalogHarness> {
  const auth = await createTestAuth();
  const tree = new TestOrgTree();
  tree.add(ORGS.provider, 'PROVIDER');
  tree.add(ORGS.reseller1, 'RESELLER', ORGS.provider);
  tree.add(ORGS.reseller2, 'RESELLER', ORGS.provider);
  tree.add(ORGS.customer1, 'CUSTOMER', ORGS.reseller1);
  tree.add(ORGS.customer2, 'CUSTOMER', ORGS.reseller2);
  const clock = new TestClock(new Date(now));
  const statements = new StatementCounter();
  const config = readCatalogConfig({
    DATABASE_URL: await createTestDatabase(`catalog_${label}`),
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
      orgDirectory: tree,
      eventBus: new InMemoryEventBus(),
      serviceTokens: async () => auth.serviceToken('catalog', ['tenancy:read']),
      onQuery: statements.record,
    },
    { clock: clock.now },
  );
  const server = await subgraph.start();
  if (seed) await subgraph.seed();
  const tokens = await makeTokens(auth);
  return {
    url: server.url,
    server,
    subgraph,
    clock,
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
