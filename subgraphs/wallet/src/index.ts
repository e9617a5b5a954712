import { createDatabase, migrateToLatest, OutboxRelay, startSubgraphServer, type Registration, type RunningServer, type SubgraphDeps } from '@platform/kernel';
import type { WalletConfig } from './config.ts';
import type { WalletContext } from './context.ts';
import { migrations } from './db/migrations/index.ts';
import type { WalletDatabase } from './db/types.ts';
import { HoldSweeper } from './domain/hold-sweeper.ts';
import { Ledger } from './domain/ledger.ts';
import { walletsForNewOrganizations } from './domain/organization-events.ts';
import { WalletService } from './domain/wallet-service.ts';
import { createLoaders } from './loaders.ts';
import { buildWalletSchema } from './schema.ts';

export { readWalletConfig, type WalletConfig } from './config.ts';
export type { WalletDatabase } from './db/types.ts';
export { auditLedger, type LedgerAudit, type WalletAudit } from './domain/ledger-audit.ts';
export { SYSTEM_ACCOUNTS } from './domain/system-accounts.ts';

export interface WalletOptions {
  /** The time holds are placed and expired by; tests move it forward. */
  readonly clock?: () => Date;
}

export function createWalletSubgraph(config: WalletConfig, deps: SubgraphDeps, options: WalletOptions = {}) {
  const database = createDatabase<WalletDatabase>({
    url: config.databaseUrl,
    logger: deps.logger,
    onQuery: deps.onQuery,
    maxConnections: config.databasePoolSize,
  });
  const db = database.db;
  const wallets = new WalletService(db, { holdTtlSeconds: config.holdTtlSeconds, clock: options.clock });
  const relay = new OutboxRelay(database.background, deps.eventBus, deps.logger);
  // The sweeper is background work: its statements go through the uncounted handle.
  const sweeper = new HoldSweeper(new Ledger(database.background, options.clock), config.holdSweepIntervalMs, deps.logger);
  let server: RunningServer | undefined;
  let consumer: Registration | undefined;
  return {
    db,
    wallets,
    async migrate(): Promise<void> {
      await migrateToLatest(db, migrations);
    },
    async start(): Promise<RunningServer> {
      await migrateToLatest(db, migrations);
      consumer = deps.eventBus.register(walletsForNewOrganizations(db, deps.logger));
      server = await startSubgraphServer<WalletContext>({
        name: 'wallet',
        schema: buildWalletSchema(),
        port: config.port,
        host: config.host,
        logger: deps.logger,
        verifyToken: deps.verifyToken,
        orgDirectory: deps.orgDirectory,
        extendContext: (base) => ({ ...base, wallets, loaders: createLoaders(wallets) }),
        ready: () => database.ping(),
      });
      relay.start();
      sweeper.start();
      return server;
    },
    async stop(): Promise<void> {
      await consumer?.stop();
      await server?.stop();
      await sweeper.stop();
      await relay.stop();
      await database.close();
    },
  };
}

export type WalletSubgraph = ReturnType<typeof createWalletSubgraph>;
