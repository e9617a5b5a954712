import { createDatabase, createLogger, InMemoryEventBus, migrateToLatest, newId, type Role } from '@platform/kernel';
import { StatementCounter } from '@platform/kernel/testing';
import { createTestAuth, createTestDatabase, gql, TestOrgTree, type TestAuth } from '@platform/testkit';
import { sql, type Kysely } from 'kysely';
import { readWalletConfig } from '../src/config.ts';
import { migrations } from '../src/db/migrations/index.ts';
import type { WalletDatabase } from '../src/db/types.ts';
import { WalletService } from '../src/domain/wallet-service.ts';
import { createWalletSubgraph } from '../src/index.ts';

export const logger = createLogger({ service: 'wallet-test' }, 'error');

/** A clock tests move forward by hand, for hold expiry. */
export class TestClock {
  private offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

/** The ledger on a fresh, migrated database, without HTTP. */
export async function openLedger(label: string, options: { poolSize?: number } = {}) {
  const url = await createTestDatabase(label);
  const database = createDatabase<WalletDatabase>({ url, logger, maxConnections: options.poolSize ?? 10 });
  await migrateToLatest(database.db, migrations);
  const clock = new TestClock();
  const wallets = new WalletService(database.db, { holdTtlSeconds: 3600, clock: clock.now });
  return { db: database.db, wallets, ledger: wallets.ledger, clock, close: () => database.close() };
}

export interface OrgFixture {
  readonly provider: string;
  readonly resellerA: string;
  readonly resellerB: string;
  /** Customers of reseller A and B, and one directly under the provider. */
  readonly customerA: string;
  readonly customerB: string;
  readonly directCustomer: string;
}

/** The subgraph started in-process on port 0, with real tokens and an in-memory organisation tree. */
export async function startWallet(label: string, env: Record<string, string> = {}) {
  const url = await createTestDatabase(label);
  const auth: TestAuth = await createTestAuth();
  const tree = new TestOrgTree();
  const provider = tree.add(newId(), 'PROVIDER');
  const resellerA = tree.add(newId(), 'RESELLER', provider);
  const resellerB = tree.add(newId(), 'RESELLER', provider);
  const orgs: OrgFixture = {
    provider,
    resellerA,
    resellerB,
    customerA: tree.add(newId(), 'CUSTOMER', resellerA),
    customerB: tree.add(newId(), 'CUSTOMER', resellerB),
    directCustomer: tree.add(newId(), 'CUSTOMER', provider),
  };
  const statements = new StatementCounter();
  const bus = new InMemoryEventBus();
  const clock = new TestClock();
  const subgraph = createWalletSubgraph(
    readWalletConfig({ DATABASE_URL: url, PORT: '0', NODE_ENV: 'test', DATABASE_POOL_SIZE: '10', ...env }),
    {
      logger,
      verifyToken: auth.verifyToken,
      orgDirectory: tree,
      eventBus: bus,
      serviceTokens: async () => auth.serviceToken('wallet', ['tenancy:read']),
      onQuery: statements.record,
    },
    { clock: clock.now },
  );
  const server = await subgraph.start();
  const user = (org: string, role: Role) => auth.userToken({ sub: newId(), org, role });
  const service = (...scopes: string[]) => auth.serviceToken('test', scopes);
  return {
    url: server.url,
    subgraph,
    db: subgraph.db,
    auth,
    tree,
    orgs,
    statements,
    bus,
    clock,
    user,
    service,
    /** POSTs an operation with a token. */
    call: (query: string, variables: Record<string, unknown>, token?: string) => gql(server.url, query, variables, token ? { token } : {}),
    stop: () => subgraph.stop(),
  };
}

export type WalletHarness = Awaited<ReturnType<typeof startWallet>>;

export async function countRows(db: Kysely<WalletDatabase>, table: 'transfers' | 'holds' | 'idempotency_keys' | 'outbox' | 'accounts'): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** A fresh key per call, for tests that do not care about idempotency. */
export const key = (): string => `k-${newId()}`;
