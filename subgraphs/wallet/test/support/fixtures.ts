import { createDatabase, createLogger, InMemoryEventBus, migrateToLatest, newId } from '@platform/kernel';
import { createTestDatabase, dropTestDatabases, gql, orgTest, StatementCounter, type StandardTree, type TestAuth } from '@platform/testkit';
import { sql, type Kysely } from 'kysely';
import { readWalletConfig } from '../../src/config.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import type { WalletDatabase } from '../../src/db/types.ts';
import { WalletService } from '../../src/domain/wallet-service.ts';
import { createWalletSubgraph } from '../../src/index.ts';

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
async function openLedger() {
  const url = await createTestDatabase('wallet_ledger');
  const database = createDatabase<WalletDatabase>({ url, logger, maxConnections: 10 });
  await migrateToLatest(database.db, migrations);
  const clock = new TestClock();
  const wallets = new WalletService(database.db, { holdTtlSeconds: 3600, clock: clock.now });
  return { db: database.db, wallets, ledger: wallets.ledger, clock, close: () => database.close() };
}

/** The subgraph started in-process on port 0, with real tokens and the standard organisation tree. */
async function startWallet(auth: TestAuth, tree: StandardTree, env: Record<string, string>) {
  const url = await createTestDatabase('wallet');
  const statements = new StatementCounter();
  const bus = new InMemoryEventBus();
  const clock = new TestClock();
  const subgraph = createWalletSubgraph(
    readWalletConfig({ DATABASE_URL: url, PORT: '0', NODE_ENV: 'test', DATABASE_POOL_SIZE: '10', ...env }),
    {
      logger,
      verifyToken: auth.verifyToken,
      orgDirectory: tree.directory,
      eventBus: bus,
      serviceTokens: async () => auth.serviceToken('wallet', ['tenancy:read']),
      onQuery: statements.record,
    },
    { clock: clock.now },
  );
  const server = await subgraph.start();
  return {
    subgraph,
    db: subgraph.db,
    statements,
    bus,
    clock,
    service: (...scopes: string[]) => auth.serviceToken('test', scopes),
    /** POSTs an operation with a token. */
    call: (query: string, variables: Record<string, unknown>, token?: string) => gql(server.url, query, variables, token ? { token } : {}),
    stop: () => subgraph.stop(),
  };
}

export type WalletHarness = Awaited<ReturnType<typeof startWallet>>;
export type LedgerHarness = Awaited<ReturnType<typeof openLedger>>;

/**
 * `wallet`: the running subgraph, one per file, configured by `walletEnv` (a file overrides it with
 * `walletTest.extend({ walletEnv: [{ ... }, { scope: 'file' }] })`). `ledger`: the domain on its own database.
 */
export const walletTest = orgTest.extend<{ walletEnv: Record<string, string>; wallet: WalletHarness; ledger: LedgerHarness }>({
  walletEnv: [{}, { scope: 'file' }],
  wallet: [
    async ({ auth, tree, walletEnv }, use) => {
      const wallet = await startWallet(auth, tree, walletEnv);
      await use(wallet);
      await wallet.stop();
      await dropTestDatabases();
    },
    { scope: 'file' },
  ],
  ledger: [
    async ({}, use) => {
      const ledger = await openLedger();
      await use(ledger);
      await ledger.close();
      await dropTestDatabases();
    },
    { scope: 'file' },
  ],
});

export async function countRows(db: Kysely<WalletDatabase>, table: 'transfers' | 'holds' | 'idempotency_keys' | 'outbox' | 'accounts'): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** A fresh key per call, for tests that do not care about idempotency. */
export const key = (): string => `k-${newId()}`;
