import {
  createDatabase,
  migrateToLatest,
  OutboxRelay,
  startSubgraphServer,
  type RunningServer,
  type SubgraphDeps,
} from '@platform/kernel';
import type { CatalogConfig } from './config.ts';
import type { CatalogContext } from './context.ts';
import { CatalogMigrations } from './db/migrations/index.ts';
import type { CatalogDatabase } from './db/types.ts';
import { listActiveVmSizes } from './domain/catalog-queries.ts';
import { systemClock, type Clock } from './domain/clock.ts';
import { expireDueQuotes } from './domain/quote-service.ts';
import { createLoaders } from './loaders.ts';
import { buildCatalogSchema } from './schema.ts';
import { seedCatalog } from './seed-catalog.ts';

export { readCatalogConfig, type CatalogConfig } from './config.ts';
export { seedCatalog, type SeedResult } from './seed-catalog.ts';
export { CatalogMigrations } from './db/migrations/index.ts';
export type { CatalogDatabase } from './db/types.ts';
export type { Clock } from './domain/clock.ts';
export type { VmSizeOffer } from './domain/catalog-queries.ts';

export interface CatalogOptions {
  /** Defaults to the wall clock; tests pass a clock they can move. */
  readonly clock?: Clock;
}

/**
 * The catalog subgraph's composition root: products, effective-dated prices, VAT rates and quotes.
 * start() migrates, serves GraphQL, relays the outbox and sweeps expired quotes; stop() undoes all.
 */
export function createCatalogSubgraph(config: CatalogConfig, deps: SubgraphDeps, options: CatalogOptions = {}) {
  const clock = options.clock ?? systemClock;
  const logger = deps.logger;
  const database = createDatabase<CatalogDatabase>({ url: config.databaseUrl, logger, onQuery: deps.onQuery });
  const db = database.db;
  const relay = new OutboxRelay(database.background, deps.eventBus, logger, config.outboxIntervalMs);
  let server: RunningServer | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> | undefined;

  const scheduleSweep = () => {
    sweepTimer = setTimeout(() => {
      sweeping = expireDueQuotes(database.background, clock())
        .then((n) => n > 0 && logger.info('quotes expired', { count: n }))
        .catch((error) => logger.warn('quote expiry sweep failed; will retry', { error }))
        .finally(() => sweepTimer !== undefined && scheduleSweep());
    }, config.quoteSweepIntervalMs);
    sweepTimer.unref();
  };

  return {
    db,
    async migrate(): Promise<void> {
      await migrateToLatest(db, CatalogMigrations);
    },
    /** Idempotent demo seed (see seedCatalog). */
    seed: () => seedCatalog(db),
    /** Every active VM size (product id, SKU and shape), in SKU order: what a fleet is built from. */
    activeVmSizes: () => listActiveVmSizes(db),
    /** One sweep now (the interval runs it too). */
    expireDueQuotes: (now: Date = clock()) => expireDueQuotes(db, now),
    async start(): Promise<RunningServer> {
      await migrateToLatest(db, CatalogMigrations);
      server = await startSubgraphServer<CatalogContext>({
        name: 'catalog',
        schema: buildCatalogSchema(),
        port: config.port,
        host: config.host,
        logger,
        verifyToken: deps.verifyToken,
        orgDirectory: deps.orgDirectory,
        extendContext: (base) => {
          const now = clock();
          return { ...base, db, now, loaders: createLoaders(db, now), settings: { quoteValidityDays: config.quoteValidityDays } };
        },
        ready: () => database.ping(),
      });
      relay.start();
      scheduleSweep();
      return server;
    },
    async stop(): Promise<void> {
      clearTimeout(sweepTimer);
      sweepTimer = undefined;
      await sweeping;
      await server?.stop();
      await relay.stop();
      await database.close();
    },
  };
}

export type CatalogSubgraph = ReturnType<typeof createCatalogSubgraph>;
