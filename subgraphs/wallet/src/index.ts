import { advisoryLocks, defineSubgraph, PeriodicTask, type Database, type SubgraphDeps } from '@platform/kernel';
import type { WalletConfig } from './config.ts';
import type { WalletContext } from './context.ts';
import { migrations } from './db/migrations/index.ts';
import type { WalletDatabase } from './db/types.ts';
import { Ledger } from './domain/ledger.ts';
import { walletsForNewOrganizations } from './domain/organization-events.ts';
import { WalletService } from './domain/wallet-service.ts';
import { createLoaders } from './loaders.ts';
import { buildWalletSchema } from './schema.ts';

export { readWalletConfig, type WalletConfig } from './config.ts';
export type { WalletDatabase } from './db/types.ts';
export { auditLedger, type LedgerAudit, type WalletAudit } from './domain/ledger-audit.ts';
export { SYSTEM_ACCOUNTS } from './domain/system-accounts.ts';
// The wallet domain without its server: what a benchmark's second process posts through.
export { WalletService } from './domain/wallet-service.ts';

export interface WalletOptions {
  /** The time holds are placed and expired by; tests move it forward. */
  readonly clock?: () => Date;
}

export function createWalletSubgraph(config: WalletConfig, deps: SubgraphDeps, options: WalletOptions = {}) {
  const subgraph = defineSubgraph({
    name: 'wallet',
    place: config,
    deps,
    migrations,
    schema: buildWalletSchema(),
    poolSize: config.databasePoolSize,
    services: (database: Database<WalletDatabase>) => ({
      db: database.db,
      wallets: new WalletService(database.db, {
        holdTtlSeconds: config.holdTtlSeconds,
        maxCreditMinor: config.maxCreditMinor,
        clock: options.clock,
        groupCommit: config.groupCommit,
      }),
    }),
    context: (base, { db, wallets }): WalletContext => ({ ...base, wallets, loaders: createLoaders(db) }),
    // Expired holds give their funds back without anyone asking; background work, so the uncounted handle.
    tasks: (database, _services, { logger }) => {
      const ledger = new Ledger(database.background, options.clock);
      const singleton = advisoryLocks(database.background); // one replica at a time
      return [new PeriodicTask({ name: 'hold sweep', intervalMs: config.holdSweepIntervalMs, logger, singleton, run: () => ledger.expireHolds() })];
    },
    consumers: (database, _services, { logger }) => [walletsForNewOrganizations(database.db, logger)],
    outbox: true,
  });
  return { ...subgraph, wallets: subgraph.services.wallets };
}

export type WalletSubgraph = ReturnType<typeof createWalletSubgraph>;
